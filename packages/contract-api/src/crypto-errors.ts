import type { CryptoError, CryptoErrorCode } from '@meterledger/crypto';
import type { ChaincodeErrorCode } from './error-codes';

/** What was being decoded when @meterledger/crypto failed; decides what MALFORMED_ENCODING means. */
export type CryptoSubject = 'key' | 'signature' | 'message' | 'challenge' | 'reading' | 'ticket';

/** Exhaustive: a new crypto code fails to compile until it is mapped here. */
const BY_CRYPTO_CODE: Record<CryptoErrorCode, ChaincodeErrorCode | ((subject: CryptoSubject) => ChaincodeErrorCode)> = {
  UNKNOWN_SCHEME: 'UNKNOWN_SCHEME',
  MALFORMED_KEY: 'MALFORMED_KEY',
  KEY_SCHEME_MISMATCH: 'KEY_SCHEME_MISMATCH',
  MALFORMED_SIGNATURE: 'MALFORMED_SIGNATURE',
  UNKNOWN_SIGNATURE_ENCODING: 'UNKNOWN_SIGNATURE_ENCODING',
  MALFORMED_ENCODING: (subject) => (subject === 'key' ? 'MALFORMED_KEY' : subject === 'signature' ? 'MALFORMED_SIGNATURE' : 'INVALID_ARGUMENT'),
  MALFORMED_READING: (subject) => (subject === 'reading' ? 'MALFORMED_READING' : 'INVALID_ARGUMENT'),
  MALFORMED_TICKET: (subject) => (subject === 'ticket' ? 'MALFORMED_TICKET' : 'INVALID_ARGUMENT'),
  MALFORMED_TIME: 'INVALID_ARGUMENT',
  UNKNOWN_FORMAT: 'INVALID_ARGUMENT',
};

/**
 * The one mapping from a @meterledger/crypto error to a meterledger error code, used by the chaincode
 * and by the SDKs' local checks alike, so the same bad input gets the same code wherever it is caught.
 */
export function errorCodeForCryptoError(err: CryptoError, subject: CryptoSubject): ChaincodeErrorCode {
  const mapped = BY_CRYPTO_CODE[err.code] ?? 'INVALID_ARGUMENT';
  return typeof mapped === 'function' ? mapped(subject) : mapped;
}
