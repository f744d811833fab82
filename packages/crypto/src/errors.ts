/**
 * Machine-readable failure reasons. Callers (chaincode, SDKs) branch on `code`, never on `message`,
 * so messages can improve without breaking anyone.
 */
export type CryptoErrorCode =
  | 'UNKNOWN_SCHEME'
  | 'MALFORMED_KEY'
  | 'KEY_SCHEME_MISMATCH'
  | 'MALFORMED_SIGNATURE'
  | 'UNKNOWN_SIGNATURE_ENCODING'
  | 'MALFORMED_ENCODING'
  | 'MALFORMED_READING'
  | 'MALFORMED_TICKET'
  | 'MALFORMED_TIME'
  | 'UNKNOWN_FORMAT';

/** The only error type this package throws on bad input. The message does not repeat the code. */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}
