import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bumpVersion,
  chaincodePackage,
  collectionsConfig,
  definitionFingerprint,
  endorsementPolicy,
  chaincodeServer,
  SUPERVISOR,
  connectionJson,
  lifecycleCommands,
  NOT_COMMITTED,
  packageLabel,
  parseApprovals,
  parseCommitted,
  parseInstalled,
  readDeployedDefinition,
  routesCollectionName,
  targetDefinition,
  ticketsCollectionName,
  writeCollectionsConfig,
  writeDeployedDefinition,
} from './chaincode';
import type { EnvContext } from './env';
import { CHAINCODE_PROJECT_DIR, DEFAULT_TOPOLOGY, NETWORK_DIR, statePaths } from './paths';
import { loadTopology, type Topology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const nmi002 = loadTopology(path.join(NETWORK_DIR, 'topologies', 'nmi-002.yaml'));
const weighing = loadTopology(path.join(NETWORK_DIR, 'topologies', 'weighing-004.yaml'));
/** What test/affiliation.test.ts does at run time: a third NMI joins. */
const withLab = (topology: Topology): Topology => ({
  ...topology,
  orgs: [...topology.orgs, { name: 'Lab', mspId: 'LabMSP', kind: 'authority', ca: { port: 12054, operationsPort: 22054 }, peers: [{ name: 'peer0', port: 12051, chaincodePort: 12052, operationsPort: 22051 }], identities: [] }],
  chaincode: { ...topology.chaincode, serverPorts: { ...topology.chaincode.serverPorts, Lab: 12100 } },
});
const [ptb, inmetro] = t.orgs;
const ctx: EnvContext = { topology: t, paths: statePaths('/state'), fabricCfgPath: '/state/config', builderDir: '/b' };
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('chaincode packages', () => {
  it('are labelled per org and version', () => {
    expect(packageLabel(t, ptb, '1')).toBe('meterledger_ptb_1');
    expect(packageLabel(t, inmetro, '2')).toBe('meterledger_inmetro_2');
  });

  it('point each org at its own chaincode server', () => {
    expect(connectionJson(t, ptb)).toEqual({ address: '127.0.0.1:7100', dial_timeout: '10s', tls_required: false });
    expect(connectionJson(t, inmetro).address).toBe('127.0.0.1:8100');
  });

  it('contain metadata.json {type: ccaas, label} and code.tar.gz with connection.json', () => {
    const pkg = chaincodePackage(t, ptb, '1');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pkg-'));
    fs.writeFileSync(path.join(dir, 'p.tar.gz'), pkg.bytes);
    execFileSync('tar', ['-xzf', 'p.tar.gz'], { cwd: dir });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8'))).toEqual({ type: 'ccaas', label: 'meterledger_ptb_1' });
    fs.mkdirSync(path.join(dir, 'code'));
    execFileSync('tar', ['-xzf', '../code.tar.gz'], { cwd: path.join(dir, 'code') });
    expect(fs.readdirSync(path.join(dir, 'code'))).toEqual(['connection.json']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'code', 'connection.json'), 'utf8'))).toEqual({
      address: '127.0.0.1:7100',
      dial_timeout: '10s',
      tls_required: false,
    });
  });

  it('have the package id Fabric computes (label:sha256 of the file), stable and different per org', () => {
    const pkg = chaincodePackage(t, ptb, '1');
    expect(pkg.packageId).toBe(`meterledger_ptb_1:${createHash('sha256').update(pkg.bytes).digest('hex')}`);
    expect(chaincodePackage(t, ptb, '1').packageId).toBe(pkg.packageId);
    expect(chaincodePackage(t, inmetro, '1').packageId).not.toBe(pkg.packageId);
    expect(chaincodePackage(t, ptb, '2').packageId).not.toBe(pkg.packageId);
  });
});

