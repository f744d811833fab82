import { canonicalJson } from '@meterledger/crypto';

/** State and results are stored canonically (RFC 8785) so every endorser writes the same bytes. */
export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

export function fromBytes<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
