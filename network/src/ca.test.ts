import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { caServer, caUrl, enrollmentPlan, missingIdentities, writeCaTlsBundle } from './ca';
import { DEFAULT_TOPOLOGY, statePaths } from './paths';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const paths = statePaths('/state');
const [ptb] = t.orgs;

const flag = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const flags = (args: string[], name: string): string[] => args.flatMap((a, i) => (a === name ? [args[i + 1]] : []));

describe('CA server', () => {
  const spec = caServer(t, ptb, paths);

  it('starts fabric-ca-server with TLS, its own home, port and operations port, bootstrap admin:adminpw', () => {
    expect(spec.bin).toBe('/state/bin/fabric-ca-server');
    expect(spec.args.slice(0, 3)).toEqual(['start', '-b', 'admin:adminpw']);
    expect(spec.env).toEqual({
      FABRIC_CA_SERVER_HOME: '/state/ca/PTB',
      FABRIC_CA_SERVER_CA_NAME: 'ca-ptb',
      FABRIC_CA_SERVER_ADDRESS: '127.0.0.1',
      FABRIC_CA_SERVER_PORT: '7054',
      FABRIC_CA_SERVER_TLS_ENABLED: 'true',
      FABRIC_CA_SERVER_CSR_CN: 'ca.ptb.meterledger.local',
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: '127.0.0.1:17054',
    });
    expect([spec.host, spec.port, spec.name]).toEqual(['127.0.0.1', 7054, 'ca-PTB']);
    expect(caUrl(t, ptb)).toBe('https://127.0.0.1:7054');
  });

  it('issues its TLS certificate for 127.0.0.1 and localhost, which clients dial', () => {
    expect(flags(spec.args, '--csr.hosts')).toEqual(['ca.ptb.meterledger.local', 'localhost', '127.0.0.1']);
  });

  it('bundles its TLS certificate with its root for clients', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-'));
    const p = statePaths(root);
    fs.mkdirSync(p.caHome('PTB'), { recursive: true });
    fs.writeFileSync(path.join(p.caHome('PTB'), 'tls-cert.pem'), 'TLS\n');
    fs.writeFileSync(path.join(p.caHome('PTB'), 'ca-cert.pem'), 'ROOT');
    writeCaTlsBundle(ptb, p);
    expect(fs.readFileSync(p.caTlsBundle('PTB'), 'utf8')).toBe('TLS\nROOT\n');
  });
});

