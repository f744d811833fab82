import { SIGNATURE_SCHEMES } from '@meterledger/crypto';
import type { ChaincodeErrorCode } from './error-codes';
import { REQUEST_SCHEMAS, type Request, type RequestKind } from './requests';
import { escapeControlCharacters } from './text';

export type RequestValidation<K extends RequestKind> =
  | { success: true; data: Request<K> }
  | { success: false; code: Extract<ChaincodeErrorCode, 'INVALID_ARGUMENT' | 'UNKNOWN_SCHEME'>; message: string };

/**
 * Validate a request value against its schema. On failure: the stable code (UNKNOWN_SCHEME for a scheme
 * outside the three, INVALID_ARGUMENT otherwise) and a one-line message naming the first offending
 * field, e.g. `registerMeter: metadata.model: String must contain at least 1 character(s)`. Control
 * characters echoed from the input are escaped, so the message is safe to log.
 */
export function validateRequest<K extends RequestKind>(kind: K, value: unknown): RequestValidation<K> {
  const result = REQUEST_SCHEMAS[kind].safeParse(value);
  if (result.success) return { success: true, data: result.data as Request<K> };
  const issue = result.error.issues[0];
  if (issue.code === 'invalid_enum_value' && issue.path.length === 1 && issue.path[0] === 'scheme') {
    return {
      success: false,
      code: 'UNKNOWN_SCHEME',
      message: escapeControlCharacters(`${kind}: scheme ${JSON.stringify(String(issue.received))} is not one of ${SIGNATURE_SCHEMES.join(', ')}`),
    };
  }
  const where = issue.path.length > 0 ? issue.path.join('.') : kind;
  return { success: false, code: 'INVALID_ARGUMENT', message: escapeControlCharacters(`${kind}: ${where}: ${issue.message}`) };
}

/**
 * Validate a transaction argument as it arrives: JSON text, except for `meterId` (getMeter,
 * getKeyHistory), which is the plain string.
 */
export function validateRequestArgument<K extends RequestKind>(kind: K, raw: string): RequestValidation<K> {
  if (kind === 'meterId') return validateRequest(kind, raw);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { success: false, code: 'INVALID_ARGUMENT', message: `${kind}: argument is not valid JSON` };
  }
  return validateRequest(kind, value);
}
