import { GatewayContractTransport, MeterledgerError, type MeterledgerConnection } from '@meterledger/client';
import {
  buildPossessionChallenge,
  generateSoftwareSigner,
  verifySignature,
  type SignatureEncoding,
  type SignatureScheme,
  type SoftwareSigner,
} from '@meterledger/crypto';
import { AuthorityClient, REGISTRY_CONTRACT } from './authority-client';
import type { PossessionSignature, Prover } from './prover';
import { softwareProver } from './prover';
import type { MeterMetadata } from './types';
// Test-only code of a sibling package (never built): the real chaincode in process behind fabric-gateway's proposal surface.
import { InProcessNetwork } from '../../client/src/testing/in-process-network';

/**
 * The AuthorityClient against the REAL chaincode, in process: ContractClient → GatewayContractTransport →
 * fabric-gateway's proposal surface answered by fabric-shim's routing, MeterRegistryContract and the
 * registry functions over an in-memory ledger (the client's src/testing/in-process-network.ts).
 * Identities are X.509 certificates with the meterledger.role attribute.
 */

const CHANNEL = 'nmichannel';
const METADATA: MeterMetadata = { manufacturer: 'ACME', model: 'E350', serial: 'SN-0001', typeApprovalRef: 'PTB-22.11-4711' };
const TWO = { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] };

let net: InProcessNetwork;
let nonceCounter = 0;

function nonces(): () => string {
  return () => `nonce-${String(++nonceCounter).padStart(16, '0')}`;
}

function client(name: Parameters<InProcessNetwork['contract']>[0], options: ConstructorParameters<typeof AuthorityClient>[1] = {}): AuthorityClient {
  const identity = net.proposalsOf(name).identity;
  return new AuthorityClient(net.contract(name), { channel: CHANNEL, mspId: identity.mspId, newNonce: nonces(), ...options });
}

/** A prover backed by a software key that remembers every challenge it was asked to sign. */
function recordingProver(signer: SoftwareSigner, encoding?: SignatureEncoding) {
  const challenges: Uint8Array[] = [];
  const prover: Prover = async (challenge) => {
    challenges.push(challenge);
    const answer: PossessionSignature = { signature: signer.sign(challenge, encoding) };
    if (encoding) answer.signatureEncoding = encoding;
    return answer;
  };
  return { prover, challenges };
}

async function rejection(promise: Promise<unknown>): Promise<MeterledgerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MeterledgerError);
    return err as MeterledgerError;
  }
  throw new Error('expected a rejection');
}

beforeEach(() => {
  net = new InProcessNetwork();
});

