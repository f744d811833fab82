import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  PROFILE_ENV,
  ProfileError,
  defaultProfilePath,
  STATE_DIR_ENV,
  findRepoRoot,
  loadNetworkProfile,
  parseNetworkProfile,
  selectIdentity,
  selectOrg,
  selectPeer,
} from './profile';
import { sampleProfile } from './testing/sample-profile';

function errorOf(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ProfileError);
    return err as ProfileError;
  }
  throw new Error('expected an error');
}

describe('parseNetworkProfile', () => {
  it('accepts the documented shape', () => {
    expect(parseNetworkProfile(sampleProfile())).toEqual(sampleProfile());
  });

  it('lists every problem with its JSON path', () => {
    const bad = sampleProfile() as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    delete bad.channel;
    bad.chaincode.sequence = 0;
    bad.orgs.PTB.peers[1].endpoint = 'localhost';
    bad.orgs.PTB.identities.admin.role = 5;
    delete bad.orgs.Inmetro.mspId;
    const err = errorOf(() => parseNetworkProfile(bad, 'profile x.json'));
    expect(err.code).toBe('PROFILE_INVALID');
    expect(err.message).toMatch(/^invalid profile x.json:/);
    expect(err.details).toEqual(
      expect.arrayContaining([
        'channel: Required',
        expect.stringMatching(/^chaincode\.sequence: /),
        'orgs.PTB.peers[1].endpoint: must be host:port, e.g. 127.0.0.1:7051',
        expect.stringMatching(/^orgs\.PTB\.identities\.admin\.role: /),
        'orgs.Inmetro.mspId: Required',
      ]),
    );
    expect(err.details).toHaveLength(5);
  });

  it('rejects an org without peers and a profile without orgs', () => {
    const noPeers = sampleProfile();
    noPeers.orgs.PTB.peers = [];
    expect(errorOf(() => parseNetworkProfile(noPeers)).details).toEqual(['orgs.PTB.peers: must list at least one peer']);
    expect(errorOf(() => parseNetworkProfile({ ...sampleProfile(), orgs: {} })).details).toEqual(['orgs: must define at least one org']);
    expect(errorOf(() => parseNetworkProfile('nope')).details).toEqual(['(root): Expected object, received string']);
  });

  it('accepts an IPv6 endpoint and an org without a CA', () => {
    const p = sampleProfile();
    p.orgs.PTB.peers[0].endpoint = '[::1]:7051';
    delete p.orgs.PTB.ca;
    expect(parseNetworkProfile(p).orgs.PTB.peers[0].endpoint).toBe('[::1]:7051');
  });

  it('keeps the MQTT broker when the network has one, and checks its URL', () => {
    const withBroker = { ...sampleProfile(), mqtt: { url: 'mqtt://127.0.0.1:1883' } };
    expect(parseNetworkProfile(withBroker)).toEqual(withBroker);
    expect(parseNetworkProfile(withBroker).mqtt?.url).toBe('mqtt://127.0.0.1:1883');
    expect(parseNetworkProfile(sampleProfile())).not.toHaveProperty('mqtt');
    expect(errorOf(() => parseNetworkProfile({ ...sampleProfile(), mqtt: { url: 'http://127.0.0.1:1883' } })).details).toEqual([
      'mqtt.url: must be an mqtt://, mqtts://, ws:// or wss:// URL',
    ]);
    expect(errorOf(() => parseNetworkProfile({ ...sampleProfile(), mqtt: {} })).details).toEqual(['mqtt.url: Required']);
  });

  it('resolves relative file paths against a base directory', () => {
    const p = sampleProfile('crypto');
    const parsed = parseNetworkProfile(p, 'p', '/repo/.fabric');
    expect(parsed.orgs.PTB.peers[0].tlsRootCertPath).toBe('/repo/.fabric/crypto/tlsca.pem');
    expect(parsed.orgs.PTB.identities.admin.keyPath).toBe('/repo/.fabric/crypto/key.pem');
    expect(parsed.orgs.PTB.ca?.tlsCertPath).toBe('/repo/.fabric/crypto/ca-cert.pem');
    expect(parseNetworkProfile(sampleProfile(), 'p', '/elsewhere').orgs.PTB.identities.admin.certPath).toBe('/abs/cert.pem');
  });
});

