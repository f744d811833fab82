import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { p256 } from '@noble/curves/nist';
import {
  DEFAULT_DEADLINES,
  connect,
  connectWithIdentity,
  deadlineOptions,
  grpcClientOptions,
  identitySigning,
  newGrpcClient,
  type MeterledgerConnection,
} from './connect';
import { ContractClient } from './contract-client';
import { MeterledgerError } from './errors';
import { ProfileError } from './profile';
import { TEST_CERT_PEM, TEST_KEY_PEM } from './testing/fixtures';
import { sampleProfile } from './testing/sample-profile';

/** A localhost port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('deadlineOptions', () => {
  it('defaults to 5s evaluate, 15s endorse, 5s submit, 60s commit status', () => {
    expect(DEFAULT_DEADLINES).toEqual({ evaluate: 5000, endorse: 15000, submit: 5000, commitStatus: 60000 });
    const o = deadlineOptions({}, () => 1_000);
    expect(o.evaluateOptions?.()).toEqual({ deadline: 6_000 });
    expect(o.endorseOptions?.()).toEqual({ deadline: 16_000 });
    expect(o.submitOptions?.()).toEqual({ deadline: 6_000 });
    expect(o.commitStatusOptions?.()).toEqual({ deadline: 61_000 });
  });

  it('computes each deadline when the call starts and honours overrides', () => {
    let now = 0;
    const o = deadlineOptions({ commitStatus: 120_000, evaluate: undefined }, () => now);
    now = 500;
    expect(o.commitStatusOptions?.()).toEqual({ deadline: 120_500 });
    expect(o.evaluateOptions?.()).toEqual({ deadline: 5_500 });
  });

  it('rejects non-positive deadlines', () => {
    expect(() => deadlineOptions({ submit: 0 })).toThrow(/deadline for submit must be a positive number/);
  });
});

describe('gRPC client', () => {
  it('pins the TLS server name to the host alias', () => {
    expect(grpcClientOptions('peer0.ptb.meterledger.local')).toEqual({ 'grpc.ssl_target_name_override': 'peer0.ptb.meterledger.local' });
    expect(grpcClientOptions()).toEqual({});
  });

  it('creates a lazily connecting client for the endpoint', () => {
    const client = newGrpcClient('127.0.0.1:7051', TEST_CERT_PEM, 'peer0.ptb.meterledger.local');
    try {
      expect(client.getChannel().getTarget()).toContain('127.0.0.1:7051');
      expect(client.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.IDLE);
    } finally {
      client.close();
    }
  });

  it('rejects a TLS root that is not a certificate', () => {
    expect(() => newGrpcClient('127.0.0.1:7051', 'not a pem')).toThrow(MeterledgerError);
    expect(() => newGrpcClient('127.0.0.1:7051', TEST_KEY_PEM)).toThrow(/TLS root certificate for 127.0.0.1:7051 is not a usable PEM certificate/);
  });
});

describe('connect', () => {
  let tmp: string;
  const open: MeterledgerConnection[] = [];

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mledger-connect-'));
    for (const name of ['tlsca.pem', 'cert.pem']) fs.writeFileSync(path.join(tmp, name), TEST_CERT_PEM);
    fs.writeFileSync(path.join(tmp, 'key.pem'), TEST_KEY_PEM);
    fs.writeFileSync(path.join(tmp, 'network.json'), JSON.stringify(sampleProfile(tmp)));
  });

  afterEach(() => {
    while (open.length > 0) open.pop()?.close();
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function connected(options: Parameters<typeof connect>[0]): Promise<MeterledgerConnection> {
    const connection = await connect(options);
    open.push(connection);
    return connection;
  }

  it('connects an identity from a profile file to its channel and chaincode', async () => {
    const c = await connected({ profile: path.join(tmp, 'network.json'), org: 'PTB', identity: 'admin', transport: 'gateway' });
    if (c.transport !== 'gateway') throw new Error('expected the gateway transport');
    expect(c.mspId).toBe('PTBMSP');
    expect(c.channel).toBe('nmichannel');
    expect(c.chaincodeName).toBe('meterledger');
    expect(c.network.getName()).toBe('nmichannel');
    expect(c.gateway.getIdentity().mspId).toBe('PTBMSP');
    expect(Buffer.from(c.gateway.getIdentity().credentials).toString()).toBe(TEST_CERT_PEM);
  });

  it('accepts a loaded profile object, an MSP id and a peer name', async () => {
    const c = await connected({ profile: sampleProfile(tmp), org: 'InmetroMSP', identity: 'admin', peer: 'peer0.inmetro.meterledger.local' });
    expect(c.mspId).toBe('InmetroMSP');
  });

  it('hands out one ContractClient per contract name', async () => {
    const c = await connected({ profile: sampleProfile(tmp), org: 'PTB', identity: 'registrar' });
    const registry = c.contract('registry');
    expect(registry).toBeInstanceOf(ContractClient);
    expect(c.contract('registry')).toBe(registry);
    expect(c.contract()).not.toBe(registry);
  });

  it('fails clearly on an unknown org, identity or peer', async () => {
    await expect(connect({ profile: sampleProfile(tmp), org: 'NIST', identity: 'admin' })).rejects.toThrow(/known orgs: PTB, Inmetro/);
    await expect(connect({ profile: sampleProfile(tmp), org: 'PTB', identity: 'root' })).rejects.toThrow(ProfileError);
    await expect(connect({ profile: sampleProfile(tmp), org: 'PTB', identity: 'admin', peer: 'peer7' })).rejects.toThrow(/known peers/);
  });

  it('names the file it could not read', async () => {
    const profile = sampleProfile(tmp);
    profile.orgs.PTB.identities.admin.keyPath = path.join(tmp, 'missing-key.pem');
    await expect(connect({ profile, org: 'PTB', identity: 'admin' })).rejects.toThrow(/cannot read private key of admin@PTBMSP .*missing-key\.pem/);
  });

  it('reports a key that is not a private key', async () => {
    const profile = sampleProfile(tmp);
    profile.orgs.PTB.identities.admin.keyPath = path.join(tmp, 'cert.pem');
    await expect(connect({ profile, org: 'PTB', identity: 'admin' })).rejects.toThrow(/not a usable PEM private key/);
  });

  it('turns an unreachable gateway peer into UNAVAILABLE carrying the transaction id', async () => {
    const profile = sampleProfile(tmp);
    profile.orgs.PTB.peers[0].endpoint = `127.0.0.1:${await closedPort()}`;
    const c = await connected({ profile, org: 'PTB', identity: 'admin', deadlines: { evaluate: 2_000 } });
    const err = await c
      .contract('registry')
      .evaluate('getConfig')
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(MeterledgerError);
    expect(err).toMatchObject({ code: 'UNAVAILABLE', transactionId: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('closes idempotently', async () => {
    const c = await connect({ profile: sampleProfile(tmp), org: 'PTB', identity: 'admin' });
    c.close();
    expect(() => c.close()).not.toThrow();
  });
});

describe('connectWithIdentity', () => {
  it('connects with explicit PEMs and leaves a shared gRPC client open', () => {
    const shared = newGrpcClient('127.0.0.1:7051', TEST_CERT_PEM, 'peer0.ptb.meterledger.local');
    const closeSpy = jest.spyOn(shared, 'close');
    try {
      const c = connectWithIdentity({
        endpoint: '127.0.0.1:7051',
        tlsRootCert: TEST_CERT_PEM,
        mspId: 'PTBMSP',
        certificate: TEST_CERT_PEM,
        privateKey: TEST_KEY_PEM,
        channel: 'nmichannel',
        chaincode: 'meterledger',
        grpcClient: shared,
      });
      expect(c.network.getName()).toBe('nmichannel');
      expect(c.contract('registry')).toBeInstanceOf(ContractClient);
      c.close();
      expect(closeSpy).not.toHaveBeenCalled();
    } finally {
      shared.close();
    }
  });

  it('closes the gRPC client it created', () => {
    const closeSpy = jest.spyOn(grpc.Client.prototype, 'close');
    try {
      const c = connectWithIdentity({
        endpoint: '127.0.0.1:7051',
        hostAlias: 'peer0.ptb.meterledger.local',
        tlsRootCert: Buffer.from(TEST_CERT_PEM),
        mspId: 'PTBMSP',
        certificate: Buffer.from(TEST_CERT_PEM),
        privateKey: Buffer.from(TEST_KEY_PEM),
        channel: 'nmichannel',
        chaincode: 'meterledger',
      });
      c.close();
      c.close();
      expect(closeSpy).toHaveBeenCalledTimes(1);
    } finally {
      closeSpy.mockRestore();
    }
  });
});

describe('identitySigning', () => {
  it('signs an ECDSA identity with node:crypto: the whole message (hash.none), SHA-256, low S, DER', async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const { signer, hash: digest } = identitySigning(privateKey);
    const message = Buffer.from('proposal bytes');
    expect(Buffer.from(digest(message))).toEqual(message);
    for (let i = 0; i < 32; i++) {
      const der = await signer(digest(message));
      expect(crypto.verify('sha256', message, publicKey, der)).toBe(true);
      expect(p256.Signature.fromDER(der).hasHighS()).toBe(false); // Fabric's MSP refuses high S
    }
  });
});