describe('configuration governance', () => {
  it('initConfig, then a proposal takes effect once a second authority approves it', async () => {
    const ptb = client('ptbAdmin');
    const inmetro = client('inmetroAdmin');
    expect(await ptb.initConfig(TWO)).toMatchObject({ ...TWO, version: 1, proposalId: null, updatedBy: { mspId: 'PTBMSP' } });
    expect((await rejection(ptb.initConfig(TWO))).code).toBe('ALREADY_CONFIGURED');

    const proposal = await ptb.proposeConfig({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP', 'NmiMSP'] });
    expect(proposal).toMatchObject({ proposalId: 'PTBMSP-admin-3', baseVersion: 1, status: 'pending' });
    expect(await ptb.getConfig()).toEqual({ config: expect.objectContaining({ version: 1 }), pending: [proposal] });
    expect((await rejection(client('nmiAdmin').approveConfig({ proposalId: proposal.proposalId }))).code).toBe('UNAUTHORIZED');
    expect((await rejection(ptb.approveConfig({ proposalId: proposal.proposalId }))).code).toBe('ALREADY_APPROVED');
    expect(await inmetro.approveConfig({ proposalId: proposal.proposalId })).toMatchObject({ status: 'effective' });
    expect((await ptb.getConfig()).config).toMatchObject({ version: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP', 'NmiMSP'], proposalId: proposal.proposalId });
    expect((await rejection(inmetro.approveConfig({ proposalId: proposal.proposalId }))).code).toBe('PROPOSAL_SUPERSEDED');
    expect((await rejection(inmetro.approveConfig({ proposalId: 'nope' }))).code).toBe('UNKNOWN_PROPOSAL');
  });

  it('sends the exact JSON the schemas define', async () => {
    await client('ptbAdmin').initConfig(TWO);
    expect(net.proposalsOf('ptbAdmin').calls).toEqual([{ fn: 'initConfig', args: ['{"approvalThreshold":2,"authorityMspIds":["PTBMSP","InmetroMSP"]}'], stage: 'submit' }]);
  });
});

describe('meters', () => {
  let ptb: AuthorityClient;
  let inmetro: AuthorityClient;
  beforeEach(async () => {
    await client('ptbAdmin').initConfig(TWO);
    ptb = client('ptbRegistrar');
    inmetro = client('inmetroRegistrar');
  });

  const schemes: [SignatureScheme, SignatureEncoding | undefined][] = [
    ['ecdsa-p256-sha256', undefined],
    ['ecdsa-p256-sha256', 'raw'],
    ['ecdsa-secp256k1-sha256', 'der'],
    ['ed25519', undefined],
  ];

  it.each(schemes)('%s (%s): the meter signs exactly the challenge, the chaincode accepts the proof, a second authority activates', async (scheme, encoding) => {
    const meter = generateSoftwareSigner(scheme);
    const { prover, challenges } = recordingProver(meter, encoding);
    const pending = await ptb.registerWithPossession({ meterId: 'm-1', scheme, publicKey: meter.publicKey.spkiPem, metadata: METADATA, prover });
    expect(pending).toMatchObject({ meterId: 'm-1', status: 'pending', keys: [{ version: 1, approvals: [{ mspId: 'PTBMSP' }] }] });
    const nonce = pending.keys[0].approvals[0].nonce;
    const expected = buildPossessionChallenge({ channel: CHANNEL, meterId: 'm-1', publicKey: meter.publicKey.spkiPem, scheme, nonce });
    expect(Buffer.from(challenges[0])).toEqual(Buffer.from(expected));
    const sent = JSON.parse(net.proposalsOf('ptbRegistrar').calls.find((c) => c.fn === 'registerMeter')?.args[0] as string);
    expect(verifySignature({ scheme, publicKey: meter.publicKey.spkiPem, message: expected, signature: sent.proof.signature, signatureEncoding: encoding })).toBe(true);

    const active = await inmetro.approveWithPossession({ meterId: 'm-1', prover });
    expect(active).toMatchObject({ status: 'active', activeKeyVersion: 1 });
    expect(active.keys[0].approvals.map((a) => a.mspId)).toEqual(['PTBMSP', 'InmetroMSP']);
    const reading = '2026-11-21T10:00:00Z,1.000';
    expect(await inmetro.verify({ meterId: 'm-1', message: reading, signature: meter.sign(reading, encoding), ...(encoding ? { signatureEncoding: encoding } : {}) })).toMatchObject({
      valid: true,
      keyVersion: 1,
    });
  });

  it('sends byte keys as hex and parsed keys as SPKI PEM, and binds the challenge to that key', async () => {
    const a = generateSoftwareSigner('ecdsa-p256-sha256');
    const b = generateSoftwareSigner('ed25519');
    await ptb.registerWithPossession({ meterId: 'm-1', scheme: a.scheme, publicKey: a.publicKey.raw, metadata: METADATA, prover: softwareProver(a) });
    await ptb.registerWithPossession({ meterId: 'm-2', scheme: b.scheme, publicKey: b.publicKey, metadata: METADATA, prover: softwareProver(b) });
    const sent = net.proposalsOf('ptbRegistrar').calls.filter((c) => c.fn === 'registerMeter').map((c) => JSON.parse(c.args[0]).publicKey);
    expect(sent).toEqual([Buffer.from(a.publicKey.raw).toString('hex'), b.publicKey.spkiPem]);
    expect((await ptb.getMeter('m-1')).keys[0].fingerprint).toBe(a.publicKey.fingerprint);
  });

  it('uses a fresh 24-byte base64url nonce per proof by default', async () => {
    const plain = new AuthorityClient(net.contract('ptbRegistrar'), { channel: CHANNEL });
    for (const id of ['m-1', 'm-2']) {
      const meter = generateSoftwareSigner('ed25519');
      await plain.registerWithPossession({ meterId: id, scheme: 'ed25519', publicKey: meter.publicKey, metadata: METADATA, prover: softwareProver(meter) });
    }
    const [x, y] = await Promise.all(['m-1', 'm-2'].map(async (id) => (await plain.getMeter(id)).keys[0].approvals[0].nonce));
    expect(x).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(y).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(x).not.toBe(y);
  });

  it('fails locally, submitting nothing, when the meter signs something else', async () => {
    const meter = generateSoftwareSigner('ecdsa-p256-sha256');
    const impostor = generateSoftwareSigner('ecdsa-p256-sha256');
    const err = await rejection(
      ptb.registerWithPossession({ meterId: 'm-1', scheme: meter.scheme, publicKey: meter.publicKey, metadata: METADATA, prover: (c) => ({ signature: impostor.sign(c) }) }),
    );
    expect(err.code).toBe('BAD_PROOF_OF_POSSESSION');
    expect(err.message).toContain(meter.publicKey.fingerprint);
    expect(net.proposalsOf('ptbRegistrar').calls.map((c) => c.stage)).toEqual(['evaluate']); // the state check only
  });

  it('leaves the proof to the chaincode when local verification is off, which rejects it with a transaction id', async () => {
    const meter = generateSoftwareSigner('ed25519');
    const lax = client('ptbRegistrar', { verifyProofsLocally: false });
    const err = await rejection(
      lax.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey, metadata: METADATA, prover: () => ({ signature: new Uint8Array(64) }) }),
    );
    expect(err).toMatchObject({ code: 'BAD_PROOF_OF_POSSESSION', transactionId: expect.stringMatching(/^PTBMSP-registrar-/) });
    expect(err.details[0]).toMatch(/^peer0\.ptb\.meterledger\.local:7051 \(PTBMSP\): chaincode response 500, BAD_PROOF_OF_POSSESSION: /);
    expect((await rejection(ptb.getMeter('m-1'))).code).toBe('UNKNOWN_METER');
  });

  it('reports a failing or empty prover as PROVER_FAILED and bad keys before asking the meter', async () => {
    const meter = generateSoftwareSigner('ed25519');
    const base = { meterId: 'm-1', scheme: 'ed25519' as const, publicKey: meter.publicKey.spkiPem, metadata: METADATA };
    const failed = await rejection(
      ptb.registerWithPossession({
        ...base,
        prover: async () => {
          throw new Error('serial port timeout');
        },
      }),
    );
    expect(failed).toMatchObject({ code: 'PROVER_FAILED', message: expect.stringContaining('serial port timeout') });
    expect((await rejection(ptb.registerWithPossession({ ...base, prover: () => ({ signature: new Uint8Array() }) }))).code).toBe('PROVER_FAILED');
    const prover = jest.fn();
    expect((await rejection(ptb.registerWithPossession({ ...base, publicKey: 'not a key', prover }))).code).toBe('MALFORMED_KEY');
    const p256 = generateSoftwareSigner('ecdsa-p256-sha256');
    expect((await rejection(ptb.registerWithPossession({ ...base, publicKey: p256.publicKey.spkiPem, prover }))).code).toBe('KEY_SCHEME_MISMATCH');
    expect(prover).not.toHaveBeenCalled();
  });

  it('needs a channel to bind the challenge to, which can also be given per call', async () => {
    const meter = generateSoftwareSigner('ed25519');
    const noChannel = new AuthorityClient(net.contract('ptbRegistrar'));
    const request = { meterId: 'm-1', scheme: 'ed25519' as const, publicKey: meter.publicKey, metadata: METADATA, prover: softwareProver(meter) };
    expect((await rejection(noChannel.registerWithPossession(request))).code).toBe('INVALID_ARGUMENT');
    // A challenge bound to another channel does not verify on this one.
    expect((await rejection(noChannel.registerWithPossession({ ...request, channel: 'otherchannel' }))).code).toBe('BAD_PROOF_OF_POSSESSION');
    expect((await noChannel.registerWithPossession({ ...request, channel: CHANNEL })).status).toBe('pending');
  });

  it("waits for a registration its org's peers have not committed yet, and reports UNKNOWN_METER after unknownMeterWaitMs", async () => {
    const meter = generateSoftwareSigner('ed25519');
    const prover = jest.fn(softwareProver(meter));
    const patient = client('inmetroRegistrar', { unknownMeterWaitMs: 2000 });
    // the registration commits while the approval is already asking
    const approval = patient.approveWithPossession({ meterId: 'm-1', prover });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ptb.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey, metadata: METADATA, prover });
    expect(await approval).toMatchObject({ status: 'active' });

    expect((await rejection(client('inmetroRegistrar', { unknownMeterWaitMs: 400 }).approveWithPossession({ meterId: 'm-2', prover }))).code).toBe('UNKNOWN_METER');
    prover.mockClear();
    expect((await rejection(client('inmetroRegistrar', { unknownMeterWaitMs: 0 }).approveWithPossession({ meterId: 'm-3', prover }))).code).toBe('UNKNOWN_METER');
    expect(prover).not.toHaveBeenCalled();
  });

  it('checks the state before asking the meter: duplicates, own approvals, nothing pending, revoked', async () => {
    const meter = generateSoftwareSigner('ed25519');
    const prover = jest.fn(softwareProver(meter));
    await ptb.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey, metadata: METADATA, prover });
    prover.mockClear();
    expect((await rejection(ptb.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey, metadata: METADATA, prover }))).code).toBe('DUPLICATE_METER');
    expect((await rejection(ptb.approveWithPossession({ meterId: 'm-1', prover }))).code).toBe('ALREADY_APPROVED');
    expect((await rejection(inmetro.approveWithPossession({ meterId: 'm-1', keyVersion: 3, prover }))).code).toBe('UNKNOWN_KEY_VERSION');
    expect((await rejection(inmetro.rotateWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey, prover }))).code).toBe('ROTATION_PENDING');
    expect(prover).not.toHaveBeenCalled();
    await inmetro.approveWithPossession({ meterId: 'm-1', prover });
    prover.mockClear();
    expect((await rejection(inmetro.approveWithPossession({ meterId: 'm-1', prover }))).code).toBe('NOTHING_TO_APPROVE');
    await ptb.revokeMeter({ meterId: 'm-1', reason: 'keyCompromise' });
    // The first live run answered BAD_PROOF_OF_POSSESSION here (the prover signs with the old key).
    const revoked = await rejection(inmetro.rotateWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey, prover }));
    expect(revoked.code).toBe('METER_REVOKED');
    expect(prover).not.toHaveBeenCalled();
    // Without the SDK's check the chaincode says the same.
    const unchecked = client('inmetroRegistrar', { checkStateFirst: false, verifyProofsLocally: false });
    expect((await rejection(unchecked.rotateWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey, prover }))).code).toBe('METER_REVOKED');
  });

  it('rotates end to end and keeps the old key for its window', async () => {
    const v1 = generateSoftwareSigner('ecdsa-p256-sha256');
    const v2 = generateSoftwareSigner('ed25519');
    await ptb.registerWithPossession({ meterId: 'm-1', scheme: v1.scheme, publicKey: v1.publicKey, metadata: METADATA, prover: softwareProver(v1) });
    await inmetro.approveWithPossession({ meterId: 'm-1', prover: softwareProver(v1) });
    await inmetro.rotateWithPossession({ meterId: 'm-1', scheme: v2.scheme, publicKey: v2.publicKey, prover: softwareProver(v2, 'raw') });
    const rotated = await ptb.approveWithPossession({ meterId: 'm-1', prover: softwareProver(v2) });
    expect(rotated.keys.map((k) => k.status)).toEqual(['retired', 'active']);
    expect((await ptb.getKeyHistory('m-1')).map((k) => k.scheme)).toEqual(['ecdsa-p256-sha256', 'ed25519']);
  });

  it('verify: NO_KEY_VALID_AT_TIME for a pending meter whatever the signature, MALFORMED_SIGNATURE once a key exists', async () => {
    const meter = generateSoftwareSigner('ecdsa-p256-sha256');
    await ptb.registerWithPossession({ meterId: 'm-1', scheme: meter.scheme, publicKey: meter.publicKey, metadata: METADATA, prover: softwareProver(meter) });
    expect(await ptb.verify({ meterId: 'm-1', message: 'x', signature: 'AAEC' })).toMatchObject({ valid: false, keyVersion: null, reason: 'NO_KEY_VALID_AT_TIME' });
    await inmetro.approveWithPossession({ meterId: 'm-1', prover: softwareProver(meter) });
    expect((await rejection(ptb.verify({ meterId: 'm-1', message: 'x', signature: 'AAEC' }))).code).toBe('MALFORMED_SIGNATURE');
    expect((await rejection(ptb.verify({ meterId: 'nope', message: 'x', signature: 'AAEC' }))).code).toBe('UNKNOWN_METER');
    // Bytes are sent as base64.
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(await ptb.verify({ meterId: 'm-1', message: bytes, signature: meter.sign(bytes) })).toMatchObject({ valid: true });
    expect((await rejection(ptb.verify({ meterId: 'm-1', message: bytes, messageEncoding: 'hex', signature: 'x' }))).code).toBe('INVALID_ARGUMENT');
  });

  it('verifyAndRecord is for verifiers and registrars; the audit trail pages through listAllVerifications', async () => {
    const meter = generateSoftwareSigner('ed25519');
    await ptb.registerWithPossession({ meterId: 'm-1', scheme: meter.scheme, publicKey: meter.publicKey, metadata: METADATA, prover: softwareProver(meter) });
    await inmetro.approveWithPossession({ meterId: 'm-1', prover: softwareProver(meter) });
    const request = { meterId: 'm-1', message: 'r', signature: meter.sign('r') };
    const records = [await client('inmetroVerifier').verifyAndRecord(request), await client('operatorVerifier').verifyAndRecord(request), await ptb.verifyAndRecord(request)];
    expect(records.map((r) => r.verifier.mspId)).toEqual(['InmetroMSP', 'OperatorMSP', 'PTBMSP']);
    expect((await rejection(client('ptbNoRole').verifyAndRecord(request))).code).toBe('UNAUTHORIZED');
    expect((await rejection(client('ptbAdmin').verifyAndRecord(request))).code).toBe('UNAUTHORIZED');
    const seen: string[] = [];
    for await (const record of ptb.listAllVerifications({ meterId: 'm-1', pageSize: 2 })) seen.push(record.txId);
    expect(seen).toEqual(records.map((r) => r.txId));
  });

  it('listAllMeters follows bookmarks through the chaincode', async () => {
    for (let i = 0; i < 5; i++) {
      const meter = generateSoftwareSigner('ed25519');
      await ptb.registerWithPossession({ meterId: `m-${i}`, scheme: meter.scheme, publicKey: meter.publicKey, metadata: METADATA, prover: softwareProver(meter) });
    }
    const ids: string[] = [];
    for await (const meter of ptb.listAllMeters({ by: 'manufacturer', value: 'ACME', pageSize: 2 })) ids.push(meter.meterId);
    expect(ids).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4']);
    const pages = net.proposalsOf('ptbRegistrar').calls.filter((c) => c.fn === 'listMeters');
    expect(pages).toHaveLength(3);
    expect(JSON.parse(pages[0].args[0])).toEqual({ by: 'manufacturer', value: 'ACME', pageSize: 2 });
    expect((await rejection(ptb.listMeters({ by: 'manufacturer', value: 'AC\u0000ME' }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('evaluate-only functions', () => {
  it('a query submitted anyway is invalidated at commit by the read-only sentinel (below the SDK check)', async () => {
    await client('ptbAdmin').initConfig(TWO);
    const transport = new GatewayContractTransport(net.proposalsOf('ptbRegistrar'));
    const err = await rejection(transport.submit({ fn: 'getConfig', args: [] }));
    expect(err).toMatchObject({ code: 'TRANSACTION_INVALID', validationCode: 'ENDORSEMENT_POLICY_FAILURE' });
  });
});

describe('constructed from a connection', () => {
  it('uses the registry contract, the connection channel and its MSP id', async () => {
    await client('ptbAdmin').initConfig(TWO);
    const contractNames: (string | undefined)[] = [];
    const connection = {
      transport: 'gateway',
      gateway: {},
      network: { getName: () => CHANNEL },
      channel: CHANNEL,
      chaincodeName: 'meterledger',
      mspId: 'PTBMSP',
      contract: (name?: string) => {
        contractNames.push(name);
        return net.contract('ptbRegistrar');
      },
      close: () => undefined,
    } as unknown as MeterledgerConnection;
    const fromConnection = new AuthorityClient(connection);
    expect(contractNames).toEqual([REGISTRY_CONTRACT]);
    const meter = generateSoftwareSigner('ed25519');
    await fromConnection.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey, metadata: METADATA, prover: softwareProver(meter) });
    expect((await rejection(fromConnection.approveWithPossession({ meterId: 'm-1', prover: softwareProver(meter) }))).code).toBe('ALREADY_APPROVED');
  });
});
