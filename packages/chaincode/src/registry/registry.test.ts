import { generateSoftwareSigner, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { MemoryLedger } from '../testing/memory-ledger';
import { callers, metadata, possessionProof, registration } from '../testing/fixtures';
import * as registry from '.';
import { parseRequest } from './requests';

let ledger: MemoryLedger;

/** Call a registry function the way the contract does: JSON in, one transaction. */
function call<K extends 'configure' | 'registerMeter' | 'approveMeter' | 'rotateKey' | 'revokeMeter'>(
  kind: K,
  caller: Caller,
  request: unknown,
  at?: string,
) {
  const fns = {
    configure: registry.configure,
    registerMeter: registry.registerMeter,
    approveMeter: registry.approveMeter,
    rotateKey: registry.rotateKey,
    revokeMeter: registry.revokeMeter,
  } as const;
  return ledger.transact(
    (state, tx) => (fns[kind] as (...a: unknown[]) => Promise<unknown>)(state, caller, tx, parseRequest(kind, JSON.stringify(request))),
    at,
  ) as Promise<K extends 'configure' ? registry.RegistryConfig : registry.MeterRecord>;
}

function verify(request: object, at?: string) {
  return ledger.transact((state, tx) => registry.verify(state, tx, parseRequest('verify', JSON.stringify(request))), at);
}

function getMeter(meterId: string) {
  return ledger.transact((state) => registry.requireMeter(state, meterId));
}

/** Assert that a call is rejected with `code` and that the committed state did not change. */
async function expectRejected(promise: () => Promise<unknown>, code: string): Promise<void> {
  const before = ledger.snapshot();
  const err = await promise().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChaincodeError);
  expect((err as ChaincodeError).code).toBe(code);
  expect((err as Error).message.startsWith(`${code}: `)).toBe(true);
  expect(ledger.snapshot()).toEqual(before);
}

