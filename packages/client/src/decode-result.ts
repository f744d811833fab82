import { MeterledgerError } from './errors';

export interface DecodeContext {
  /** The transaction function whose result this is, for the message. */
  fn?: string;
  transactionId?: string;
}

/**
 * Decode a chaincode result: an empty payload is `undefined`; anything else must be UTF-8 JSON (the
 * meterledger chaincode returns canonical JSON for every transaction). A payload that is not is thrown as
 * MALFORMED_RESPONSE, never handed on as raw text the caller would mistake for a typed result.
 */
export function decodeResult<T>(bytes: Uint8Array, context: DecodeContext = {}): T {
  if (bytes.length === 0) return undefined as T;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    const what = context.fn ? `the result of ${context.fn}` : 'the chaincode result';
    const preview = JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
    throw new MeterledgerError({
      code: 'MALFORMED_RESPONSE',
      message: `${what} is not JSON: ${preview}`,
      ...(context.transactionId !== undefined ? { transactionId: context.transactionId } : {}),
      cause: err,
    });
  }
}
