import { ContractClient, MeterledgerError, type MeterledgerConnection } from '@meterledger/client';
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
import { FakeRegistry } from './testing/fake-registry';
import type { KeyVersionRecord, MeterMetadata, MeterRecord } from './types';

const CHANNEL = 'nmichannel';
const NONCES = ['nonce-AAAAAAAAAAAAAAAA', 'nonce-BBBBBBBBBBBBBBBB', 'nonce-CCCCCCCCCCCCCCCC'];
const METADATA: MeterMetadata = { manufacturer: 'ACME', model: 'E350', serial: 'SN-0001', typeApprovalRef: 'PTB-22.11-4711' };
const PTB = { mspId: 'PTBMSP', id: 'x509::CN=registrar' };

function meterRecord(overrides: Partial<MeterRecord> = {}): MeterRecord {
  return {
    meterId: 'm-1',
    status: 'pending',
    metadata: METADATA,
    registeredBy: PTB,
    registeredAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    activeKeyVersion: null,
    keys: [],
    ...overrides,
  };
}

function keyRecord(signer: SoftwareSigner, version: number, status: KeyVersionRecord['status']): KeyVersionRecord {
  return {
    version,
    scheme: signer.scheme,
    publicKey: signer.publicKey.spkiPem,
    fingerprint: signer.publicKey.fingerprint,
    status,
    approvals: [{ ...PTB, at: '2025-01-01T00:00:00.000Z', nonce: 'nonce-ZZZZZZZZZZZZZZZZ' }],
    validFrom: status === 'pending' ? null : '2025-01-01T00:00:00.000Z',
    validTo: null,
  };
}

