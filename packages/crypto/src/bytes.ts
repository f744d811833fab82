import { CryptoError } from './errors';

/** Bytes, or a string encoding of bytes (hex, else base64/base64url; see decodeBytes). */
export type BytesLike = Uint8Array | string;

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
// With the `u` flag a surrogate pair is one code point, so this only matches lone surrogates. It is
// slow; the plain class (any surrogate code unit) rules most text out first.
const LONE_SURROGATE = /\p{Cs}/u;
const ANY_SURROGATE = /[\uD800-\uDFFF]/;

/** True when `s` has a UTF-16 surrogate without its pair, i.e. no UTF-8 encoding. */
export function hasLoneSurrogate(s: string): boolean {
  return ANY_SURROGATE.test(s) && LONE_SURROGATE.test(s);
}

/** Lowercase hex. */
export function toHex(b: Uint8Array): string {
  if (!(b instanceof Uint8Array)) throw new CryptoError('MALFORMED_ENCODING', 'toHex expects a Uint8Array');
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Strict hex: even length, only [0-9a-fA-F], no 0x prefix, no whitespace. */
export function fromHex(s: string): Uint8Array {
  if (typeof s !== 'string' || !HEX.test(s)) {
    throw new CryptoError('MALFORMED_ENCODING', 'hex string must have even length and contain only [0-9a-fA-F]');
  }
  // Buffer.from is lenient (it stops at the first bad pair), hence the regex above.
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/**
 * Strict base64 (RFC 4648 section 4) or base64url (section 5); padding optional but, if present,
 * correct. Returns undefined unless the string is the canonical encoding of its bytes (no mixed
 * alphabets, no whitespace, zero unused trailing bits), so every byte string has exactly one
 * accepted spelling per alphabet/padding choice.
 */
export function decodeBase64Strict(s: string): Uint8Array | undefined {
  if (s.length === 0) return undefined;
  const url = /[-_]/.test(s);
  // Buffer.from accepts both alphabets and skips what it cannot read; the round trip below undoes every
  // leniency (a character it skipped, a mixed alphabet, bad padding or unused bits all change the text).
  const bytes = Buffer.from(s, 'base64');
  let again = bytes.toString('base64');
  if (url) again = again.replace(/\+/g, '-').replace(/\//g, '_');
  if (!s.endsWith('=')) again = again.replace(/=+$/, '');
  return again === s ? new Uint8Array(bytes) : undefined;
}

/**
 * Bytes as given, or decoded from a string: hex if it is valid hex (even length, [0-9a-fA-F]),
 * otherwise strict base64/base64url. Hex wins when a string is both (e.g. "deadbeef"); base64 of a
 * DER signature always starts with "M", so it is never mistaken for hex. `what` names the input in
 * the error message. The empty string is rejected: no key or signature is empty.
 */
export function decodeBytes(input: BytesLike, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (typeof input !== 'string') {
    throw new CryptoError('MALFORMED_ENCODING', `${what} must be a Uint8Array or a hex/base64 string`);
  }
  if (input.length === 0) throw new CryptoError('MALFORMED_ENCODING', `${what} is empty`);
  if (HEX.test(input)) return fromHex(input);
  const b64 = decodeBase64Strict(input);
  if (b64) return b64;
  throw new CryptoError('MALFORMED_ENCODING', `${what} is neither hex nor canonical base64/base64url`);
}

/**
 * Message bytes: a string is UTF-8 encoded. Strings with lone surrogates are rejected because
 * UTF-8 encoding would silently replace them with U+FFFD, so two different strings would sign alike.
 */
export function utf8Bytes(message: Uint8Array | string, what: string): Uint8Array {
  if (message instanceof Uint8Array) return message;
  if (typeof message !== 'string') {
    throw new CryptoError('MALFORMED_ENCODING', `${what} must be a Uint8Array or a string`);
  }
  if (hasLoneSurrogate(message)) {
    throw new CryptoError('MALFORMED_ENCODING', `${what} contains a lone UTF-16 surrogate and has no UTF-8 encoding`);
  }
  return new Uint8Array(Buffer.from(message, 'utf8'));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
