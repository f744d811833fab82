import { validateRequest, validateRequestArgument } from './validate-request';

const proof = { nonce: 'nonce-000000000001', signature: 'MEUCIQ==' };
const metadata = { manufacturer: 'ACME', model: 'E350', serial: 'SN-1', typeApprovalRef: 'PTB-22.11-4711' };
const register = { meterId: 'm-1', scheme: 'ed25519', publicKey: 'ab'.repeat(32), metadata, proof };

function failure(kind: Parameters<typeof validateRequest>[0], value: unknown) {
  const result = validateRequest(kind, value);
  if (result.success) throw new Error(`expected ${kind} to fail`);
  return result;
}

describe('validateRequest', () => {
  it('fills defaults and normalizes times to UTC', () => {
    expect(validateRequest('listMeters', { by: 'status', value: 'active' })).toEqual({
      success: true,
      data: { by: 'status', value: 'active', pageSize: 100, bookmark: '' },
    });
    const verify = validateRequest('verify', { meterId: 'm-1', message: 'x', signature: 'AA==', at: '2026-01-01T01:00:00+01:00' });
    expect(verify).toMatchObject({ success: true, data: { messageEncoding: 'utf8', at: '2026-01-01T00:00:00.000Z' } });
    const revoke = validateRequest('revokeMeter', { meterId: 'm-1', reason: 'other', effectiveAt: '2024-02-29T12:00:00.123456Z' });
    expect(revoke).toMatchObject({ success: true, data: { effectiveAt: '2024-02-29T12:00:00.123Z' } });
  });

  it('rejects impossible times with the strict parser (no roll-over, no 24:00, upper-case T and Z)', () => {
    for (const at of ['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01t00:00:00Z', '2026-01-01T00:00:00', '2016-12-31T23:59:60Z']) {
      const result = failure('verify', { meterId: 'm-1', message: 'x', signature: 'AA==', at });
      expect(result.code).toBe('INVALID_ARGUMENT');
      expect(result.message).toMatch(/^verify: at: time "/);
    }
  });

  it('names the first offending field', () => {
    expect(failure('registerMeter', { ...register, metadata: { ...metadata, model: '' } })).toEqual({
      success: false,
      code: 'INVALID_ARGUMENT',
      message: 'registerMeter: metadata.model: String must contain at least 1 character(s)',
    });
    expect(failure('registerMeter', { ...register, extra: 1 }).message).toMatch(/Unrecognized key/);
    expect(failure('approveMeter', { meterId: 'bad id!', keyVersion: 1, proof }).message).toMatch(/^approveMeter: meterId: /);
  });

  it('answers an unknown scheme with UNKNOWN_SCHEME', () => {
    expect(failure('registerMeter', { ...register, scheme: 'rsa-pss-sha256' })).toEqual({
      success: false,
      code: 'UNKNOWN_SCHEME',
      message: 'registerMeter: scheme "rsa-pss-sha256" is not one of ecdsa-p256-sha256, ecdsa-secp256k1-sha256, ed25519',
    });
    expect(failure('rotateKey', { meterId: 'm-1', scheme: 5, publicKey: 'ab', proof }).code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['U+0000', '\u0000'],
    ['newline', '\n'],
    ['tab', '\t'],
    ['DEL', '\u007f'],
    ['C1 NEL', '\u0085'],
    ['line separator', '\u2028'],
    ['lone surrogate', '\ud800'],
  ])('rejects %s in free text and filter values', (_name, char) => {
    const inManufacturer = failure('registerMeter', { ...register, metadata: { ...metadata, manufacturer: `AC${char}ME` } });
    expect(inManufacturer.code).toBe('INVALID_ARGUMENT');
    expect(inManufacturer.message).toMatch(/^registerMeter: metadata\.manufacturer: must not contain control characters/);
    expect(inManufacturer.message).toContain('at index 2');
    expect(failure('revokeMeter', { meterId: 'm-1', reason: 'other', comment: `seal${char}broken` }).message).toMatch(/comment: must not contain/);
    expect(failure('listMeters', { by: 'manufacturer', value: `ACME${char}` }).message).toMatch(/value: must not contain/);
  });

  it('keeps other Unicode text', () => {
    expect(validateRequest('registerMeter', { ...register, metadata: { ...metadata, manufacturer: 'Zähler GmbH – 電表 🚀' } }).success).toBe(true);
  });

  it('escapes control characters the error message echoes', () => {
    const result = failure('listMeters', { by: 'owner\nFAKE LOG LINE', value: 'x' });
    expect(result.message).not.toMatch(/\n/);
    expect(result.message).toContain('\\u000a');
  });

  it('validates configuration proposals', () => {
    expect(validateRequest('proposeConfig', { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] }).success).toBe(true);
    expect(failure('initConfig', { approvalThreshold: 3, authorityMspIds: ['PTBMSP', 'InmetroMSP'] }).message).toMatch(/exceeds the number of authorities/);
    expect(failure('initConfig', { approvalThreshold: 1, authorityMspIds: ['PTBMSP', 'PTBMSP'] }).message).toMatch(/distinct/);
    expect(failure('approveConfig', { proposalId: '' }).code).toBe('INVALID_ARGUMENT');
  });

  it('accepts only opaque base64url bookmarks', () => {
    expect(validateRequest('listVerifications', { meterId: 'm-1', bookmark: 'bWV0ZXI' }).success).toBe(true);
    expect(failure('listVerifications', { meterId: 'm-1', bookmark: 'meter\u0000m-1' }).message).toMatch(/bookmark/);
  });
});

describe('validateRequestArgument', () => {
  it('parses JSON, except the plain meter id', () => {
    expect(validateRequestArgument('meterId', 'm-1')).toEqual({ success: true, data: 'm-1' });
    expect(validateRequestArgument('meterId', '"m-1"').success).toBe(false);
    expect(validateRequestArgument('approveConfig', '{"proposalId":"abc"}')).toEqual({ success: true, data: { proposalId: 'abc' } });
    expect(validateRequestArgument('approveConfig', '{nope')).toEqual({ success: false, code: 'INVALID_ARGUMENT', message: 'approveConfig: argument is not valid JSON' });
  });
});
