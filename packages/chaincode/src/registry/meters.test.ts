import { generateSoftwareSigner, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
import { callers, metadata, possessionProof, registration } from '../testing/fixtures';
import { RegistryDriver, sign } from '../testing/registry-driver';
import { meterKey } from '.';

let r: RegistryDriver;

beforeEach(() => {
  r = new RegistryDriver();
});

describe('registration and multi-authority approval', () => {
  beforeEach(() => r.init(2));

  it('keeps a key pending until a second authority proves possession, then activates it', async () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const pending = await r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    expect(pending).toMatchObject({ status: 'pending', activeKeyVersion: null, keys: [{ version: 1, status: 'pending', validFrom: null }] });
    expect(pending.keys[0].publicKey).toBe(signer.publicKey.spkiPem);

    const message = '2026-01-01T00:00:00Z,1.000';
    expect(await r.verify({ meterId: 'm-1', message, signature: sign(signer, message) })).toMatchObject({ valid: false, reason: 'NO_KEY_VALID_AT_TIME' });

    const active = await r.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1') });
    expect(active.status).toBe('active');
    expect(active.activeKeyVersion).toBe(1);
    expect(active.keys[0].approvals.map((a) => a.mspId)).toEqual(['PTBMSP', 'InmetroMSP']);
    expect(active.keys[0].validFrom).toBe(active.updatedAt);

    expect(await r.verify({ meterId: 'm-1', message, signature: sign(signer, message) })).toMatchObject({ valid: true, keyVersion: 1 });
  });

  it("gives each meter key a key-level endorsement policy naming the orgs that approved it", async () => {
    const signer = generateSoftwareSigner('ed25519');
    await r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    expect(r.ledger.endorsers(meterKey('m-1'))).toEqual(['PTBMSP']);
    await r.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1') });
    expect(r.ledger.endorsers(meterKey('m-1'))).toEqual(['InmetroMSP', 'PTBMSP']);

    // A change endorsed by only one of them (e.g. a peer running modified chaincode) is invalidated.
    const before = r.ledger.snapshot();
    const txn = r.ledger.begin();
    await txn.put(meterKey('m-1'), Buffer.from('{"forged":true}'));
    expect(r.ledger.commit(txn, ['PTBMSP'])).toBe('ENDORSEMENT_POLICY_FAILURE');
    expect(r.ledger.snapshot()).toEqual(before);
    const honest = r.ledger.begin();
    await honest.put(meterKey('m-1'), Buffer.from('{"forged":true}'));
    expect(r.ledger.commit(honest, ['PTBMSP', 'InmetroMSP'])).toBe('VALID');
  });

  it('activates at once when the threshold is one', async () => {
    const solo = new RegistryDriver();
    await solo.init(1);
    const meter = await solo.call('registerMeter', callers.ptbRegistrar, registration(generateSoftwareSigner('ed25519'), 'm-1'));
    expect(meter.status).toBe('active');
  });

  it('does not let one org approve twice or reuse a nonce', async () => {
    const signer = generateSoftwareSigner('ed25519');
    const request = registration(signer, 'm-1');
    await r.call('registerMeter', callers.ptbRegistrar, request);
    await r.expectRejected(
      () => r.call('approveMeter', { ...callers.ptbRegistrar, id: 'x509::/CN=other' }, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1') }),
      'ALREADY_APPROVED',
    );
    await r.expectRejected(
      () => r.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1', request.proof.nonce) }),
      'NONCE_REUSED',
    );
  });

  it('rejects a proof of possession made by another key or for another meter', async () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const impostor = generateSoftwareSigner('ecdsa-p256-sha256');
    await r.expectRejected(
      () => r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), proof: possessionProof(impostor, 'm-1') }),
      'BAD_PROOF_OF_POSSESSION',
    );
    await r.expectRejected(
      () => r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), proof: possessionProof(signer, 'm-2') }),
      'BAD_PROOF_OF_POSSESSION',
    );
    await r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    await r.expectRejected(
      () => r.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(impostor, 'm-1') }),
      'BAD_PROOF_OF_POSSESSION',
    );
  });

  it('says the state problem before checking any signature', async () => {
    const signer = generateSoftwareSigner('ed25519');
    const impostor = generateSoftwareSigner('ed25519');
    await r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    // A forged proof for an existing meter id or an already claimed key: the duplicate, not the proof.
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), proof: possessionProof(impostor, 'm-1') }), 'DUPLICATE_METER');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-2'), proof: possessionProof(impostor, 'm-2') }), 'DUPLICATE_KEY');
    await r.expectRejected(() => r.call('approveMeter', callers.ptbRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(impostor, 'm-1') }), 'ALREADY_APPROVED');
    await r.expectRejected(() => r.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 2, proof: possessionProof(impostor, 'm-1') }), 'UNKNOWN_KEY_VERSION');
    await r.expectRejected(() => r.call('registerMeter', callers.verifier, { ...registration(signer, 'm-3'), proof: possessionProof(impostor, 'm-3') }), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('rotateKey', callers.ptbRegistrar, { meterId: 'm-1', scheme: 'ed25519', publicKey: impostor.publicKey.spkiPem, proof: possessionProof(signer, 'm-1') }), 'ROTATION_PENDING');
  });

  it('rejects duplicates, bad keys, unknown schemes and mismatched curves without writing', async () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    await r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1')), 'DUPLICATE_METER');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-2')), 'DUPLICATE_KEY');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-3'), publicKey: '04deadbeef' }), 'MALFORMED_KEY');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-3'), scheme: 'rsa-pss-sha256' }), 'UNKNOWN_SCHEME');
    const k1 = generateSoftwareSigner('ecdsa-secp256k1-sha256');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, { ...registration(k1, 'm-3'), scheme: 'ecdsa-p256-sha256' }), 'KEY_SCHEME_MISMATCH');
    const fresh = generateSoftwareSigner('ecdsa-p256-sha256');
    await r.expectRejected(
      () => r.call('registerMeter', callers.ptbRegistrar, { ...registration(fresh, 'm-3'), proof: { nonce: 'nonce-aaaaaaaaaaaa', signature: '%%%' } }),
      'MALFORMED_SIGNATURE',
    );
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, { ...registration(fresh, 'bad id!') }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, { ...registration(fresh, 'm-3'), metadata: { ...metadata, model: '' } }), 'INVALID_ARGUMENT');
  });

  it.each(['\u0000', '\n', '\u007f', '\u009b', '\u2028'])('rejects control character %j in metadata and comments', async (char) => {
    const signer = generateSoftwareSigner('ed25519');
    const err = await r.expectRejected(
      () => r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), metadata: { ...metadata, manufacturer: `ACME${char}m-0` } }),
      'INVALID_ARGUMENT',
    );
    expect(err.message).toMatch(/metadata\.manufacturer: must not contain control characters/);
    await r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    await r.expectRejected(() => r.call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'other', comment: `a${char}b` }), 'INVALID_ARGUMENT');
  });

  it('enforces ABAC: role attribute and authority org', async () => {
    const signer = generateSoftwareSigner('ed25519');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbNoRole, registration(signer, 'm-1')), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('registerMeter', callers.ptbAdmin, registration(signer, 'm-1')), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('registerMeter', callers.outsiderRegistrar, registration(signer, 'm-1')), 'UNAUTHORIZED');
    await r.call('registerMeter', callers.ptbRegistrar, registration(signer, 'm-1'));
    await r.expectRejected(
      () => r.call('approveMeter', callers.outsiderRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1') }),
      'UNAUTHORIZED',
    );
    await r.expectRejected(() => r.call('revokeMeter', callers.verifier, { meterId: 'm-1', reason: 'other' }), 'UNAUTHORIZED');
  });

  it.each<[SignatureScheme, 'der' | 'raw' | undefined]>([
    ['ecdsa-p256-sha256', 'der'],
    ['ecdsa-p256-sha256', 'raw'],
    ['ecdsa-secp256k1-sha256', 'der'],
    ['ecdsa-secp256k1-sha256', 'raw'],
    ['ed25519', undefined],
  ])('registers and verifies %s signatures (%s)', async (scheme, encoding) => {
    const signer = generateSoftwareSigner(scheme);
    await r.call('registerMeter', callers.ptbRegistrar, { ...registration(signer, 'm-1'), proof: possessionProof(signer, 'm-1', undefined, encoding) });
    await r.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-1', keyVersion: 1, proof: possessionProof(signer, 'm-1', undefined, encoding) });
    const message = Buffer.from([0, 1, 2, 250, 255]);
    const signature = sign(signer, message, encoding);
    const request = { meterId: 'm-1', message: message.toString('base64'), messageEncoding: 'base64', signature, ...(encoding ? { signatureEncoding: encoding } : {}) };
    expect(await r.verify(request)).toMatchObject({ valid: true, keyVersion: 1 });
    expect(await r.verify({ ...request, message: Buffer.from([0, 1, 2]).toString('hex'), messageEncoding: 'hex' })).toMatchObject({
      valid: false,
      reason: 'SIGNATURE_MISMATCH',
    });
  });
});

