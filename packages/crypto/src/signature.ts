import type { EcdsaCurve } from './curves';
import { CryptoError } from './errors';
import type { SignatureEncoding, SignatureScheme } from './schemes';

function malformed(message: string): CryptoError {
  return new CryptoError('MALFORMED_SIGNATURE', message);
}

/**
 * Resolve the signature encoding. ECDSA defaults to 'der' because that is what the deployed
 * meters of 002 send; Ed25519 signatures have exactly one encoding (R || S, 64 bytes).
 */
export function signatureEncodingFor(scheme: SignatureScheme, encoding: unknown): SignatureEncoding {
  if (encoding === undefined) return scheme === 'ed25519' ? 'raw' : 'der';
  if (encoding !== 'der' && encoding !== 'raw') {
    throw new CryptoError('UNKNOWN_SIGNATURE_ENCODING', `unknown signature encoding ${JSON.stringify(String(encoding))}; expected "der" or "raw"`);
  }
  if (scheme === 'ed25519' && encoding !== 'raw') {
    throw new CryptoError('UNKNOWN_SIGNATURE_ENCODING', 'ed25519 signatures have only the "raw" encoding');
  }
  return encoding;
}

/** One DER INTEGER at `pos`: short-form length, minimal, non-negative. Returns value and next position. */
function readInteger(der: Uint8Array, pos: number, name: string): [bigint, number] {
  if (der[pos] !== 0x02) throw malformed(`DER signature: ${name} is not an INTEGER`);
  const len = der[pos + 1];
  // Long-form lengths (>= 0x80) are never minimal for integers this small.
  if (len === undefined || len === 0 || len >= 0x80) throw malformed(`DER signature: bad ${name} length`);
  const start = pos + 2;
  const end = start + len;
  if (end > der.length) throw malformed(`DER signature: ${name} is truncated`);
  if (der[start] & 0x80) throw malformed(`DER signature: ${name} is negative`);
  if (len > 1 && der[start] === 0 && !(der[start + 1] & 0x80)) throw malformed(`DER signature: ${name} has a superfluous leading zero`);
  const value = BigInt('0x' + Buffer.from(der.subarray(start, end)).toString('hex'));
  return [value, end];
}

/**
 * Strict DER ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 section 2.2.3):
 * short-form lengths that match exactly, minimal non-negative integers, no trailing bytes.
 * Lenient BER parsers have been a source of signature malleability (e.g. Bitcoin BIP 66).
 */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  if (der.length < 8 || der[0] !== 0x30) throw malformed('DER signature must be a SEQUENCE');
  if (der[1] >= 0x80 || der[1] !== der.length - 2) throw malformed('DER signature: SEQUENCE length does not match the signature length');
  const [r, afterR] = readInteger(der, 2, 'r');
  const [s, afterS] = readInteger(der, afterR, 's');
  if (afterS !== der.length) throw malformed('DER signature has trailing bytes inside the SEQUENCE');
  return { r, s };
}

/**
 * Check r and s are in [1, n-1] and return the fixed-width r || s (IEEE P1363) form that node:crypto
 * verifies with dsaEncoding 'ieee-p1363'. High S (s > n/2) is deliberately accepted: ECDSA as
 * standardized (FIPS 186-5, SEC 1) accepts both s and n - s, and deployed meters emit both.
 */
export function ecdsaSignatureToP1363(curve: EcdsaCurve, signature: Uint8Array, encoding: SignatureEncoding): Uint8Array {
  let r: bigint;
  let s: bigint;
  if (encoding === 'der') {
    ({ r, s } = parseDerSignature(signature));
  } else {
    if (signature.length !== 2 * curve.size) throw malformed(`raw ${curve.scheme} signature must be ${2 * curve.size} bytes (r || s), got ${signature.length}`);
    r = BigInt('0x' + Buffer.from(signature.subarray(0, curve.size)).toString('hex'));
    s = BigInt('0x' + Buffer.from(signature.subarray(curve.size)).toString('hex'));
  }
  if (r < 1n || r >= curve.n) throw malformed('ECDSA signature: r is not in [1, n-1]');
  if (s < 1n || s >= curve.n) throw malformed('ECDSA signature: s is not in [1, n-1]');
  if (encoding === 'raw') return signature;
  const hex = r.toString(16).padStart(2 * curve.size, '0') + s.toString(16).padStart(2 * curve.size, '0');
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
