import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from './connect';
import { defaultAsLocalhost, toCommonConnectionProfile } from './connection-profile';
import { MeterledgerError } from './errors';
import { ProfileError } from './profile';
import { TEST_CERT_PEM, TEST_KEY_PEM } from './testing/fixtures';
import { sampleProfile } from './testing/sample-profile';
import { resolveTransportKind, TRANSPORT_ENV } from './transport';

const readPem = (file: string) => `PEM of ${file}`;

describe('toCommonConnectionProfile', () => {
  it('lists every org\'s peers with TLS root and host name, the client\'s org first, on the profile\'s channel', () => {
    const ccp = toCommonConnectionProfile(sampleProfile('/abs'), { org: 'InmetroMSP', readPem });
    expect(ccp.client).toEqual({ organization: 'Inmetro', connection: { timeout: { peer: { endorser: '15' } } } });
    expect(Object.keys(ccp.organizations)).toEqual(['Inmetro', 'PTB']);
    expect(ccp.organizations.PTB).toEqual({ mspid: 'PTBMSP', peers: ['peer0.ptb.meterledger.local', 'peer1.ptb.meterledger.local'] });
    expect(ccp.peers['peer1.ptb.meterledger.local']).toEqual({
      url: 'grpcs://127.0.0.1:8051',
      tlsCACerts: { pem: 'PEM of /abs/tlsca.pem' },
      grpcOptions: { 'ssl-target-name-override': 'peer1.ptb.meterledger.local', hostnameOverride: 'peer1.ptb.meterledger.local' },
    });
    expect(Object.keys(ccp.channels)).toEqual(['nmichannel']);
    expect(ccp.channels.nmichannel.peers['peer0.inmetro.meterledger.local']).toEqual({
      endorsingPeer: true,
      chaincodeQuery: true,
      ledgerQuery: true,
      eventSource: true,
    });
    expect(JSON.parse(JSON.stringify(ccp))).toEqual(ccp); // plain JSON, as fabric-network expects
  });

  it('puts the chosen peer first, writes loopback endpoints as localhost when asked, and reads each PEM once', () => {
    const reads: string[] = [];
    const ccp = toCommonConnectionProfile(sampleProfile('/abs'), {
      org: 'PTB',
      peer: '127.0.0.1:8051',
      asLocalhost: true,
      endorseTimeoutMs: 2500,
      readPem: (file) => (reads.push(file), 'pem'),
    });
    expect(ccp.organizations.PTB.peers).toEqual(['peer1.ptb.meterledger.local', 'peer0.ptb.meterledger.local']);
    expect(ccp.peers['peer0.ptb.meterledger.local'].url).toBe('grpcs://localhost:7051');
    expect(ccp.client.connection.timeout.peer.endorser).toBe('3');
    expect(reads).toEqual(['/abs/tlsca.pem']);
  });

  it('keeps non-loopback endpoints and fails on an unknown org', () => {
    const profile = sampleProfile('/abs');
    profile.orgs.PTB.peers[0].endpoint = 'peer0.ptb.example.org:7051';
    expect(toCommonConnectionProfile(profile, { org: 'PTB', asLocalhost: true, readPem }).peers['peer0.ptb.meterledger.local'].url).toBe(
      'grpcs://peer0.ptb.example.org:7051',
    );
    expect(() => toCommonConnectionProfile(profile, { org: 'NIST', readPem })).toThrow(ProfileError);
  });
});

describe('defaultAsLocalhost', () => {
  it('is true only when every peer is on the loopback interface', () => {
    const profile = sampleProfile('/abs');
    expect(defaultAsLocalhost(profile)).toBe(true);
    profile.orgs.Inmetro.peers[0].endpoint = 'localhost:9051';
    expect(defaultAsLocalhost(profile)).toBe(true);
    profile.orgs.Inmetro.peers[0].endpoint = '10.0.0.5:9051';
    expect(defaultAsLocalhost(profile)).toBe(false);
  });
});

describe('resolveTransportKind', () => {
  it('takes the option, else MLEDGER_TRANSPORT, else gateway', () => {
    expect(resolveTransportKind(undefined, {})).toBe('gateway');
    expect(resolveTransportKind(undefined, { [TRANSPORT_ENV]: 'fabric-network' })).toBe('fabric-network');
    expect(resolveTransportKind(undefined, { [TRANSPORT_ENV]: ' ' })).toBe('gateway');
    expect(resolveTransportKind('gateway', { [TRANSPORT_ENV]: 'fabric-network' })).toBe('gateway');
  });

  it('rejects anything else, naming where it came from', () => {
    expect(() => resolveTransportKind('grpc' as never, {})).toThrow(/transport option must be one of gateway, fabric-network, got 'grpc'/);
    expect(() => resolveTransportKind(undefined, { [TRANSPORT_ENV]: 'legacy' })).toThrow(/MLEDGER_TRANSPORT must be one of/);
    expect(() => resolveTransportKind(undefined, { [TRANSPORT_ENV]: 'legacy' })).toThrow(MeterledgerError);
  });
});

describe("connect({ transport: 'fabric-network' }) with the real fabric-network 2.2", () => {
  let tmp: string;

  beforeAll(() => {
    // fabric-common logs connection failures to the console; send them to /dev/null in this test.
    process.env.HFC_LOGGING = JSON.stringify({ error: '/dev/null' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mledger-fn-'));
    for (const name of ['tlsca.pem', 'cert.pem']) fs.writeFileSync(path.join(tmp, name), TEST_CERT_PEM);
    fs.writeFileSync(path.join(tmp, 'key.pem'), TEST_KEY_PEM);
  });

  afterAll(() => {
    delete process.env.HFC_LOGGING;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('loads fabric-network, builds wallet and profile, and reports unreachable peers as UNAVAILABLE', async () => {
    const profile = sampleProfile(tmp);
    delete (profile.orgs as Record<string, unknown>).Inmetro;
    profile.orgs.PTB.peers = [{ ...profile.orgs.PTB.peers[0], endpoint: '127.0.0.1:1' }];
    const err = await connect({ profile, org: 'PTB', identity: 'admin', transport: 'fabric-network', deadlines: { evaluate: 500 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MeterledgerError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE' });
  }, 30_000);

  it('refuses gateway-only options and bad keys before connecting', async () => {
    const profile = sampleProfile(tmp);
    await expect(connect({ profile, org: 'PTB', identity: 'admin', transport: 'fabric-network', grpcClient: {} as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
    profile.orgs.PTB.identities.admin.keyPath = path.join(tmp, 'cert.pem');
    await expect(connect({ profile, org: 'PTB', identity: 'admin', transport: 'fabric-network' })).rejects.toThrow(/not a usable PEM private key/);
  });
});