async function configure(threshold = 2): Promise<void> {
  await call('configure', callers.ptbAdmin, { approvalThreshold: threshold, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
}

async function registerActive(signer: SoftwareSigner, meterId: string): Promise<registry.MeterRecord> {
  await call('registerMeter', callers.ptbRegistrar, registration(signer, meterId));
  return call('approveMeter', callers.inmetroRegistrar, { meterId, keyVersion: 1, proof: possessionProof(signer, meterId) });
}

function sign(signer: SoftwareSigner, message: string, encoding?: 'der' | 'raw'): string {
  return Buffer.from(signer.sign(message, encoding)).toString('base64');
}

beforeEach(() => {
  ledger = new MemoryLedger();
});

describe('configure', () => {
  it('bootstraps with an admin of a named authority and sorts the authorities', async () => {
    const config = await call('configure', callers.inmetroAdmin, { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    expect(config).toMatchObject({ approvalThreshold: 2, authorityMspIds: ['InmetroMSP', 'PTBMSP'], updatedBy: { mspId: 'InmetroMSP' } });
  });

  it('rejects callers without the admin role, outsiders, and impossible thresholds', async () => {
    const body = { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] };
    await expectRejected(() => call('configure', callers.ptbRegistrar, body), 'UNAUTHORIZED');
    await expectRejected(() => call('configure', { ...callers.ptbAdmin, mspId: 'OperatorMSP' }, body), 'UNAUTHORIZED');
    await expectRejected(() => call('configure', callers.ptbAdmin, { ...body, approvalThreshold: 3 }), 'INVALID_ARGUMENT');
    await expectRejected(() => call('configure', callers.ptbAdmin, { ...body, extra: 1 }), 'INVALID_ARGUMENT');
  });

  it('is required before registration', async () => {
    await expectRejected(() => call('registerMeter', callers.ptbRegistrar, registration(generateSoftwareSigner('ed25519'), 'm-1')), 'NOT_CONFIGURED');
  });
});

describe('registration and multi-authority approval', () => {
  beforeEach(() => configure(2));

  it('keeps a key pending until a second authority proves possession, then activates it', async () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const pending = await call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    expect(pending).toMatchObject({ status: 'pending', activeKeyVersion: null, keys: [{ version: 1, status: 'pending', validFrom: null }] });
    expect(pending.keys[0].publicKey).toBe(signer.publicKey.spkiPem);

    const message = '2026-01-01T00:00:00Z,1.000';
    expect(await verify({ meterId: 'm-1', message, signature: sign(signer, message) })).toMatchObject({ valid: false, reason: 'NO_KEY_VALID_AT_TIME' });

    const active = await call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1') });
    expect(active.status).toBe('active');
    expect(active.activeKeyVersion).toBe(1);
    expect(active.keys[0].approvals.map((a) => a.mspId)).toEqual(['PTBMSP', 'InmetroMSP']);
    expect(active.keys[0].validFrom).toBe(active.updatedAt);

    expect(await verify({ meterId: 'm-1', message, signature: sign(signer, message) })).toMatchObject({ valid: true, keyVersion: 1 });
  });

  it('activates at once when the threshold is one', async () => {
    await call('configure', callers.ptbAdmin, { approvalThreshold: 1, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    const meter = await call('registerMeter', callers.ptbRegistrar, registration(generateSoftwareSigner('ed25519'), 'm-1'));
    expect(meter.status).toBe('active');
  });

  it('does not let one org approve twice or reuse a nonce', async () => {
    const signer = generateSoftwareSigner('ed25519');
    const request = registration(signer, 'm-1');
    await call('registerMeter', callers.ptbRegistrar, request);
    await expectRejected(
      () => call('approveMeter', { ...callers.ptbRegistrar, id: 'x509::/CN=other' }, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1') }),
      'ALREADY_APPROVED',
    );
    await expectRejected(
      () => call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1', request.proof.nonce) }),
      'NONCE_REUSED',
    );
  });

  it('rejects a proof of possession made by another key or for another meter', async () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const impostor = generateSoftwareSigner('ecdsa-p256-sha256');
    await expectRejected(
      () => call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), proof: possessionProof(impostor, 'm-1') }),
      'BAD_PROOF_OF_POSSESSION',
    );
    await expectRejected(
      () => call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), proof: possessionProof(signer, 'm-2') }),
      'BAD_PROOF_OF_POSSESSION',
    );
    await call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    await expectRejected(
      () => call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(impostor, 'm-1') }),
      'BAD_PROOF_OF_POSSESSION',
    );
  });

  it('rejects duplicates, bad keys, unknown schemes and mismatched curves without writing', async () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    await call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    await expectRejected(() => call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1')), 'DUPLICATE_METER');
    await expectRejected(() => call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-2')), 'DUPLICATE_KEY');
    await expectRejected(
      () => call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-3'), publicKey: '04deadbeef' }),
      'MALFORMED_KEY',
    );
    await expectRejected(
      () => call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-3'), scheme: 'rsa-pss-sha256' }),
      'UNKNOWN_SCHEME',
    );
    const k1 = generateSoftwareSigner('ecdsa-secp256k1-sha256');
    await expectRejected(
      () => call('registerMeter', callers.ptbRegistrar, { ...registration(k1, 'm-3'), scheme: 'ecdsa-p256-sha256' }),
      'KEY_SCHEME_MISMATCH',
    );
    await expectRejected(
      () => call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-3'), proof: { nonce: 'nonce-aaaaaaaaaaaa', signature: '%%%' } }),
      'MALFORMED_SIGNATURE',
    );
    await expectRejected(() => call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'bad id!') }), 'INVALID_ARGUMENT');
    await expectRejected(
      () => call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-3'), metadata: { ...metadata, model: '' } }),
      'INVALID_ARGUMENT',
    );
  });

  it('enforces ABAC: role attribute and authority org', async () => {
    const signer = generateSoftwareSigner('ed25519');
    await expectRejected(() => call('registerMeter', callers.ptbNoRole, registration(signer, 'm-1')), 'UNAUTHORIZED');
    await expectRejected(() => call('registerMeter', callers.ptbAdmin, registration(signer, 'm-1')), 'UNAUTHORIZED');
    await expectRejected(() => call('registerMeter', callers.outsiderRegistrar, registration(signer, 'm-1')), 'UNAUTHORIZED');
    await call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    await expectRejected(
      () => call('approveMeter', callers.outsiderRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1') }),
      'UNAUTHORIZED',
    );
    await expectRejected(() => call('revokeMeter', callers.verifier, { meterId: 'm-1', reason: 'other' }), 'UNAUTHORIZED');
  });

  it.each<[SignatureScheme, 'der' | 'raw' | undefined]>([
    ['ecdsa-p256-sha256', 'der'],
    ['ecdsa-p256-sha256', 'raw'],
    ['ecdsa-secp256k1-sha256', 'der'],
    ['ecdsa-secp256k1-sha256', 'raw'],
    ['ed25519', undefined],
  ])('registers and verifies %s signatures (%s)', async (scheme, encoding) => {
    const signer = generateSoftwareSigner(scheme);
    await call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), proof: possessionProof(signer, 'm-1', undefined, encoding) });
    await call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1', undefined, encoding) });
    const message = Buffer.from([0, 1, 2, 250, 255]);
    const signature = Buffer.from(signer.sign(message, encoding)).toString('base64');
    const request = { meterId: 'm-1', message: message.toString('base64'), messageEncoding: 'base64', signature, ...(encoding ? { signatureEncoding: encoding } : {}) };
    expect(await verify(request)).toMatchObject({ valid: true, keyVersion: 1 });
    expect(await verify({ ...request, message: Buffer.from([0, 1, 2]).toString('hex'), messageEncoding: 'hex' })).toMatchObject({
      valid: false,
      reason: 'SIGNATURE_MISMATCH',
    });
  });
});