describe('loading from disk', () => {
  let tmp: string;
  let savedEnv: string | undefined;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mledger-profile-'));
    savedEnv = process.env[PROFILE_ENV];
    delete process.env[PROFILE_ENV];
  });

  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env[PROFILE_ENV];
    else process.env[PROFILE_ENV] = savedEnv;
  });

  function writeRepo(): string {
    fs.writeFileSync(path.join(tmp, 'lerna.json'), '{}');
    fs.mkdirSync(path.join(tmp, '.fabric'));
    fs.mkdirSync(path.join(tmp, 'packages', 'x', 'src'), { recursive: true });
    const file = path.join(tmp, '.fabric', 'network.json');
    fs.writeFileSync(file, JSON.stringify(sampleProfile()));
    return file;
  }

  it('finds the repository root by walking up to lerna.json', () => {
    writeRepo();
    expect(findRepoRoot(path.join(tmp, 'packages', 'x', 'src'))).toBe(tmp);
    expect(defaultProfilePath({}, path.join(tmp, 'packages', 'x'))).toBe(path.join(tmp, '.fabric', 'network.json'));
  });

  it('prefers MLEDGER_PROFILE, resolved against the working directory', () => {
    expect(defaultProfilePath({ [PROFILE_ENV]: 'p.json' }, '/work')).toBe('/work/p.json');
    expect(defaultProfilePath({ [PROFILE_ENV]: '/x/p.json' }, '/work')).toBe('/x/p.json');
  });

  it('then takes network.json from the network tooling’s state folder, MLEDGER_STATE_DIR', () => {
    expect(defaultProfilePath({ [STATE_DIR_ENV]: '/tmp/net' }, '/work')).toBe('/tmp/net/network.json');
    expect(defaultProfilePath({ [PROFILE_ENV]: '/x/p.json', [STATE_DIR_ENV]: '/tmp/net' }, '/work')).toBe('/x/p.json');
  });

  it('says so when there is no repository root and no MLEDGER_PROFILE', () => {
    const err = errorOf(() => defaultProfilePath({}, tmp));
    expect(err.code).toBe('PROFILE_NOT_FOUND');
    expect(err.message).toContain(PROFILE_ENV);
  });

  it('loads and validates a profile file', () => {
    const file = writeRepo();
    expect(loadNetworkProfile(file)).toEqual(sampleProfile());
  });

  it('loads from MLEDGER_PROFILE when no path is given', () => {
    const file = writeRepo();
    process.env[PROFILE_ENV] = file;
    expect(loadNetworkProfile().channel).toBe('nmichannel');
  });

  it('reports a missing file, bad JSON and bad content clearly', () => {
    const missing = errorOf(() => loadNetworkProfile(path.join(tmp, 'none.json')));
    expect(missing.code).toBe('PROFILE_NOT_FOUND');
    expect(missing.message).toMatch(/none\.json does not exist; start the network or set MLEDGER_PROFILE/);

    const badJson = path.join(tmp, 'bad.json');
    fs.writeFileSync(badJson, '{"channel":');
    expect(errorOf(() => loadNetworkProfile(badJson))).toMatchObject({ code: 'PROFILE_INVALID', message: expect.stringContaining('is not valid JSON') });

    const badShape = path.join(tmp, 'shape.json');
    fs.writeFileSync(badShape, JSON.stringify({ ...sampleProfile(), channel: '' }));
    const err = errorOf(() => loadNetworkProfile(badShape));
    expect(err.message).toContain(`invalid network profile ${badShape}`);
    expect(err.details).toEqual(['channel: must be a non-empty string']);
  });
});

describe('selecting org, identity and peer', () => {
  const profile = sampleProfile();

  it('selects an org by key or MSP id', () => {
    expect(selectOrg(profile, 'PTB').mspId).toBe('PTBMSP');
    expect(selectOrg(profile, 'InmetroMSP').mspId).toBe('InmetroMSP');
    expect(errorOf(() => selectOrg(profile, 'NIST')).message).toBe("org 'NIST' is not in the network profile; known orgs: PTB, Inmetro");
    expect(errorOf(() => selectOrg(profile, 'NIST')).code).toBe('UNKNOWN_PROFILE_ENTRY');
    expect(errorOf(() => selectIdentity(profile.orgs.PTB, 'root')).code).toBe('UNKNOWN_PROFILE_ENTRY');
    expect(errorOf(() => selectPeer(profile.orgs.PTB, 'peer9')).code).toBe('UNKNOWN_PROFILE_ENTRY');
  });

  it('selects an identity', () => {
    expect(selectIdentity(profile.orgs.PTB, 'norole').role).toBeNull();
    expect(errorOf(() => selectIdentity(profile.orgs.PTB, 'root')).message).toBe(
      "identity 'root' is not enrolled for PTBMSP; known identities: admin, registrar, norole",
    );
  });

  it('selects a peer by name, endpoint or alias, defaulting to the first', () => {
    const org = profile.orgs.PTB;
    expect(selectPeer(org).name).toBe('peer0.ptb.meterledger.local');
    expect(selectPeer(org, 'peer1.ptb.meterledger.local').endpoint).toBe('127.0.0.1:8051');
    expect(selectPeer(org, '127.0.0.1:8051').name).toBe('peer1.ptb.meterledger.local');
    expect(errorOf(() => selectPeer(org, 'peer9')).message).toMatch(/^peer 'peer9' is not a peer of PTBMSP/);
  });
});