describe('rotation and revocation', () => {
  let v1: SoftwareSigner;
  beforeEach(async () => {
    await r.init(2);
    v1 = generateSoftwareSigner('ecdsa-p256-sha256');
    await r.registerActive(v1, 'm-1');
  });

  it('rotates: the old key stays valid for its own window, the new one after activation', async () => {
    const v2 = generateSoftwareSigner('ed25519');
    const rotating = await r.call('rotateKey', callers.inmetroRegistrar, { meterId: 'm-1', scheme: 'ed25519', publicKey: v2.publicKey.spkiPem, proof: possessionProof(v2, 'm-1') });
    expect(rotating.keys.map((k) => k.status)).toEqual(['active', 'pending']);
    await r.expectRejected(
      () => r.call('rotateKey', callers.ptbRegistrar, { meterId: 'm-1', scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey.spkiPem, proof: possessionProof(v2, 'm-1') }),
      'ROTATION_PENDING',
    );
    const rotated = await r.call('approveMeter', callers.ptbRegistrar, { meterId: 'm-1', keyVersion: 2, proof: possessionProof(v2, 'm-1') });
    expect(rotated.activeKeyVersion).toBe(2);
    const [old, current] = rotated.keys;
    expect(old).toMatchObject({ status: 'retired', validTo: current.validFrom });
    const during = old.validFrom as string;
    expect(await r.verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r'), at: during })).toMatchObject({ valid: true, keyVersion: 1 });
    // Now the Ed25519 key is the valid one: a DER ECDSA signature is malformed for it.
    await r.expectRejected(() => r.verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r') }), 'MALFORMED_SIGNATURE');
    expect(await r.verify({ meterId: 'm-1', message: 'r', signature: sign(generateSoftwareSigner('ed25519'), 'r') })).toMatchObject({
      valid: false,
      keyVersion: 2,
      reason: 'SIGNATURE_MISMATCH',
    });
    expect(await r.verify({ meterId: 'm-1', message: 'r', signature: sign(v2, 'r') })).toMatchObject({ valid: true, keyVersion: 2 });
    const history = await r.getMeter('m-1');
    expect(history.keys.map((k) => [k.version, k.scheme, k.status])).toEqual([
      [1, 'ecdsa-p256-sha256', 'retired'],
      [2, 'ed25519', 'active'],
    ]);
  });

  it('revokes with a backdated effective time: earlier signatures verify, later ones answer METER_REVOKED', async () => {
    const activatedAt = (await r.getMeter('m-1')).keys[0].validFrom as string;
    const effectiveAt = new Date(Date.parse(activatedAt) + 500).toISOString();
    const revoked = await r.call('revokeMeter', callers.inmetroRegistrar, { meterId: 'm-1', reason: 'keyCompromise', effectiveAt, comment: 'tamper seal broken' });
    expect(revoked).toMatchObject({ status: 'revoked', activeKeyVersion: null, revocation: { reason: 'keyCompromise', effectiveAt, by: { mspId: 'InmetroMSP' } } });
    expect(revoked.keys[0]).toMatchObject({ status: 'revoked', validTo: effectiveAt });
    expect(await r.verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r'), at: activatedAt })).toMatchObject({ valid: true, keyVersion: 1 });
    expect(await r.verify({ meterId: 'm-1', message: 'r', signature: sign(v1, 'r'), at: effectiveAt })).toMatchObject({ valid: false, keyVersion: null, reason: 'METER_REVOKED' });
    // After revocation the signature is not even parsed: the revocation is the useful answer.
    expect(await r.verify({ meterId: 'm-1', message: 'r', signature: 'AAEC' })).toMatchObject({ valid: false, reason: 'METER_REVOKED' });
    await r.expectRejected(() => r.call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'other' }), 'METER_REVOKED');
    // A rotation of a revoked meter says METER_REVOKED, even with a proof for another key (was BAD_PROOF_OF_POSSESSION).
    await r.expectRejected(
      () => r.call('rotateKey', callers.ptbRegistrar, { meterId: 'm-1', scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey.spkiPem, proof: possessionProof(v1, 'm-1') }),
      'METER_REVOKED',
    );
    // The revoked record stays protected by the orgs that approved its keys.
    expect(r.ledger.endorsers(meterKey('m-1'))).toEqual(['InmetroMSP', 'PTBMSP']);
  });

  it('rejects a revocation dated in the future and revocation of unknown meters', async () => {
    await r.expectRejected(() => r.call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'other', effectiveAt: '2999-01-01T00:00:00Z' }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-9', reason: 'other' }), 'UNKNOWN_METER');
    await r.expectRejected(() => r.call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'other', effectiveAt: '2026-02-30T00:00:00Z' }), 'INVALID_ARGUMENT');
  });

  it('normalizes effective times with offsets to UTC', async () => {
    const activatedAt = Date.parse((await r.getMeter('m-1')).keys[0].validFrom as string);
    const local = new Date(activatedAt + 3_600_000 + 200).toISOString().replace('Z', '+01:00');
    const revoked = await r.call('revokeMeter', callers.ptbRegistrar, { meterId: 'm-1', reason: 'decommissioned', effectiveAt: local });
    expect(revoked.revocation?.effectiveAt).toBe(new Date(activatedAt + 200).toISOString());
  });
});