describe('verification', () => {
  let signer: SoftwareSigner;
  beforeEach(async () => {
    await configure(2);
    signer = generateSoftwareSigner('ecdsa-p256-sha256');
    await registerActive(signer, 'm-1');
  });

  it('gives false for a well-formed wrong signature and errors for malformed input or unknown meters', async () => {
    const other = generateSoftwareSigner('ecdsa-p256-sha256');
    expect(await verify({ meterId: 'm-1', message: 'x', signature: sign(other, 'x') })).toMatchObject({ valid: false, keyVersion: 1, reason: 'SIGNATURE_MISMATCH' });
    await expectRejected(() => verify({ meterId: 'm-1', message: 'x', signature: 'AAEC' }), 'MALFORMED_SIGNATURE');
    await expectRejected(() => verify({ meterId: 'm-1', message: 'x', signature: sign(signer, 'x'), signatureEncoding: 'raw' }), 'MALFORMED_SIGNATURE');
    await expectRejected(() => verify({ meterId: 'nope', message: 'x', signature: sign(signer, 'x') }), 'UNKNOWN_METER');
    await expectRejected(() => verify({ meterId: 'm-1', message: '***', messageEncoding: 'base64', signature: sign(signer, 'x') }), 'INVALID_ARGUMENT');
    await expectRejected(() => verify({ meterId: 'm-1', message: 'x', signature: sign(signer, 'x'), at: 'yesterday' }), 'INVALID_ARGUMENT');
  });

  it('records every verification as a paginated audit trail in time order', async () => {
    const results = [];
    for (const message of ['a', 'b', 'c']) {
      results.push(
        await ledger.transact((state, tx) =>
          registry.verifyAndRecord(state, callers.verifier, tx, parseRequest('verify', JSON.stringify({ meterId: 'm-1', message, signature: sign(signer, 'a') }))),
        ),
      );
    }
    expect(results.map((r) => r.valid)).toEqual([true, false, false]);
    expect(results[0]).toMatchObject({ verifier: { mspId: 'InmetroMSP' }, keyVersion: 1, txId: expect.stringMatching(/^tx/) });
    expect(results[0].messageHash).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');

    const list = (bookmark: string) =>
      ledger.transact((state) => registry.listVerifications(state, parseRequest('listVerifications', JSON.stringify({ meterId: 'm-1', pageSize: 2, bookmark }))));
    const first = await list('');
    expect(first.items.map((r) => r.txId)).toEqual([results[0].txId, results[1].txId]);
    const second = await list(first.bookmark);
    expect(second.items.map((r) => r.txId)).toEqual([results[2].txId]);
    expect(second.bookmark).toBe('');
  });
});

