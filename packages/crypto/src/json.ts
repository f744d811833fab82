import canonicalize from 'canonicalize';
import { CryptoError } from './errors';

/**
 * RFC 8785 JSON Canonicalization Scheme: sorted keys (by UTF-16 code units), no whitespace,
 * ECMAScript number formatting. Signed JSON payloads must go through this so every party
 * (meter, SDK, chaincode) hashes the same bytes. Values JSON cannot represent exactly
 * (undefined at top level, NaN, Infinity, BigInt, cycles) throw MALFORMED_ENCODING.
 */
export function canonicalJson(value: unknown): string {
  let out: string | undefined;
  try {
    out = canonicalize(value);
  } catch (cause) {
    throw new CryptoError('MALFORMED_ENCODING', `value cannot be canonicalized as JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof out !== 'string') throw new CryptoError('MALFORMED_ENCODING', 'value has no JSON representation');
  return out;
}
