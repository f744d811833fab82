import { generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import { callers, registration } from '../testing/fixtures';
import { RegistryDriver, sign } from '../testing/registry-driver';

let r: RegistryDriver;
let signer: SoftwareSigner;

beforeEach(async () => {
  r = new RegistryDriver();
  await r.init(2);
  signer = generateSoftwareSigner('ecdsa-p256-sha256');
  await r.registerActive(signer, 'm-1');
});

describe('verify', () => {
  it('gives false for a well-formed wrong signature and errors for malformed input or unknown meters', async () => {
    const other = generateSoftwareSigner('ecdsa-p256-sha256');
    expect(await r.verify({ meterId: 'm-1', message: 'x', signature: sign(other, 'x') })).toMatchObject({ valid: false, keyVersion: 1, reason: 'SIGNATURE_MISMATCH' });
    await r.expectRejected(() => r.verify({ meterId: 'm-1', message: 'x', signature: 'AAEC' }), 'MALFORMED_SIGNATURE');
    await r.expectRejected(() => r.verify({ meterId: 'm-1', message: 'x', signature: sign(signer, 'x'), signatureEncoding: 'raw' }), 'MALFORMED_SIGNATURE');
    await r.expectRejected(() => r.verify({ meterId: 'nope', message: 'x', signature: sign(signer, 'x') }), 'UNKNOWN_METER');
    await r.expectRejected(() => r.verify({ meterId: 'm-1', message: '***', messageEncoding: 'base64', signature: sign(signer, 'x') }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.verify({ meterId: 'm-1', message: 'zz', messageEncoding: 'hex', signature: sign(signer, 'x') }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.verify({ meterId: 'm-1', message: 'x', signature: sign(signer, 'x'), at: 'yesterday' }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.verify({ meterId: 'm-1', message: 'x', signature: sign(signer, 'x'), at: '2026-01-01T24:00:00Z' }), 'INVALID_ARGUMENT');
  });

  it('answers NO_KEY_VALID_AT_TIME for a meter without a valid key, whatever the signature (decision for 002 issue 6 §2)', async () => {
    await r.call('registerMeter', callers.ptbRegistrar, registration(generateSoftwareSigner('ed25519'), 'm-2'));
    // Pending: there is no key, hence no scheme to parse 'AAEC' against; the useful answer is that no key is valid.
    expect(await r.verify({ meterId: 'm-2', message: 'x', signature: 'AAEC' })).toEqual({
      meterId: 'm-2',
      valid: false,
      keyVersion: null,
      reason: 'NO_KEY_VALID_AT_TIME',
      at: expect.any(String),
    });
    // Before m-1's key was activated.
    expect(await r.verify({ meterId: 'm-1', message: 'x', signature: 'AAEC', at: '2000-01-01T00:00:00Z' })).toMatchObject({ valid: false, reason: 'NO_KEY_VALID_AT_TIME' });
  });
});

describe('verifyAndRecord', () => {
  it('records every verification as a paginated audit trail in time order', async () => {
    const results = [];
    for (const message of ['a', 'b', 'c']) results.push(await r.verifyAndRecord(callers.verifier, { meterId: 'm-1', message, signature: sign(signer, 'a') }));
    expect(results.map((x) => x.valid)).toEqual([true, false, false]);
    expect(results[0]).toMatchObject({ verifier: { mspId: 'InmetroMSP' }, keyVersion: 1, txId: expect.stringMatching(/^tx/) });
    expect(results[0].messageHash).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');

    const first = await r.listVerifications({ meterId: 'm-1', pageSize: 2 });
    expect(first.items.map((x) => x.txId)).toEqual([results[0].txId, results[1].txId]);
    const second = await r.listVerifications({ meterId: 'm-1', pageSize: 2, bookmark: first.bookmark });
    expect(second.items.map((x) => x.txId)).toEqual([results[2].txId]);
    expect(second.bookmark).toBe('');
  });

  it('is open to verifiers and registrars of any org, and to no one else', async () => {
    const request = { meterId: 'm-1', message: 'a', signature: sign(signer, 'a') };
    expect(await r.verifyAndRecord(callers.outsiderVerifier, request)).toMatchObject({ valid: true, verifier: { mspId: 'OperatorMSP' } });
    expect(await r.verifyAndRecord(callers.ptbRegistrar, request)).toMatchObject({ valid: true, verifier: { mspId: 'PTBMSP' } });
    await r.expectRejected(() => r.verifyAndRecord(callers.ptbNoRole, request), 'UNAUTHORIZED');
    await r.expectRejected(() => r.verifyAndRecord(callers.ptbAdmin, request), 'UNAUTHORIZED');
    await r.expectRejected(() => r.verifyAndRecord(callers.outsiderAdmin, request), 'UNAUTHORIZED');
  });

  it('lists nothing for unknown meters', async () => {
    await r.expectRejected(() => r.listVerifications({ meterId: 'm-9' }), 'UNKNOWN_METER');
  });
});