/** A prover backed by a software key that remembers every challenge it was asked to sign. */
function recordingProver(signer: SoftwareSigner, encoding?: SignatureEncoding) {
  const challenges: Uint8Array[] = [];
  const signatures: Uint8Array[] = [];
  const prover: Prover = async (challenge) => {
    challenges.push(challenge);
    const signature = signer.sign(challenge, encoding);
    signatures.push(signature);
    const answer: PossessionSignature = { signature };
    if (encoding) answer.signatureEncoding = encoding;
    return answer;
  };
  return { prover, challenges, signatures };
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

describe('AuthorityClient', () => {
  let fake: FakeRegistry;
  let client: AuthorityClient;
  let nonces: string[];

  beforeEach(() => {
    fake = new FakeRegistry();
    nonces = [...NONCES];
    client = new AuthorityClient(new ContractClient(fake), { channel: CHANNEL, newNonce: () => nonces.shift() as string });
  });

  describe('plain transactions send the exact function and JSON', () => {
    it('configure / getConfig', async () => {
      const config = { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'], updatedAt: 't', updatedBy: PTB };
      fake.on('configure', () => config).on('getConfig', () => config);
      await expect(client.configure({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] })).resolves.toEqual(config);
      await expect(client.getConfig()).resolves.toEqual(config);
      expect(fake.calls).toEqual([
        { fn: 'configure', args: ['{"approvalThreshold":2,"authorityMspIds":["PTBMSP","InmetroMSP"]}'], stage: 'submit' },
        { fn: 'getConfig', args: [], stage: 'evaluate' },
      ]);
    });

    it('getMeter / getKeyHistory take the meter id as a plain string', async () => {
      fake.on('getMeter', ([id]) => meterRecord({ meterId: id })).on('getKeyHistory', () => []);
      await expect(client.getMeter('m-1')).resolves.toMatchObject({ meterId: 'm-1' });
      await expect(client.getKeyHistory('m-1')).resolves.toEqual([]);
      expect(fake.calls).toEqual([
        { fn: 'getMeter', args: ['m-1'], stage: 'evaluate' },
        { fn: 'getKeyHistory', args: ['m-1'], stage: 'evaluate' },
      ]);
    });

    it('registerMeter / approveMeter / rotateKey / revokeMeter are submitted', async () => {
      for (const fn of ['registerMeter', 'approveMeter', 'rotateKey', 'revokeMeter']) fake.on(fn, () => meterRecord());
      const proof = { nonce: NONCES[0], signature: 'MEUCIQ==' };
      await client.registerMeter({ meterId: 'm-1', scheme: 'ed25519', publicKey: 'ab'.repeat(32), metadata: METADATA, proof });
      await client.approveMeter({ meterId: 'm-1', keyVersion: 1, proof: { ...proof, signatureEncoding: 'raw' } });
      await client.rotateKey({ meterId: 'm-1', scheme: 'ed25519', publicKey: 'cd'.repeat(32), proof });
      await client.revokeMeter({ meterId: 'm-1', reason: 'keyCompromise', effectiveAt: '2025-02-01T00:00:00Z', comment: 'seal broken' });
      expect(fake.calls.map((c) => [c.fn, c.stage, c.args])).toEqual([
        [
          'registerMeter',
          'submit',
          [
            `{"meterId":"m-1","scheme":"ed25519","publicKey":"${'ab'.repeat(32)}","metadata":{"manufacturer":"ACME","model":"E350","serial":"SN-0001","typeApprovalRef":"PTB-22.11-4711"},"proof":{"nonce":"${NONCES[0]}","signature":"MEUCIQ=="}}`,
          ],
        ],
        ['approveMeter', 'submit', [`{"meterId":"m-1","keyVersion":1,"proof":{"nonce":"${NONCES[0]}","signature":"MEUCIQ==","signatureEncoding":"raw"}}`]],
        ['rotateKey', 'submit', [`{"meterId":"m-1","scheme":"ed25519","publicKey":"${'cd'.repeat(32)}","proof":{"nonce":"${NONCES[0]}","signature":"MEUCIQ=="}}`]],
        ['revokeMeter', 'submit', ['{"meterId":"m-1","reason":"keyCompromise","effectiveAt":"2025-02-01T00:00:00Z","comment":"seal broken"}']],
      ]);
    });

    it('listMeters / listVerifications are evaluated', async () => {
      fake.on('listMeters', () => ({ items: [], bookmark: '', fetchedCount: 0 })).on('listVerifications', () => ({ items: [], bookmark: '', fetchedCount: 0 }));
      await client.listMeters({ by: 'manufacturer', value: 'ACME', pageSize: 10 });
      await client.listVerifications({ meterId: 'm-1', bookmark: 'bm' });
      expect(fake.calls).toEqual([
        { fn: 'listMeters', args: ['{"by":"manufacturer","value":"ACME","pageSize":10}'], stage: 'evaluate' },
        { fn: 'listVerifications', args: ['{"meterId":"m-1","bookmark":"bm"}'], stage: 'evaluate' },
      ]);
    });

    it('verify is evaluated and verifyAndRecord submitted', async () => {
      const result = { meterId: 'm-1', valid: true, keyVersion: 1, at: '2025-03-01T00:00:00.000Z' };
      fake.on('verify', () => result).on('verifyAndRecord', () => ({ ...result, messageHash: 'h', verifier: PTB, txId: 'tx-2', recordedAt: 't' }));
      const request = { meterId: 'm-1', message: '{"kWh":12.5}', signature: 'MEUCIQ==', at: '2025-03-01T00:00:00Z' };
      await expect(client.verify(request)).resolves.toEqual(result);
      await expect(client.verifyAndRecord({ ...request, messageEncoding: 'utf8', signatureEncoding: 'der' })).resolves.toMatchObject({ txId: 'tx-2' });
      expect(fake.calls).toEqual([
        { fn: 'verify', args: ['{"meterId":"m-1","message":"{\\"kWh\\":12.5}","signature":"MEUCIQ==","at":"2025-03-01T00:00:00Z"}'], stage: 'evaluate' },
        {
          fn: 'verifyAndRecord',
          args: ['{"meterId":"m-1","message":"{\\"kWh\\":12.5}","signature":"MEUCIQ==","at":"2025-03-01T00:00:00Z","messageEncoding":"utf8","signatureEncoding":"der"}'],
          stage: 'submit',
        },
      ]);
    });

    it('verify sends message and signature bytes as base64', async () => {
      fake.on('verify', () => ({ meterId: 'm-1', valid: false, keyVersion: null, reason: 'SIGNATURE_MISMATCH', at: 't' }));
      await client.verify({ meterId: 'm-1', message: new Uint8Array([0, 1, 2, 255]), signature: new Uint8Array([48, 69, 2, 33]) });
      expect(fake.jsonArgs('verify')).toEqual([{ meterId: 'm-1', message: 'AAEC/w==', messageEncoding: 'base64', signature: 'MEUCIQ==' }]);
      await expect(client.verify({ meterId: 'm-1', message: new Uint8Array([1]), messageEncoding: 'hex', signature: 'x' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      expect(fake.calls).toHaveLength(1);
    });

    it('surfaces chaincode errors with their code', async () => {
      fake.on('getMeter', () => {
        throw new Error('chaincode response 500, UNKNOWN_METER: meter m-9 is not registered');
      });
      const err = await rejection(client.getMeter('m-9'));
      expect(err).toMatchObject({ code: 'UNKNOWN_METER', transactionId: 'tx-1' });
    });
  });

  describe('listAllMeters', () => {
    it('follows bookmarks until the last page', async () => {
      const pages: Record<string, { items: MeterRecord[]; bookmark: string }> = {
        '': { items: [meterRecord({ meterId: 'a' }), meterRecord({ meterId: 'b' })], bookmark: 'bm1' },
        bm1: { items: [meterRecord({ meterId: 'c' }), meterRecord({ meterId: 'd' })], bookmark: 'bm2' },
        bm2: { items: [meterRecord({ meterId: 'e' })], bookmark: '' },
      };
      fake.on('listMeters', ([json]) => {
        const page = pages[JSON.parse(json).bookmark ?? ''];
        return { ...page, fetchedCount: page.items.length };
      });
      const ids: string[] = [];
      for await (const meter of client.listAllMeters({ by: 'status', value: 'active', pageSize: 2 })) ids.push(meter.meterId);
      expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(fake.calls.map((c) => c.args[0])).toEqual([
        '{"by":"status","value":"active","pageSize":2}',
        '{"by":"status","value":"active","pageSize":2,"bookmark":"bm1"}',
        '{"by":"status","value":"active","pageSize":2,"bookmark":"bm2"}',
      ]);
    });

    it('stops on an empty page or a repeated bookmark (CouchDB style)', async () => {
      let n = 0;
      fake.on('listMeters', () => (n++ === 0 ? { items: [meterRecord()], bookmark: 'same', fetchedCount: 1 } : { items: [meterRecord()], bookmark: 'same', fetchedCount: 1 }));
      const all: MeterRecord[] = [];
      for await (const m of client.listAllMeters({ by: 'status', value: 'pending' })) all.push(m);
      expect(all).toHaveLength(2);
      expect(fake.calls).toHaveLength(2);

      fake.on('listMeters', () => ({ items: [], bookmark: 'more?', fetchedCount: 0 }));
      const none: MeterRecord[] = [];
      for await (const m of client.listAllMeters({ by: 'status', value: 'pending', bookmark: 'start' })) none.push(m);
      expect(none).toEqual([]);
      expect(fake.calls.at(-1)?.args[0]).toBe('{"by":"status","value":"pending","bookmark":"start"}');
    });

    it('listAllVerifications follows bookmarks too', async () => {
      fake.on('listVerifications', ([json]) =>
        JSON.parse(json).bookmark === 'next'
          ? { items: [{ txId: 'v2' }], bookmark: '', fetchedCount: 1 }
          : { items: [{ txId: 'v1' }], bookmark: 'next', fetchedCount: 1 },
      );
      const seen: string[] = [];
      for await (const v of client.listAllVerifications({ meterId: 'm-1' })) seen.push(v.txId);
      expect(seen).toEqual(['v1', 'v2']);
    });
  });

  describe('registerWithPossession', () => {
    const schemes: [SignatureScheme, string, SignatureEncoding | undefined][] = [
      ['ecdsa-p256-sha256', 'default encoding', undefined],
      ['ecdsa-p256-sha256', 'raw', 'raw'],
      ['ecdsa-secp256k1-sha256', 'der', 'der'],
      ['ed25519', 'default encoding', undefined],
    ];

    it.each(schemes)('%s, %s: the meter signs exactly the challenge and that signature is submitted', async (scheme, _label, encoding) => {
      const meter = generateSoftwareSigner(scheme);
      const { prover, challenges, signatures } = recordingProver(meter, encoding);
      fake.on('registerMeter', () => meterRecord());

      await client.registerWithPossession({ meterId: 'm-1', scheme, publicKey: meter.publicKey.spkiPem, metadata: METADATA, prover });

      const expected = buildPossessionChallenge({ channel: CHANNEL, meterId: 'm-1', publicKey: meter.publicKey.spkiPem, scheme, nonce: NONCES[0] });
      expect(challenges).toHaveLength(1);
      expect(Buffer.from(challenges[0])).toEqual(Buffer.from(expected));

      const proof = { nonce: NONCES[0], signature: Buffer.from(signatures[0]).toString('base64'), ...(encoding ? { signatureEncoding: encoding } : {}) };
      expect(fake.calls).toEqual([
        {
          fn: 'registerMeter',
          stage: 'submit',
          args: [JSON.stringify({ meterId: 'm-1', scheme, publicKey: meter.publicKey.spkiPem, metadata: METADATA, proof })],
        },
      ]);
      // What the chaincode will check: the submitted signature verifies over the challenge it rebuilds.
      expect(
        verifySignature({ scheme, publicKey: meter.publicKey.spkiPem, message: expected, signature: proof.signature, signatureEncoding: encoding }),
      ).toBe(true);
    });

    it('sends byte keys as hex and parsed keys as SPKI PEM, and binds the challenge to that key', async () => {
      const meter = generateSoftwareSigner('ecdsa-p256-sha256');
      const { prover, challenges } = recordingProver(meter);
      fake.on('registerMeter', () => meterRecord());
      await client.registerWithPossession({ meterId: 'm-1', scheme: meter.scheme, publicKey: meter.publicKey.raw, metadata: METADATA, prover });
      await client.registerWithPossession({ meterId: 'm-2', scheme: meter.scheme, publicKey: meter.publicKey, metadata: METADATA, prover });
      const [first, second] = fake.jsonArgs('registerMeter') as { publicKey: string }[];
      expect(first.publicKey).toBe(Buffer.from(meter.publicKey.raw).toString('hex'));
      expect(second.publicKey).toBe(meter.publicKey.spkiPem);
      expect(Buffer.from(challenges[0])).toEqual(
        Buffer.from(buildPossessionChallenge({ channel: CHANNEL, meterId: 'm-1', publicKey: first.publicKey, scheme: meter.scheme, nonce: NONCES[0] })),
      );
      expect(Buffer.from(challenges[1])).toEqual(
        Buffer.from(buildPossessionChallenge({ channel: CHANNEL, meterId: 'm-2', publicKey: meter.publicKey, scheme: meter.scheme, nonce: NONCES[1] })),
      );
    });

    it('uses a fresh 24-byte base64url nonce per proof by default', async () => {
      const meter = generateSoftwareSigner('ed25519');
      const { prover } = recordingProver(meter);
      const defaultClient = new AuthorityClient(new ContractClient(fake), { channel: CHANNEL });
      fake.on('registerMeter', () => meterRecord());
      for (const id of ['m-1', 'm-2']) {
        await defaultClient.registerWithPossession({ meterId: id, scheme: 'ed25519', publicKey: meter.publicKey.spkiPem, metadata: METADATA, prover });
      }
      const [a, b] = (fake.jsonArgs('registerMeter') as { proof: { nonce: string } }[]).map((r) => r.proof.nonce);
      expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(b).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(a).not.toBe(b);
    });

    it('fails locally, submitting nothing, when the meter signs something else', async () => {
      const meter = generateSoftwareSigner('ecdsa-p256-sha256');
      const impostor = generateSoftwareSigner('ecdsa-p256-sha256');
      fake.on('registerMeter', () => meterRecord());
      const err = await rejection(
        client.registerWithPossession({
          meterId: 'm-1',
          scheme: meter.scheme,
          publicKey: meter.publicKey.spkiPem,
          metadata: METADATA,
          prover: (challenge) => ({ signature: impostor.sign(challenge) }),
        }),
      );
      expect(err.code).toBe('BAD_PROOF_OF_POSSESSION');
      expect(err.message).toContain(meter.publicKey.fingerprint);
      expect(fake.calls).toEqual([]);
    });

    it('leaves the check to the chaincode when local verification is off', async () => {
      const meter = generateSoftwareSigner('ed25519');
      const lax = new AuthorityClient(new ContractClient(fake), { channel: CHANNEL, newNonce: () => NONCES[0], verifyProofsLocally: false });
      fake.on('registerMeter', () => {
        throw new Error('chaincode response 500, BAD_PROOF_OF_POSSESSION: meter m-1: the signature does not verify');
      });
      const err = await rejection(
        lax.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey.spkiPem, metadata: METADATA, prover: () => ({ signature: new Uint8Array(64) }) }),
      );
      expect(err).toMatchObject({ code: 'BAD_PROOF_OF_POSSESSION', transactionId: 'tx-1' });
      expect(fake.calls).toHaveLength(1);
    });

    it('reports a failing or empty prover as PROVER_FAILED', async () => {
      const meter = generateSoftwareSigner('ed25519');
      const base = { meterId: 'm-1', scheme: 'ed25519' as const, publicKey: meter.publicKey.spkiPem, metadata: METADATA };
      const failed = await rejection(
        client.registerWithPossession({
          ...base,
          prover: async () => {
            throw new Error('serial port timeout');
          },
        }),
      );
      expect(failed.code).toBe('PROVER_FAILED');
      expect(failed.message).toContain('serial port timeout');
      expect(failed.cause).toBeInstanceOf(Error);
      const empty = await rejection(client.registerWithPossession({ ...base, prover: () => ({ signature: new Uint8Array() }) }));
      expect(empty.code).toBe('PROVER_FAILED');
      expect(fake.calls).toEqual([]);
    });

    it('rejects a malformed key or a mismatched scheme before asking the meter', async () => {
      const prover = jest.fn();
      const bad = await rejection(client.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: 'not a key', metadata: METADATA, prover }));
      expect(bad.code).toBe('MALFORMED_KEY');
      const p256 = generateSoftwareSigner('ecdsa-p256-sha256');
      const mismatch = await rejection(client.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: p256.publicKey.spkiPem, metadata: METADATA, prover }));
      expect(mismatch.code).toBe('KEY_SCHEME_MISMATCH');
      expect(prover).not.toHaveBeenCalled();
      expect(fake.calls).toEqual([]);
    });

    it('needs a channel to bind the challenge to', async () => {
      const meter = generateSoftwareSigner('ed25519');
      const noChannel = new AuthorityClient(new ContractClient(fake));
      const err = await rejection(
        noChannel.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey.spkiPem, metadata: METADATA, prover: recordingProver(meter).prover }),
      );
      expect(err.code).toBe('INVALID_ARGUMENT');
      // ... which can also be given per call
      fake.on('registerMeter', () => meterRecord());
      const { prover, challenges } = recordingProver(meter);
      await noChannel.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey.spkiPem, metadata: METADATA, prover, channel: 'otherchannel' });
      expect(JSON.parse(Buffer.from(challenges[0]).toString('utf8')).channel).toBe('otherchannel');
    });
  });

  describe('approveWithPossession', () => {
    it('reads the pending key from the ledger and proves possession of it with a new nonce', async () => {
      const oldKey = generateSoftwareSigner('ecdsa-p256-sha256');
      const newKey = generateSoftwareSigner('ecdsa-secp256k1-sha256');
      const stored = meterRecord({ status: 'active', activeKeyVersion: 1, keys: [keyRecord(oldKey, 1, 'active'), keyRecord(newKey, 2, 'pending')] });
      fake.on('getMeter', () => stored).on('approveMeter', () => stored);
      const { prover, challenges, signatures } = recordingProver(newKey);

      await client.approveWithPossession({ meterId: 'm-1', prover });

      expect(Buffer.from(challenges[0])).toEqual(
        Buffer.from(
          buildPossessionChallenge({ channel: CHANNEL, meterId: 'm-1', publicKey: newKey.publicKey.spkiPem, scheme: 'ecdsa-secp256k1-sha256', nonce: NONCES[0] }),
        ),
      );
      expect(fake.calls).toEqual([
        { fn: 'getMeter', args: ['m-1'], stage: 'evaluate' },
        {
          fn: 'approveMeter',
          args: [JSON.stringify({ meterId: 'm-1', keyVersion: 2, proof: { nonce: NONCES[0], signature: Buffer.from(signatures[0]).toString('base64') } })],
          stage: 'submit',
        },
      ]);
    });

    it('approves an explicit key version', async () => {
      const key = generateSoftwareSigner('ed25519');
      fake.on('getMeter', () => meterRecord({ keys: [keyRecord(key, 1, 'pending')] })).on('approveMeter', () => meterRecord());
      await client.approveWithPossession({ meterId: 'm-1', keyVersion: 1, prover: recordingProver(key, 'raw').prover });
      expect(fake.jsonArgs('approveMeter')).toEqual([{ meterId: 'm-1', keyVersion: 1, proof: expect.objectContaining({ nonce: NONCES[0], signatureEncoding: 'raw' }) }]);
    });

    it('says so when there is nothing to approve, without submitting', async () => {
      const key = generateSoftwareSigner('ed25519');
      fake.on('getMeter', () => meterRecord({ status: 'active', keys: [keyRecord(key, 1, 'active')] }));
      expect((await rejection(client.approveWithPossession({ meterId: 'm-1', prover: recordingProver(key).prover }))).code).toBe('NOTHING_TO_APPROVE');
      expect((await rejection(client.approveWithPossession({ meterId: 'm-1', keyVersion: 3, prover: recordingProver(key).prover }))).code).toBe('UNKNOWN_KEY_VERSION');
      expect(fake.calls.map((c) => c.fn)).toEqual(['getMeter', 'getMeter']);
    });
  });

  describe('rotateWithPossession', () => {
    it('proves possession of the new key and submits rotateKey', async () => {
      const next = generateSoftwareSigner('ecdsa-p256-sha256');
      const { prover, challenges, signatures } = recordingProver(next, 'raw');
      fake.on('rotateKey', () => meterRecord());
      await client.rotateWithPossession({ meterId: 'm-1', scheme: 'ecdsa-p256-sha256', publicKey: next.publicKey.spkiPem, prover });
      expect(Buffer.from(challenges[0])).toEqual(
        Buffer.from(buildPossessionChallenge({ channel: CHANNEL, meterId: 'm-1', publicKey: next.publicKey.spkiPem, scheme: 'ecdsa-p256-sha256', nonce: NONCES[0] })),
      );
      expect(fake.calls).toEqual([
        {
          fn: 'rotateKey',
          args: [
            JSON.stringify({
              meterId: 'm-1',
              scheme: 'ecdsa-p256-sha256',
              publicKey: next.publicKey.spkiPem,
              proof: { nonce: NONCES[0], signature: Buffer.from(signatures[0]).toString('base64'), signatureEncoding: 'raw' },
            }),
          ],
          stage: 'submit',
        },
      ]);
    });
  });

  describe('constructed from a connection', () => {
    it('uses the registry contract and the connection channel', async () => {
      const contractNames: (string | undefined)[] = [];
      const connection = {
        gateway: {},
        network: { getName: () => 'nmichannel' },
        chaincodeName: 'meterledger',
        mspId: 'PTBMSP',
        contract: (name?: string) => {
          contractNames.push(name);
          return new ContractClient(fake);
        },
        close: () => undefined,
      } as unknown as MeterledgerConnection;
      const fromConnection = new AuthorityClient(connection, { newNonce: () => NONCES[2] });
      expect(contractNames).toEqual([REGISTRY_CONTRACT]);

      const meter = generateSoftwareSigner('ed25519');
      const { prover, challenges } = recordingProver(meter);
      fake.on('registerMeter', () => meterRecord());
      await fromConnection.registerWithPossession({ meterId: 'm-1', scheme: 'ed25519', publicKey: meter.publicKey.spkiPem, metadata: METADATA, prover });
      expect(JSON.parse(Buffer.from(challenges[0]).toString('utf8'))).toMatchObject({ channel: 'nmichannel', meterId: 'm-1', nonce: NONCES[2] });
    });
  });
});
