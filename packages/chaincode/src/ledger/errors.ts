import type { ErrorCode } from '@meterledger/contract-api';

export { ERROR_CODES, type ErrorCode } from '@meterledger/contract-api';

export class ChaincodeError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = 'ChaincodeError';
    this.code = code;
  }
}