function customerOrg(name: string, peers: number) {
  return { name, mspId: `${name}MSP`, kind: 'customer' as const, ca: { port: 1, operationsPort: 2 }, peers: Array.from({ length: peers }, (_, i) => ({ name: `peer${i}`, port: 3, chaincodePort: 4, operationsPort: 5 })), identities: [] };
}

describe('versions and sequences', () => {
  it('bumps versions', () => {
    expect(bumpVersion('1')).toBe('2');
    expect(bumpVersion('9')).toBe('10');
    expect(bumpVersion('1.4')).toBe('1.5');
    expect(bumpVersion('beta')).toBe('beta.1');
  });

  it('deploys sequence 1 first, keeps a committed definition, and bumps both on --upgrade', () => {
    const fingerprint = definitionFingerprint(t);
    expect(targetDefinition(t, null, false)).toEqual({ name: 'meterledger', version: '1', sequence: 1, fingerprint });
    expect(targetDefinition(t, null, true)).toEqual({ name: 'meterledger', version: '1', sequence: 1, fingerprint });
    const committed = { name: 'meterledger', version: '3', sequence: 4 };
    expect(targetDefinition(t, committed, false)).toEqual({ ...committed, fingerprint });
    expect(targetDefinition(t, committed, true)).toEqual({ name: 'meterledger', version: '4', sequence: 5, fingerprint });
  });

  it('takes a new sequence, same version, when the policy or the collections changed since deploy committed', () => {
    const committed = { name: 'meterledger', version: '3', sequence: 4 };
    const fingerprint = definitionFingerprint(t);
    expect(targetDefinition(t, committed, false, { ...committed, fingerprint })).toEqual({ ...committed, fingerprint });
    expect(targetDefinition(t, committed, false, { ...committed, fingerprint: 'before-an-org-joined' })).toEqual({ ...committed, sequence: 5, fingerprint });
    // a record of an older sequence (someone else committed since), or none (deployed before fingerprints): unchanged
    expect(targetDefinition(t, committed, false, { ...committed, sequence: 3, fingerprint: 'old' })).toEqual({ ...committed, fingerprint });
    expect(targetDefinition(t, committed, false, committed)).toEqual({ ...committed, fingerprint });
  });

  it('derives the endorsement policy from the orgs that are not customers, and collections from the customers', () => {
    expect(endorsementPolicy(t)).toMatch(/^OutOf\(\d+, 'PTBMSP.peer'/);
    const customers = { ...t, orgs: [...t.orgs.filter((o) => o.kind !== 'customer'), customerOrg('CustomerA', 2), customerOrg('CustomerB', 2), customerOrg('CustomerC', 1)] };
    expect(endorsementPolicy(customers)).toBe(endorsementPolicy({ ...customers, orgs: customers.orgs.filter((o) => o.kind !== 'customer') }));
    const collections = collectionsConfig(customers);
    expect(collections.map((c) => [c.name, c.policy, c.requiredPeerCount, c.maxPeerCount, c.endorsementPolicy.signaturePolicy])).toEqual([
      ['tickets-CustomerAMSP', "OR('CustomerAMSP.member')", 1, 1, "OR('CustomerAMSP.peer')"],
      ['tickets-CustomerBMSP', "OR('CustomerBMSP.member')", 1, 1, "OR('CustomerBMSP.peer')"],
      ['tickets-CustomerCMSP', "OR('CustomerCMSP.member')", 0, 0, "OR('CustomerCMSP.peer')"],
      ['routes-CustomerAMSP-CustomerBMSP', "OR('CustomerAMSP.member', 'CustomerBMSP.member')", 1, 3, "OR('CustomerAMSP.peer', 'CustomerBMSP.peer')"],
      ['routes-CustomerAMSP-CustomerCMSP', "OR('CustomerAMSP.member', 'CustomerCMSP.member')", 1, 2, "OR('CustomerAMSP.peer', 'CustomerCMSP.peer')"],
      ['routes-CustomerBMSP-CustomerCMSP', "OR('CustomerBMSP.member', 'CustomerCMSP.member')", 1, 2, "OR('CustomerBMSP.peer', 'CustomerCMSP.peer')"],
    ]);
    expect(collections.every((c) => c.blockToLive === 0 && c.memberOnlyRead && c.memberOnlyWrite)).toBe(true);
    expect(collectionsConfig({ ...customers, orgs: customers.orgs.filter((o) => o.kind !== 'customer') })).toEqual([]);
    expect(definitionFingerprint(customers)).not.toBe(definitionFingerprint({ ...customers, orgs: customers.orgs.slice(0, -1) }));
  });

  it('writes the majority of the orgs that are not customers: what MAJORITY Endorsement meant for dev.yaml and nmi-002.yaml', () => {
    expect(endorsementPolicy(t)).toBe("OutOf(2, 'PTBMSP.peer', 'InmetroMSP.peer', 'OperatorMSP.peer')");
    expect(endorsementPolicy(nmi002)).toBe("OutOf(2, 'PTBMSP.peer', 'InmetroMSP.peer', 'OperatorMSP.peer')");
    expect(endorsementPolicy(withLab(nmi002))).toBe("OutOf(3, 'PTBMSP.peer', 'InmetroMSP.peer', 'OperatorMSP.peer', 'LabMSP.peer')");
    expect(endorsementPolicy(weighing)).toBe("OutOf(2, 'PTBMSP.peer', 'InmetroMSP.peer')");
    expect(endorsementPolicy({ ...nmi002, orgs: nmi002.orgs.slice(0, 1) })).toBe("OutOf(1, 'PTBMSP.peer')");
  });

  it('names collections from MSP ids, the pair ordered by plain string comparison (as the chaincode does)', () => {
    expect(ticketsCollectionName('CustomerAMSP')).toBe('tickets-CustomerAMSP');
    expect(routesCollectionName('CustomerBMSP', 'CustomerAMSP')).toBe('routes-CustomerAMSP-CustomerBMSP');
    expect(routesCollectionName('CustomerAMSP', 'CustomerBMSP')).toBe('routes-CustomerAMSP-CustomerBMSP');
    // code-unit order, not locale order: upper case before lower case
    expect(routesCollectionName('aMSP', 'ZMSP')).toBe('routes-ZMSP-aMSP');
    expect(collectionsConfig(weighing).map((c) => c.name)).toEqual(['tickets-CustomerAMSP', 'tickets-CustomerBMSP', 'routes-CustomerAMSP-CustomerBMSP']);
    expect(collectionsConfig(nmi002)).toEqual([]);
  });

  it("gives weighing-004.yaml's customers collections kept forever, on both of the customer's peers", () => {
    const [ticketsA, , routes] = collectionsConfig(weighing);
    expect(ticketsA).toEqual({
      name: 'tickets-CustomerAMSP',
      policy: "OR('CustomerAMSP.member')",
      requiredPeerCount: 1,
      maxPeerCount: 1,
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: { signaturePolicy: "OR('CustomerAMSP.peer')" },
    });
    expect(routes).toMatchObject({ policy: "OR('CustomerAMSP.member', 'CustomerBMSP.member')", requiredPeerCount: 1, maxPeerCount: 3, blockToLive: 0 });
  });

  it('takes a new sequence when a third NMI joins (the policy becomes 3 of 4), and keeps it once deployed', () => {
    const committed = { name: 'meterledger', version: '1', sequence: 1 };
    const deployed = targetDefinition(nmi002, null, false);
    const lab = withLab(nmi002);
    expect(targetDefinition(lab, committed, false, deployed)).toEqual({ ...committed, sequence: 2, fingerprint: definitionFingerprint(lab) });
    const afterJoin = { ...committed, sequence: 2 };
    expect(targetDefinition(lab, afterJoin, false, { ...afterJoin, fingerprint: definitionFingerprint(lab) })).toEqual({ ...afterJoin, fingerprint: definitionFingerprint(lab) });
    // a customer joining changes the collections (the policy stays): a new sequence too
    expect(definitionFingerprint(weighing)).not.toBe(definitionFingerprint({ ...weighing, orgs: weighing.orgs.slice(0, -1) }));
    expect(endorsementPolicy(weighing)).toBe(endorsementPolicy({ ...weighing, orgs: weighing.orgs.slice(0, -1) }));
  });

  it('writes chaincode/collections.json for a topology with customers, and nothing without', () => {
    const p = statePaths(fs.mkdtempSync(path.join(os.tmpdir(), 'coll-')));
    writeCollectionsConfig(nmi002, p);
    expect(fs.existsSync(p.collectionsConfig)).toBe(false);
    writeCollectionsConfig(weighing, p);
    expect(JSON.parse(fs.readFileSync(p.collectionsConfig, 'utf8'))).toEqual(collectionsConfig(weighing));
  });

  it('remembers what deploy committed', () => {
    const p = statePaths(fs.mkdtempSync(path.join(os.tmpdir(), 'def-')));
    expect(readDeployedDefinition(p)).toBeNull();
    writeDeployedDefinition(p, { name: 'meterledger', version: '2', sequence: 2 });
    expect(readDeployedDefinition(p)).toEqual({ name: 'meterledger', version: '2', sequence: 2 });
  });
});

describe('peer lifecycle commands', () => {
  const d = { name: 'meterledger', version: '2', sequence: 3 };

  it('install and queryinstalled run as the org admin against the given peer', () => {
    const c = lifecycleCommands.install(ctx, inmetro, inmetro.peers[0], '/state/chaincode/Inmetro/x.tar.gz');
    expect(c.bin).toBe('/state/bin/peer');
    expect(c.args).toEqual(['lifecycle', 'chaincode', 'install', '/state/chaincode/Inmetro/x.tar.gz']);
    expect(c.env?.CORE_PEER_ADDRESS).toBe('127.0.0.1:8051');
    expect(c.env?.CORE_PEER_MSPCONFIGPATH).toBe('/state/orgs/Inmetro/users/orgadmin/msp');
    expect(lifecycleCommands.queryInstalled(ctx, ptb, ptb.peers[0]).args).toEqual(['lifecycle', 'chaincode', 'queryinstalled', '--output', 'json']);
  });

  it('approveformyorg names the orderer over TLS, the definition with --sequence and the org’s package id', () => {
    const a = lifecycleCommands.approve(ctx, ptb, d, 'meterledger_ptb_2:abc').args;
    expect(a.slice(0, 3)).toEqual(['lifecycle', 'chaincode', 'approveformyorg']);
    expect(flag(a, '-o')).toBe('127.0.0.1:7050');
    expect(a).toContain('--tls');
    expect(flag(a, '--cafile')).toBe('/state/orgs/OrdererOrg/tlsca.pem');
    expect([flag(a, '--channelID'), flag(a, '--name'), flag(a, '--version'), flag(a, '--sequence')]).toEqual(['nmichannel', 'meterledger', '2', '3']);
    expect(flag(a, '--package-id')).toBe('meterledger_ptb_2:abc');
  });

  it('commit collects endorsements from a peer of every org', () => {
    const a = lifecycleCommands.commit(ctx, ptb, d).args;
    expect(a[2]).toBe('commit');
    expect(a.flatMap((x, i) => (x === '--peerAddresses' ? [a[i + 1], a[i + 3]] : []))).toEqual([
      '127.0.0.1:7051',
      '/state/orgs/PTB/tlsca.pem',
      '127.0.0.1:8051',
      '/state/orgs/Inmetro/tlsca.pem',
      '127.0.0.1:13051',
      '/state/orgs/Operator/tlsca.pem',
      '127.0.0.1:14051',
      '/state/orgs/CustomerA/tlsca.pem',
      '127.0.0.1:15051',
      '/state/orgs/CustomerB/tlsca.pem',
    ]);
    expect(flag(a, '--sequence')).toBe('3');
  });

  it('approve, checkcommitreadiness and commit name the endorsement policy, and the collections only when there are customers', () => {
    const weighingCtx: EnvContext = { ...ctx, topology: weighing };
    const nmiCtx: EnvContext = { ...ctx, topology: nmi002 };
    const commands = (c: EnvContext) => [
      lifecycleCommands.approve(c, c.topology.orgs[0], d, 'p:1').args,
      lifecycleCommands.checkCommitReadiness(c, c.topology.orgs[0], d).args,
      lifecycleCommands.commit(c, c.topology.orgs[0], d).args,
    ];
    for (const a of commands(weighingCtx)) {
      expect(flag(a, '--signature-policy')).toBe("OutOf(2, 'PTBMSP.peer', 'InmetroMSP.peer')");
      expect(flag(a, '--collections-config')).toBe('/state/chaincode/collections.json');
    }
    for (const a of commands(nmiCtx)) {
      expect(flag(a, '--signature-policy')).toBe("OutOf(2, 'PTBMSP.peer', 'InmetroMSP.peer', 'OperatorMSP.peer')");
      expect(a).not.toContain('--collections-config');
    }
  });

  it('checkcommitreadiness and querycommitted ask for JSON', () => {
    expect(lifecycleCommands.checkCommitReadiness(ctx, ptb, d).args).toContain('json');
    expect(lifecycleCommands.queryCommitted(ctx, ptb).args).toEqual(['lifecycle', 'chaincode', 'querycommitted', '--channelID', 'nmichannel', '--name', 'meterledger', '--output', 'json']);
  });
});

describe('parsing peer lifecycle output', () => {
  it('reads the committed version and sequence', () => {
    const out = '{"sequence":2,"version":"2","endorsement_plugin":"escc","validation_plugin":"vscc","validation_parameter":"Eh4KHC9DaGFubmVsL0FwcGxpY2F0aW9uL0VuZG9yc2VtZW50","collections":{},"approvals":{"InmetroMSP":true,"PTBMSP":true}}\n';
    expect(parseCommitted('meterledger', out)).toEqual({ name: 'meterledger', version: '2', sequence: 2 });
    expect(parseCommitted('meterledger', 'garbage')).toBeNull();
    expect(NOT_COMMITTED.test('Error: query failed with status: 404 - namespace meterledger is not defined')).toBe(true);
    expect(NOT_COMMITTED.test('Error: failed to connect to 127.0.0.1:7051')).toBe(false);
  });

  it('reads installed package ids and approvals', () => {
    expect(parseInstalled('{"installed_chaincodes":[{"package_id":"l:1","label":"l"},{"package_id":"m:2","label":"m"}]}')).toEqual(['l:1', 'm:2']);
    expect(parseInstalled('{}')).toEqual([]);
    expect(parseApprovals('{\n\t"approvals": {\n\t\t"InmetroMSP": false,\n\t\t"PTBMSP": true\n\t}\n}')).toEqual({ InmetroMSP: false, PTBMSP: true });
  });
});

describe('chaincode server', () => {
  it('runs fabric-chaincode-node server in packages/chaincode, under the supervisor, with the org’s address and package id', () => {
    const s = chaincodeServer(t, inmetro, 'meterledger_inmetro_1:abc');
    expect(s.bin).toBe(process.execPath);
    expect(s.args[0]).toBe(SUPERVISOR);
    expect(path.basename(s.args[1])).toBe('fabric-chaincode-node');
    expect(s.args.slice(2)).toEqual(['server', '--chaincode-address', '127.0.0.1:8100', '--chaincode-id', 'meterledger_inmetro_1:abc']);
    expect(s.cwd).toBe(CHAINCODE_PROJECT_DIR);
    expect([s.name, s.host, s.port]).toEqual(['chaincode-Inmetro', '127.0.0.1', 8100]);
  });
});
