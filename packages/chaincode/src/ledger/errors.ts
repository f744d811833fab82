import { errorCodeForCryptoError, escapeControlCharacters, type ChaincodeErrorCode, type CryptoSubject } from '@meterledger/contract-api';
import { CryptoError } from '@meterledger/crypto';

export { ERROR_CODES, CHAINCODE_ERROR_CODES, type ChaincodeErrorCode, type ErrorCode } from '@meterledger/contract-api';

/**
 * The only error the chaincode throws on purpose. Its message is `CODE: explanation`, the only part of an
 * error that reaches the client. Control characters in the explanation (echoed input) are escaped:
 * fabric-shim logs the message of every rejected transaction verbatim, so a newline would forge log lines.
 */
export class ChaincodeError extends Error {
  readonly code: ChaincodeErrorCode;

  constructor(code: ChaincodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${escapeControlCharacters(message)}`, options);
    this.name = 'ChaincodeError';
    this.code = code;
  }
}

/** A @meterledger/crypto error as a ChaincodeError with the shared code mapping; anything else unchanged. */
export function fromCryptoError(err: unknown, subject: CryptoSubject): unknown {
  if (!(err instanceof CryptoError)) return err;
  return new ChaincodeError(errorCodeForCryptoError(err, subject), err.message, { cause: err });
}
