import { CryptoError, type CryptoErrorCode } from '@meterledger/crypto';
import { errorCodeForCryptoError } from './crypto-errors';

const err = (code: CryptoErrorCode) => new CryptoError(code, 'x');

describe('errorCodeForCryptoError', () => {
  it('keeps the codes meterledger shares with crypto', () => {
    for (const code of ['UNKNOWN_SCHEME', 'MALFORMED_KEY', 'KEY_SCHEME_MISMATCH', 'MALFORMED_SIGNATURE', 'UNKNOWN_SIGNATURE_ENCODING'] as const) {
      expect(errorCodeForCryptoError(err(code), 'key')).toBe(code);
    }
  });

  it('reads MALFORMED_ENCODING by what was being decoded', () => {
    expect(errorCodeForCryptoError(err('MALFORMED_ENCODING'), 'key')).toBe('MALFORMED_KEY');
    expect(errorCodeForCryptoError(err('MALFORMED_ENCODING'), 'signature')).toBe('MALFORMED_SIGNATURE');
    expect(errorCodeForCryptoError(err('MALFORMED_ENCODING'), 'message')).toBe('INVALID_ARGUMENT');
    expect(errorCodeForCryptoError(err('MALFORMED_ENCODING'), 'challenge')).toBe('INVALID_ARGUMENT');
  });

  it('maps input errors without a code of their own to INVALID_ARGUMENT', () => {
    for (const code of ['MALFORMED_READING', 'MALFORMED_TIME', 'UNKNOWN_FORMAT'] as const) expect(errorCodeForCryptoError(err(code), 'message')).toBe('INVALID_ARGUMENT');
  });
});
