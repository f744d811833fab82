import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_TOPOLOGY, NETWORK_DIR } from './paths';
import { caHost, caName, enrollmentId, loadTopology, mqttUrl, ordererHost, parseTopology, peerHost, registryBootstrap, shiftPorts, TopologyError, type Topology } from './topology';

const raw = () => parse(fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as Record<string, unknown> & { orgs: Record<string, unknown>[] };

function allPorts(t: Topology): number[] {
  return [
    t.ordererOrg.ca.port,
    t.ordererOrg.ca.operationsPort,
    ...t.ordererOrg.orderers.flatMap((o) => [o.port, o.adminPort, o.clusterPort, o.operationsPort]),
    ...t.orgs.flatMap((o) => [o.ca.port, o.ca.operationsPort, ...o.peers.flatMap((p) => [p.port, p.chaincodePort, p.operationsPort])]),
    ...Object.values(t.chaincode.serverPorts),
    ...(t.mqtt ? [t.mqtt.port] : []),
  ];
}

describe('network/topologies/dev.yaml', () => {
  const t = loadTopology(DEFAULT_TOPOLOGY);

  it('declares the domain, channel, chaincode and LevelDB state', () => {
    expect(t.domain).toBe('meterledger.local');
    expect(t.host).toBe('127.0.0.1');
    expect(t.channel).toBe('nmichannel');
    expect(t.stateDatabase).toBe('goleveldb');
    expect(t.chaincode).toMatchObject({ name: 'meterledger', labelPrefix: 'meterledger', version: '1' });
  });

  it('has an OrdererMSP org with 3 Raft orderers, each with listen, admin, cluster and operations ports', () => {
    expect(t.ordererOrg).toMatchObject({ name: 'OrdererOrg', mspId: 'OrdererMSP' });
    expect(t.ordererOrg.orderers).toHaveLength(3);
    for (const o of t.ordererOrg.orderers) expect(Object.keys(o).sort()).toEqual(['adminPort', 'clusterPort', 'name', 'operationsPort', 'port']);
  });

  it('has the authority orgs PTB and Inmetro, the metering operator and two weighing customers, each with peers, a CA and a chaincode server port', () => {
    expect(t.orgs.map((o) => [o.name, o.mspId, o.kind, o.peers.length])).toEqual([
      ['PTB', 'PTBMSP', 'authority', 1],
      ['Inmetro', 'InmetroMSP', 'authority', 1],
      ['Operator', 'OperatorMSP', 'operator', 1],
      ['CustomerA', 'CustomerAMSP', 'customer', 2],
      ['CustomerB', 'CustomerBMSP', 'customer', 2],
    ]);
    for (const org of t.orgs) {
      expect(org.peers.length).toBeGreaterThanOrEqual(1);
      expect(org.ca.port).toBeGreaterThan(0);
      expect(t.chaincode.serverPorts[org.name]).toBeGreaterThan(0);
    }
  });

  it('gives every authority the admin, registrar, verifier, auditor and norole identities', () => {
    for (const org of t.orgs.filter((o) => o.kind === 'authority')) {
      expect(org.identities).toEqual([
        { name: 'admin', type: 'admin', role: 'admin' },
        { name: 'registrar', type: 'client', role: 'registrar' },
        { name: 'verifier', type: 'client', role: 'verifier' },
        { name: 'auditor', type: 'client', role: 'auditor' },
        { name: 'norole', type: 'client' },
      ]);
    }
  });

  it('gives the operator an admin, the metering gateway and an auditor, on ports of its own (13xxx), and no registry role', () => {
    const operator = t.orgs[2];
    expect(operator.identities).toEqual([
      { name: 'admin', type: 'admin', role: 'admin' },
      { name: 'gateway', type: 'client', role: 'gateway' },
      { name: 'auditor', type: 'client', role: 'auditor' },
    ]);
    expect(operator.ca).toEqual({ port: 13054, operationsPort: 23054 });
    expect(operator.peers).toEqual([{ name: 'peer0', port: 13051, chaincodePort: 13052, operationsPort: 23051 }]);
    expect(t.chaincode.serverPorts.Operator).toBe(13100);
    expect(registryBootstrap(t).authorityMspIds).not.toContain('OperatorMSP');
  });

  it('declares the MQTT broker on 1883', () => {
    expect(t.mqtt).toEqual({ port: 1883 });
    expect(mqttUrl(t)).toBe('mqtt://127.0.0.1:1883');
  });

  it('uses every port once (PTB peer on 7051, PTB CA on 7054)', () => {
    const ports = allPorts(t);
    expect(new Set(ports).size).toBe(ports.length);
    expect(t.orgs[0].peers[0].port).toBe(7051);
    expect(t.orgs[0].ca.port).toBe(7054);
  });

  it('derives host names, CA names and enrollment ids', () => {
    expect(peerHost(t, t.orgs[0], t.orgs[0].peers[0])).toBe('peer0.ptb.meterledger.local');
    expect(ordererHost(t, t.ordererOrg.orderers[0])).toBe('orderer1.meterledger.local');
    expect(caHost(t, t.orgs[1])).toBe('ca.inmetro.meterledger.local');
    expect(caName(t.orgs[1])).toBe('ca-inmetro');
    expect(enrollmentId(t.orgs[0], 'admin')).toBe('ptb-admin'); // never the CA bootstrap "admin"
  });
});

describe('topology validation', () => {
  const invalid = (mutate: (doc: ReturnType<typeof raw>) => void): string => {
    const doc = raw();
    mutate(doc);
    try {
      parseTopology(doc, 'test.yaml');
    } catch (e) {
      expect(e).toBeInstanceOf(TopologyError);
      return (e as Error).message;
    }
    throw new Error('expected the topology to be rejected');
  };

  it('names the clashing users of a port', () => {
    const msg = invalid((d) => ((d.orgs[1].peers as { port: number }[])[0].port = 7051));
    expect(msg).toContain('port 7051 is used by both PTB peer0 and Inmetro peer0');
  });

  it('reports the location of a wrongly typed field', () => {
    expect(invalid((d) => ((d.orgs[0].ca as { port: unknown }).port = 'x'))).toMatch(/orgs\.0\.ca\.port: Expected number/);
  });

  it('rejects unknown keys (typos do not pass silently)', () => {
    expect(invalid((d) => (d.orgs[0].peerz = []))).toMatch(/orgs\.0: Unrecognized key\(s\) in object: 'peerz'/);
  });

  it('requires a chaincode server port for every org, and no port for unknown orgs', () => {
    const msg = invalid((d) => ((d.chaincode as { serverPorts: Record<string, number> }).serverPorts = { PTB: 7100, Nobody: 8100 }));
    expect(msg).toContain('chaincode.serverPorts has no port for org Inmetro');
    expect(msg).toContain('chaincode.serverPorts names unknown org Nobody');
  });

  it('rejects duplicate mspIds and the reserved identity name orgadmin', () => {
    const msg = invalid((d) => {
      d.orgs[1].mspId = 'PTBMSP';
      d.orgs[0].identities = [{ name: 'orgadmin', type: 'admin' }];
    });
    expect(msg).toContain('mspId "PTBMSP" is declared twice');
    expect(msg).toContain('"orgadmin" is reserved');
  });

  it('rejects an MQTT port another process uses, and an mqtt section with unknown keys', () => {
    expect(invalid((d) => (d.mqtt = { port: 7051 }))).toContain('port 7051 is used by both PTB peer0 and MQTT broker');
    expect(invalid((d) => (d.mqtt = { port: 1883, host: '0.0.0.0' }))).toMatch(/mqtt: Unrecognized key\(s\) in object: 'host'/);
  });

  it('accepts a topology without an mqtt section (no broker, no URL)', () => {
    const doc = raw();
    delete doc.mqtt;
    const t = parseTopology(doc);
    expect(t.mqtt).toBeUndefined();
    expect(mqttUrl(t)).toBeNull();
  });

  it('keeps operators out of registry.authorities, and out of the default authorities', () => {
    expect(invalid((d) => ((d.registry as { authorities: string[] }).authorities = ['PTB', 'Operator']))).toContain(
      'registry.authorities names Operator, which is not an authority org (kind operator)',
    );
    const doc = raw();
    delete doc.registry;
    expect(registryBootstrap(parseTopology(doc))).toEqual({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
  });

  it('rejects an invalid channel name and unsupported org kinds', () => {
    expect(invalid((d) => (d.channel = 'NMI Channel'))).toMatch(/channel: a Fabric channel name/);
    expect(invalid((d) => (d.orgs[0].kind = 'manufacturer'))).toMatch(/orgs\.0\.kind/);
  });

  it('accepts a third org added as data', () => {
    const doc = raw();
    doc.orgs.push({
      name: 'Lab',
      mspId: 'LabMSP',
      kind: 'authority',
      ca: { port: 10054, operationsPort: 20054 },
      peers: [{ name: 'peer0', port: 10051, chaincodePort: 10052, operationsPort: 20051 }],
      identities: [{ name: 'admin', type: 'admin', role: 'admin' }],
    });
    (doc.chaincode as { serverPorts: Record<string, number> }).serverPorts.Lab = 10100;
    expect(parseTopology(doc).orgs.map((o) => o.name)).toEqual(['PTB', 'Inmetro', 'Operator', 'CustomerA', 'CustomerB', 'Lab']);
  });

  it('explains unreadable and non-YAML files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'topo-'));
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'domain: [unclosed');
    expect(() => loadTopology(path.join(dir, 'bad.yaml'))).toThrow(/is not valid YAML/);
    expect(() => loadTopology(path.join(dir, 'missing.yaml'))).toThrow(/cannot read topology file/);
  });
});

describe('port offset', () => {
  it('moves every port, the chaincode servers included, and nothing else', () => {
    const base = loadTopology(DEFAULT_TOPOLOGY);
    const moved = loadTopology(DEFAULT_TOPOLOGY, { portOffset: 3000 });
    expect(moved.ordererOrg.orderers[0]).toEqual({ ...base.ordererOrg.orderers[0], port: 10050, adminPort: 10053, clusterPort: 10057, operationsPort: 20050 });
    expect(moved.orgs[0].peers[0].port).toBe(base.orgs[0].peers[0].port + 3000);
    expect(moved.orgs[1].ca).toEqual({ port: base.orgs[1].ca.port + 3000, operationsPort: base.orgs[1].ca.operationsPort + 3000 });
    expect(moved.chaincode.serverPorts).toEqual({ PTB: 10100, Inmetro: 11100, Operator: 16100, CustomerA: 17100, CustomerB: 18100 });
    expect(moved.mqtt).toEqual({ port: 4883 });
    expect(moved.channel).toBe(base.channel);
    expect(moved.orgs.map((o) => o.identities)).toEqual(base.orgs.map((o) => o.identities));
  });

  it('still validates: a port pushed past 65535 is reported', () => {
    expect(() => loadTopology(DEFAULT_TOPOLOGY, { portOffset: 60000 })).toThrow(/Number must be less than or equal to 65535/);
  });
});

describe('network/topologies/weighing-004.yaml (004 §IV, scaled up)', () => {
  const w = loadTopology(path.join(NETWORK_DIR, 'topologies', 'weighing-004.yaml'));

  it('has the two authorities and two customers with two peers and ten stations each', () => {
    expect(w.orgs.map((o) => [o.name, o.kind, o.peers.length])).toEqual([
      ['PTB', 'authority', 1],
      ['Inmetro', 'authority', 1],
      ['CustomerA', 'customer', 2],
      ['CustomerB', 'customer', 2],
    ]);
    for (const org of w.orgs.filter((o) => o.kind === 'customer')) {
      expect(org.identities.filter((i) => i.role === 'station').map((i) => i.station)).toEqual(Array.from({ length: 10 }, (_, i) => `st${String(i + 1).padStart(2, '0')}`));
      expect(org.identities.find((i) => i.name === 'user')?.role).toBe('customer');
    }
  });

  it('refuses a station on an org that is not a customer', () => {
    const doc = parse(fs.readFileSync(path.join(NETWORK_DIR, 'topologies', 'weighing-004.yaml'), 'utf8')) as { orgs: { identities: { station?: string }[] }[] };
    doc.orgs[0].identities = [{ ...doc.orgs[0].identities[0], station: 'st01' }];
    expect(() => parseTopology(doc)).toThrow(/only customer orgs have stations/);
  });
});

describe('network/topologies/nmi-002.yaml (002 §5)', () => {
  const t = loadTopology(path.join(NETWORK_DIR, 'topologies', 'nmi-002.yaml'));

  it('has PTB and Inmetro with two peers each, the operator with one, five Raft orderers and the MQTT broker', () => {
    expect(t.ordererOrg.orderers).toHaveLength(5);
    expect(t.orgs.map((o) => [o.name, o.kind, o.peers.length])).toEqual([
      ['PTB', 'authority', 2],
      ['Inmetro', 'authority', 2],
      ['Operator', 'operator', 1],
    ]);
    expect(t.orgs[2].identities.map((i) => [i.name, i.role])).toEqual([
      ['admin', 'admin'],
      ['gateway', 'gateway'],
      ['auditor', 'auditor'],
    ]);
    for (const org of t.orgs) expect(org.identities.find((i) => i.name === 'auditor')?.role).toBe('auditor');
    expect(t.mqtt).toEqual({ port: 1883 });
    const ports = allPorts(t);
    expect(new Set(ports).size).toBe(ports.length);
    expect(registryBootstrap(t)).toEqual({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
  });
});

describe('registry bootstrap and ordering settings', () => {
  const base = parse(fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as Record<string, unknown>;

  it('defaults ordering to Fabric-sample values and the registry to every authority', () => {
    const t = parseTopology({ ...base, ordering: undefined, registry: undefined });
    expect(t.ordering).toEqual({ batchTimeout: '2s', maxMessageCount: 10, preferredMaxBytes: '512 KB' });
    expect(registryBootstrap(t)).toEqual({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
  });

  it('rejects a threshold above the number of authorities, unknown authorities and malformed durations', () => {
    expect(() => parseTopology({ ...base, registry: { approvalThreshold: 3, authorities: ['PTB', 'Lab'] }, ordering: { batchTimeout: '2 seconds' } })).toThrow(
      /ordering\.batchTimeout: a duration such as 250ms or 2s[\s\S]*registry\.authorities names Lab, which is not an authority org/,
    );
    expect(() => parseTopology({ ...base, registry: { approvalThreshold: 3 } })).toThrow(/registry\.approvalThreshold 3 exceeds the 2 authorities/);
  });
});

describe('networks run side by side (dev on +0, the integration suite on +500 and its weighing network on +700, the benchmarks on +4200)', () => {
  // test/affiliation.test.ts adds a third NMI, Lab, on 12xxx at run time.
  const withLab = (file: string, offset: number): Topology => {
    const doc = parse(fs.readFileSync(file, 'utf8')) as ReturnType<typeof raw> & { chaincode: { serverPorts: Record<string, number> } };
    doc.chaincode.serverPorts.Lab = 12100;
    doc.orgs.push({ name: 'Lab', mspId: 'LabMSP', kind: 'authority', ca: { port: 12054, operationsPort: 22054 }, peers: [{ name: 'peer0', port: 12051, chaincodePort: 12052, operationsPort: 22051 }] });
    return parseTopology(shiftPorts(doc, offset));
  };
  const nmi = path.join(NETWORK_DIR, 'topologies', 'nmi-002.yaml');
  const weighing = path.join(NETWORK_DIR, 'topologies', 'weighing-004.yaml');
  const clashes = (networks: { name: string; ports: number[] }[]) => {
    const out: string[] = [];
    for (const [i, a] of networks.entries()) {
      for (const b of networks.slice(i + 1)) for (const p of a.ports.filter((x) => b.ports.includes(x))) out.push(`${a.name} and ${b.name} share ${p}`);
    }
    return out;
  };

  it('never share a port, the operator, Lab and the broker included', () => {
    expect(
      clashes([
        { name: 'dev+Lab', ports: allPorts(withLab(DEFAULT_TOPOLOGY, 0)) },
        { name: 'nmi-002+Lab +500', ports: allPorts(withLab(nmi, 500)) },
        { name: 'nmi-002 +4200', ports: allPorts(loadTopology(nmi, { portOffset: 4200 })) },
        { name: 'weighing-004 +700 (integration)', ports: allPorts(loadTopology(weighing, { portOffset: 700 })) },
        { name: 'weighing-004 +4200 (bench:weighing)', ports: allPorts(loadTopology(weighing, { portOffset: 4200 })) },
      ]).filter((c) => !c.startsWith('nmi-002 +4200 and weighing-004 +4200')), // one benchmark at a time
    ).toEqual([]);
  });

  it('weighing-004.yaml as written shares no port with dev.yaml or nmi-002.yaml (with Lab), nor with the networks above', () => {
    const w = { name: 'weighing-004', ports: allPorts(loadTopology(weighing)) };
    expect(
      [
        { name: 'dev+Lab', ports: allPorts(withLab(DEFAULT_TOPOLOGY, 0)) },
        { name: 'nmi-002+Lab', ports: allPorts(withLab(nmi, 0)) },
        { name: 'nmi-002+Lab +500', ports: allPorts(withLab(nmi, 500)) },
        { name: 'nmi-002 +4200', ports: allPorts(loadTopology(nmi, { portOffset: 4200 })) },
      ].flatMap((n) => clashes([w, n])),
    ).toEqual([]);
    // below Linux's ephemeral range (32768-60999), where an outgoing connection could hold a port first
    expect(Math.max(...allPorts(loadTopology(weighing, { portOffset: 4200 })))).toBeLessThan(32768);
  });
});