describe('key lifecycle', () => {
  let v1: SoftwareSigner;
  beforeEach(async () => {
    await configure(2);
    v1 = generateSoftwareSigner('ecdsa-p256-sha256');
    await registerActive(v1, 'm-1');
  });

  it('rotates: the old key stays valid for its own window, the new one after activation', async () => {
    const v2 = generateSoftwareSigner('ed25519');
    const rotating = await call('rotateKey', callers.inmetroRegistrar, { meterId: 'm-1', scheme: 'ed25519', publicKey: v2.publicKey.spkiPem, proof: possessionProof(v2, 'm-1') });
    expect(rotating.keys.map((k) => k.status)).toEqual(['active', 'pending']);
    await expectRejected(
      () => call('rotateKey', callers.ptbRegistrar, { meterId: 'm-1', scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey.spkiPem, proof: possessionProof(v2, 'm-1') }),
      'ROTATION_PENDING',
    );
    const rotated = await call('approveMeter', callers.ptbRegistrar, { meterId: 'm-1', keyVersion: 2, proof: possessionProof(v2, 'm-1') });
    expect(rotated.activeKeyVersion).toBe(2);
    const [old, current] = rotated.keys;
    expect(old).toMatchObject({ status: 'retired', validTo: current.validFrom });

    const during = old.validFrom as string;
    expect(await verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r'), at: during })).toMatchObject({ valid: true, keyVersion: 1 });
    // Now the Ed25519 key is the valid one: a DER ECDSA signature is malformed for it.
    await expectRejected(() => verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r') }), 'MALFORMED_SIGNATURE');
    expect(await verify({ meterId: 'm-1', message: 'r', signature: Buffer.from(generateSoftwareSigner('ed25519').sign('r')).toString('base64') })).toMatchObject({
      valid: false,
      keyVersion: 2,
      reason: 'SIGNATURE_MISMATCH',
    });
    expect(await verify({ meterId: 'm-1', message: 'r', signature: sign(v2, 'r') })).toMatchObject({ valid: true, keyVersion: 2 });

    const history = await ledger.transact((state) => registry.requireMeter(state, 'm-1'));
    expect(history.keys.map((k) => [k.version, k.scheme, k.status])).toEqual([
      [1, 'ecdsa-p256-sha256', 'retired'],
      [2, 'ed25519', 'active'],
    ]);
  });

  it('revokes with a backdated effective time: earlier signatures verify, later ones do not', async () => {
    const activatedAt = (await getMeter('m-1')).keys[0].validFrom as string;
    const effectiveAt = new Date(Date.parse(activatedAt) + 500).toISOString();
    const revoked = await call('revokeMeter', callers.inmetroRegistrar, { meterId: 'm-1', reason: 'keyCompromise', effectiveAt, comment: 'tamper seal broken' });
    expect(revoked).toMatchObject({ status: 'revoked', activeKeyVersion: null, revocation: { reason: 'keyCompromise', effectiveAt, by: { mspId: 'InmetroMSP' } } });
    expect(revoked.keys[0]).toMatchObject({ status: 'revoked', validTo: effectiveAt });

    expect(await verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r'), at: activatedAt })).toMatchObject({ valid: true, keyVersion: 1 });
    expect(await verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r'), at: effectiveAt })).toMatchObject({ valid: false, reason: 'NO_KEY_VALID_AT_TIME' });

    await expectRejected(() => call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'other' }), 'METER_REVOKED');
    await expectRejected(
      () => call('rotateKey', callers.ptbRegistrar, { meterId: 'm-1', scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey.spkiPem, proof: possessionProof(v1, 'm-1') }),
      'METER_REVOKED',
    );
  });

  it('rejects a revocation dated in the future and revocation of unknown meters', async () => {
    await expectRejected(() => call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'other', effectiveAt: '2999-01-01T00:00:00Z' }), 'INVALID_ARGUMENT');
    await expectRejected(() => call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-9', reason: 'other' }), 'UNKNOWN_METER');
  });

  it('normalizes effective times with offsets to UTC', async () => {
    const activatedAt = Date.parse((await getMeter('m-1')).keys[0].validFrom as string);
    const local = new Date(activatedAt + 3_600_000 + 200).toISOString().replace('Z', '+01:00');
    const revoked = await call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'decommissioned', effectiveAt: local });
    expect(revoked.revocation?.effectiveAt).toBe(new Date(activatedAt + 200).toISOString());
  });
});

describe('listing', () => {
  it('pages meters by status and manufacturer and keeps the indexes in step with status changes', async () => {
    await configure(2);
    const signers = Array.from({ length: 5 }, () => generateSoftwareSigner('ed25519'));
    for (const [i, s] of signers.entries()) await call('registerMeter', callers.ptbRegistrar, registration(s, `m-${i}`));
    await call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-3', keyVersion: 1, proof: possessionProof(signers[3], 'm-3') });

    const list = (query: object) => ledger.transact((state) => registry.listMeters(state, parseRequest('listMeters', JSON.stringify(query))));
    const pending1 = await list({ by: 'status', value: 'pending', pageSize: 3 });
    const pending2 = await list({ by: 'status', value: 'pending', pageSize: 3, bookmark: pending1.bookmark });
    expect([...pending1.items, ...pending2.items].map((m) => m.meterId)).toEqual(['m-0', 'm-1', 'm-2', 'm-4']);
    expect(pending2.bookmark).toBe('');
    expect((await list({ by: 'status', value: 'active' })).items.map((m) => m.meterId)).toEqual(['m-3']);
    expect((await list({ by: 'manufacturer', value: metadata.manufacturer })).fetchedCount).toBe(5);
    expect((await list({ by: 'manufacturer', value: 'Nobody' })).items).toEqual([]);
  });
});