describe('listing', () => {
  it('pages meters by status and manufacturer and keeps the indexes in step with status changes', async () => {
    await r.init(2);
    const signers = Array.from({ length: 5 }, () => generateSoftwareSigner('ed25519'));
    for (const [i, s] of signers.entries()) await r.call('registerMeter', callers.ptbRegistrar, registration(s, `m-${i}`));
    await r.call('approveMeter', callers.inmetroRegistrar, { meterId: 'm-3', keyVersion: 1, proof: possessionProof(signers[3], 'm-3') });
    const pending1 = await r.listMeters({ by: 'status', value: 'pending', pageSize: 3 });
    expect(pending1.bookmark).toMatch(/^[A-Za-z0-9_-]+$/);
    const pending2 = await r.listMeters({ by: 'status', value: 'pending', pageSize: 3, bookmark: pending1.bookmark });
    expect([...pending1.items, ...pending2.items].map((m) => m.meterId)).toEqual(['m-0', 'm-1', 'm-2', 'm-4']);
    expect(pending2.bookmark).toBe('');
    expect((await r.listMeters({ by: 'status', value: 'active' })).items.map((m) => m.meterId)).toEqual(['m-3']);
    expect((await r.listMeters({ by: 'manufacturer', value: metadata.manufacturer })).fetchedCount).toBe(5);
    expect((await r.listMeters({ by: 'manufacturer', value: 'Nobody' })).items).toEqual([]);
    // A bookmark of another query is refused rather than followed.
    await r.expectRejected(() => r.listMeters({ by: 'status', value: 'active', bookmark: pending1.bookmark }), 'INVALID_ARGUMENT');
  });

  it('cannot be steered by U+0000 in a filter value to select a single meter', async () => {
    await r.init(2);
    await r.call('registerMeter', callers.ptbRegistrar, registration(generateSoftwareSigner('ed25519'), 'm-1'));
    await r.expectRejected(() => r.listMeters({ by: 'manufacturer', value: `${metadata.manufacturer}\u0000m-1` }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.listMeters({ by: 'status', value: 'pending\u0000m-1' }), 'INVALID_ARGUMENT');
  });
});