describe('enrollment plan', () => {
  const plan = enrollmentPlan(t, ptb, paths);

  it('first enrolls the CA bootstrap admin, over TLS, against the org CA', () => {
    expect(plan[0].args.slice(0, 3)).toEqual(['enroll', '-u', 'https://admin:adminpw@127.0.0.1:7054']);
    for (const c of plan) {
      expect(flag(c.args, '--caname')).toBe('ca-ptb');
      expect(flag(c.args, '--tls.certfiles')).toBe('/state/ca/PTB/tls-bundle.pem');
    }
  });

  it('registers each member before enrolling it', () => {
    const order = plan.map((c) => `${c.args[0]} ${flag(c.args, '--id.name') ?? /\/\/([^:]+):/.exec(flag(c.args, '-u') ?? '')?.[1]}`);
    expect(order).toEqual([
      'enroll admin',
      'register ptb-peer0',
      'enroll ptb-peer0',
      'enroll ptb-peer0',
      'register ptb-orgadmin',
      'enroll ptb-orgadmin',
      'register ptb-admin',
      'enroll ptb-admin',
      'register ptb-registrar',
      'enroll ptb-registrar',
      'register ptb-verifier',
      'enroll ptb-verifier',
      'register ptb-auditor',
      'enroll ptb-auditor',
      'register ptb-norole',
      'enroll ptb-norole',
    ]);
  });

  it('registers identities with their type and meterledger.role attribute (none for norole)', () => {
    const reg = (id: string) => plan.find((c) => c.args[0] === 'register' && flag(c.args, '--id.name') === id)!.args;
    expect(flag(reg('ptb-admin'), '--id.type')).toBe('admin');
    expect(flag(reg('ptb-admin'), '--id.attrs')).toBe('meterledger.role=admin:ecert');
    expect(flag(reg('ptb-registrar'), '--id.type')).toBe('client');
    expect(flag(reg('ptb-registrar'), '--id.attrs')).toBe('meterledger.role=registrar:ecert');
    expect(flag(reg('ptb-verifier'), '--id.attrs')).toBe('meterledger.role=verifier:ecert');
    expect(flag(reg('ptb-auditor'), '--id.attrs')).toBe('meterledger.role=auditor:ecert');
    expect(reg('ptb-norole')).not.toContain('--id.attrs');
    expect(flag(reg('ptb-peer0'), '--id.type')).toBe('peer');
    expect(flag(reg('ptb-orgadmin'), '--id.type')).toBe('admin');
    for (const c of plan.filter((x) => x.args[0] === 'register')) expect(flag(c.args, '--mspdir')).toBe('/state/orgs/PTB/ca-admin/msp');
  });

  it('enrolls nodes twice: MSP, then a TLS certificate (tls profile) valid for the host name, localhost and 127.0.0.1', () => {
    const [msp, tls] = plan.filter((c) => c.args[0] === 'enroll' && c.args[2].startsWith('https://ptb-peer0:'));
    expect(flag(msp.args, '--mspdir')).toBe('/state/orgs/PTB/nodes/peer0.ptb.meterledger.local/msp');
    expect(msp.args).not.toContain('--enrollment.profile');
    expect(msp.after).toEqual({ kind: 'msp', dir: '/state/orgs/PTB/nodes/peer0.ptb.meterledger.local/msp' });
    expect(flag(tls.args, '--enrollment.profile')).toBe('tls');
    expect(flag(tls.args, '--mspdir')).toBe('/state/orgs/PTB/nodes/peer0.ptb.meterledger.local/tls');
    expect(flags(tls.args, '--csr.hosts')).toEqual(['peer0.ptb.meterledger.local', 'localhost', '127.0.0.1']);
    expect(tls.after?.kind).toBe('tls');
  });

  it('exports each user’s cert.pem and key.pem next to its MSP', () => {
    const admin = plan.find((c) => c.args[0] === 'enroll' && c.args[2].startsWith('https://ptb-admin:'))!;
    expect(admin.after).toEqual({
      kind: 'user',
      dir: '/state/orgs/PTB/users/admin/msp',
      cert: '/state/orgs/PTB/users/admin/cert.pem',
      key: '/state/orgs/PTB/users/admin/key.pem',
    });
  });

  it('enrolls the 3 orderers with TLS certificates for the orderer org', () => {
    const o = enrollmentPlan(t, t.ordererOrg, paths);
    const tlsDirs = o.filter((c) => flag(c.args, '--enrollment.profile') === 'tls').map((c) => flag(c.args, '--mspdir'));
    expect(tlsDirs).toEqual(['orderer1', 'orderer2', 'orderer3'].map((n) => `/state/orgs/OrdererOrg/nodes/${n}.meterledger.local/tls`));
    expect(o.find((c) => flag(c.args, '--id.name') === 'ordererorg-orderer1')?.args).toContain('orderer');
  });
});

describe('identities added to an enrolled org', () => {
  const plan = enrollmentPlan(t, ptb, paths);
  const userCerts = plan.flatMap((c) => (c.after?.kind === 'user' ? [c.after.cert] : []));

  it('enrolls only the client identities without a certificate, after the CA registrar', () => {
    const auditorCert = paths.userCert('PTB', 'auditor');
    expect(userCerts).toContain(auditorCert);
    const calls = missingIdentities(plan, (file) => file !== auditorCert);
    expect(calls.map((c) => c.what)).toEqual(['enroll CA registrar of PTB', `register ${calls[1].args[calls[1].args.indexOf('--id.name') + 1]}`, calls[2].what]);
    expect(calls[1].args[0]).toBe('register');
    expect(calls[2].after).toMatchObject({ kind: 'user', cert: auditorCert });
  });

  it('nothing when every identity has its certificate; every identity when none has', () => {
    expect(missingIdentities(plan, () => true)).toEqual([]);
    expect(missingIdentities(plan, () => false)).toHaveLength(1 + 2 * userCerts.length);
  });
});
