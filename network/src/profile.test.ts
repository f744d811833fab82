import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WrittenProfile } from './index';
import { DEFAULT_TOPOLOGY, statePaths } from './paths';
import { buildProfile, writeProfile } from './profile';
import { parse } from 'yaml';
import { loadTopology, parseTopology } from './topology';
import { parseNetworkProfile } from '@meterledger/client';

const t = loadTopology(DEFAULT_TOPOLOGY);
const root = '/abs/state';
const paths = statePaths(root);
const profile: WrittenProfile = buildProfile(t, paths, { name: 'meterledger', version: '1', sequence: 1 });

describe('network.json', () => {
  it('has exactly the agreed shape for PTB', () => {
    expect(profile.channel).toBe('nmichannel');
    expect(profile.chaincode).toEqual({ name: 'meterledger', sequence: 1, version: '1' });
    expect(Object.keys(profile.orgs)).toEqual(['PTB', 'Inmetro', 'Operator', 'CustomerA', 'CustomerB']);
    const id = (name: string, role: string | null) => ({
      certPath: `${root}/orgs/PTB/users/${name}/cert.pem`,
      keyPath: `${root}/orgs/PTB/users/${name}/key.pem`,
      role,
    });
    expect(profile.orgs.PTB).toEqual({
      mspId: 'PTBMSP',
      kind: 'authority',
      peers: [{ name: 'peer0.ptb.meterledger.local', endpoint: '127.0.0.1:7051', hostAlias: 'peer0.ptb.meterledger.local', tlsRootCertPath: `${root}/orgs/PTB/tlsca.pem` }],
      ca: { url: 'https://127.0.0.1:7054', tlsCertPath: `${root}/ca/PTB/tls-bundle.pem` },
      identities: {
        admin: id('admin', 'admin'),
        registrar: id('registrar', 'registrar'),
        verifier: id('verifier', 'verifier'),
        auditor: id('auditor', 'auditor'),
        norole: id('norole', null),
      },
    });
  });

  it('describes the metering operator: kind operator, its own peer and CA, the gateway and auditor identities', () => {
    const user = (name: string) => ({ certPath: `${root}/orgs/Operator/users/${name}/cert.pem`, keyPath: `${root}/orgs/Operator/users/${name}/key.pem` });
    expect(profile.orgs.Operator).toEqual({
      mspId: 'OperatorMSP',
      kind: 'operator',
      peers: [{ name: 'peer0.operator.meterledger.local', endpoint: '127.0.0.1:13051', hostAlias: 'peer0.operator.meterledger.local', tlsRootCertPath: `${root}/orgs/Operator/tlsca.pem` }],
      ca: { url: 'https://127.0.0.1:13054', tlsCertPath: `${root}/ca/Operator/tls-bundle.pem` },
      identities: {
        admin: { ...user('admin'), role: 'admin' },
        gateway: { ...user('gateway'), role: 'gateway' },
        auditor: { ...user('auditor'), role: 'auditor' },
      },
    });
    // Auditors may belong to any org but a customer.
    for (const org of Object.values(profile.orgs)) if (org.kind !== 'customer') expect(org.identities.auditor.role).toBe('auditor');
  });

  it("describes a weighing customer's station identities with their station", () => {
    const a = profile.orgs.CustomerA;
    expect(a.kind).toBe('customer');
    expect(a.peers.map((p) => p.endpoint)).toEqual(['127.0.0.1:14051', '127.0.0.1:14061']);
    expect(a.identities.station01).toMatchObject({ role: 'station', station: 'st01' });
    expect(a.identities.user).toMatchObject({ role: 'customer' });
    expect(a.identities.user).not.toHaveProperty('station');
  });

  it('gives the MQTT broker’s URL, moved with the ports', () => {
    expect(profile.mqtt).toEqual({ url: 'mqtt://127.0.0.1:1883' });
    const moved = buildProfile(loadTopology(DEFAULT_TOPOLOGY, { portOffset: 500 }), paths, { name: 'meterledger', version: '1', sequence: 1 });
    expect(moved.mqtt).toEqual({ url: 'mqtt://127.0.0.1:2383' });
    const withoutBroker = parse(fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as Record<string, unknown>;
    delete withoutBroker.mqtt;
    expect(buildProfile(parseTopology(withoutBroker), paths, { name: 'meterledger', version: '1', sequence: 1 })).not.toHaveProperty('mqtt');
  });

  it('describes Inmetro with its own ports and paths', () => {
    expect(profile.orgs.Inmetro.mspId).toBe('InmetroMSP');
    expect(profile.orgs.Inmetro.peers[0].endpoint).toBe('127.0.0.1:8051');
    expect(profile.orgs.Inmetro.ca?.url).toBe('https://127.0.0.1:8054');
    expect(profile.orgs.Inmetro.identities.norole.role).toBeNull();
  });

  it('uses absolute paths only, and keeps the tooling’s own org admin out', () => {
    const paths_ = JSON.stringify(profile).match(/"[a-zA-Z]*Path":"[^"]*"/g) ?? [];
    expect(paths_.length).toBeGreaterThan(0);
    for (const p of paths_) expect(p).toMatch(/":"\//);
    expect(Object.keys(profile.orgs.PTB.identities)).not.toContain('orgadmin');
  });

  it('is written as JSON to <state>/network.json', () => {
    const p = statePaths(fs.mkdtempSync(path.join(os.tmpdir(), 'profile-')));
    writeProfile(p, profile);
    expect(JSON.parse(fs.readFileSync(path.join(p.root, 'network.json'), 'utf8'))).toEqual(profile);
  });
});

describe('network.json and its reader', () => {
  it('is read back unchanged by @meterledger/client, the one definition of its schema, broker included', () => {
    expect(parseNetworkProfile(JSON.parse(JSON.stringify(profile)))).toEqual(profile);
    expect(parseNetworkProfile(JSON.parse(JSON.stringify(profile))).mqtt).toEqual({ url: 'mqtt://127.0.0.1:1883' });
  });
});
