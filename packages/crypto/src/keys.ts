import { createPublicKey, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { concatBytes, decodeBase64Strict, equalBytes, fromHex, type BytesLike } from './bytes';
import { describeKeyObject, ecdsaCurve, ED25519_SPKI_PREFIX, keyObjectMatchesScheme, type EcdsaCurve } from './curves';
import { CryptoError } from './errors';
import { sha256Hex } from './hash';
import { assertScheme, type SignatureScheme } from './schemes';

/** A validated public key in every encoding other code needs. */
export interface PublicKeyInfo {
  scheme: SignatureScheme;
  /** Canonical SubjectPublicKeyInfo DER (uncompressed point for ECDSA). */
  spkiDer: Uint8Array;
  /** spkiDer as PEM with 64-column base64 lines and a trailing newline. */
  spkiPem: string;
  /** SEC1 compressed point (33 bytes) for ECDSA, the 32-byte encoding for Ed25519. */
  raw: Uint8Array;
  /** Lowercase hex SHA-256 of spkiDer: a stable key identifier. */
  fingerprint: string;
}

const PEM_HEADER = '-----BEGIN PUBLIC KEY-----';
const PEM_FOOTER = '-----END PUBLIC KEY-----';
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('MALFORMED_KEY', message, cause === undefined ? undefined : { cause });
}

/** PEM framing per RFC 7468 (strict: exactly one PUBLIC KEY block, nothing around it but whitespace). */
function pemToDer(pem: string): Uint8Array {
  const text = pem.trim();
  if (!text.startsWith(PEM_HEADER) || !text.endsWith(PEM_FOOTER)) {
    throw malformed(`PEM public key must be a single "${PEM_HEADER}" block`);
  }
  const body = text.slice(PEM_HEADER.length, text.length - PEM_FOOTER.length).replace(/[ \t\r\n]/g, '');
  const der = /^[A-Za-z0-9+/]+=*$/.test(body) ? decodeBase64Strict(body) : undefined;
  if (!der) throw malformed('PEM public key body is not canonical base64');
  return der;
}

export function derToPem(der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `${PEM_HEADER}\n${lines.join('\n')}\n${PEM_FOOTER}\n`;
}

/** Node's SPKI parser first: it knows every algorithm OID, so a foreign key is reported as such. */
function importSpki(scheme: SignatureScheme, der: Uint8Array): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch (cause) {
    throw malformed('public key is not a valid SubjectPublicKeyInfo', cause);
  }
  // Never fall back to verifying with the key's own curve: a P-384 or secp256k1 key presented as
  // P-256 is a configuration error (or an attack) and must be loud.
  if (!keyObjectMatchesScheme(key, scheme)) {
    throw new CryptoError('KEY_SCHEME_MISMATCH', `public key is ${describeKeyObject(key)}, not a ${scheme} key`);
  }
  return key;
}

function jwkCoordinate(value: unknown, size: number): Uint8Array {
  const bytes = typeof value === 'string' ? decodeBase64Strict(value) : undefined;
  if (!bytes || bytes.length !== size) throw malformed('unexpected key coordinate from node:crypto');
  return bytes;
}

function decodeEcPoint(curve: EcdsaCurve, sec1: Uint8Array) {
  try {
    // fromBytes accepts only 02/03 + x and 04 + x + y, and asserts the point is on the curve.
    return curve.noble.Point.fromBytes(sec1);
  } catch (cause) {
    throw malformed(`public key is not a valid ${curve.scheme} curve point`, cause);
  }
}

function parseEcdsa(curve: EcdsaCurve, bytes: Uint8Array, spkiOnly: boolean) {
  const len = bytes.length;
  const tag = bytes[0];
  if (!spkiOnly && ((len === 33 && (tag === 2 || tag === 3)) || (len === 65 && tag === 4))) {
    return decodeEcPoint(curve, bytes);
  }
  // Raw X || Y (64 bytes, as secure elements such as the ATECC608 export it): the scheme names the
  // curve, and no canonical SPKI of these curves is 64 bytes long, so the length alone decides.
  if (!spkiOnly && len === 2 * curve.size) return decodeEcPoint(curve, concatBytes(Uint8Array.of(4), bytes));
  if (tag !== 0x30) throw malformed(`${curve.scheme} public key must be a 33/65-byte SEC1 point, 64-byte X || Y or SPKI DER (got ${len} bytes)`);
  const jwk = importSpki(curve.scheme, bytes).export({ format: 'jwk' });
  const point = decodeEcPoint(curve, concatBytes(Uint8Array.of(4), jwkCoordinate(jwk.x, curve.size), jwkCoordinate(jwk.y, curve.size)));
  // Canonical DER only: the input must be byte-identical to what we would emit for this point
  // (uncompressed), or to its compressed-point twin. This rejects long-form lengths, trailing
  // bytes, explicit curve parameters and any other alternative spelling of the same key.
  const canonical = [
    concatBytes(curve.spkiPrefixUncompressed, point.toBytes(false)),
    concatBytes(curve.spkiPrefixCompressed, point.toBytes(true)),
  ];
  if (!canonical.some((c) => equalBytes(c, bytes))) throw malformed('public key SPKI DER is not canonical');
  return point;
}

function parseEd25519(bytes: Uint8Array, spkiOnly: boolean): Uint8Array {
  let raw = bytes;
  if (spkiOnly || bytes.length !== 32) {
    if (bytes[0] !== 0x30) throw malformed(`ed25519 public key must be 32 raw bytes or SPKI DER (got ${bytes.length} bytes)`);
    const jwk = importSpki('ed25519', bytes).export({ format: 'jwk' });
    raw = jwkCoordinate(jwk.x, 32);
    if (!equalBytes(concatBytes(ED25519_SPKI_PREFIX, raw), bytes)) throw malformed('public key SPKI DER is not canonical');
  }
  let point;
  try {
    // zip215=false: RFC 8032 strict decoding (y < p, no "negative zero" x), unlike ZIP-215.
    point = ed25519.Point.fromBytes(raw, false);
  } catch (cause) {
    throw malformed('public key is not a valid ed25519 point', cause);
  }
  // OpenSSL does not check this. A small-order key (e.g. the identity) lets its holder produce
  // signatures that verify for many messages, so it cannot bind a meter to its readings.
  if (point.isSmallOrder()) throw malformed('ed25519 public key has small order');
  return new Uint8Array(raw);
}

function keyBytes(publicKey: BytesLike): { bytes: Uint8Array; spkiOnly: boolean } {
  if (publicKey instanceof Uint8Array) {
    if (publicKey.length === 0) throw malformed('public key is empty');
    return { bytes: publicKey, spkiOnly: false };
  }
  if (typeof publicKey !== 'string') throw malformed('public key must be bytes, a PEM string or a hex string');
  if (publicKey.trimStart().startsWith('-----BEGIN')) return { bytes: pemToDer(publicKey), spkiOnly: true };
  if (HEX.test(publicKey)) return { bytes: fromHex(publicKey), spkiOnly: false };
  throw malformed('public key string must be PEM ("-----BEGIN PUBLIC KEY-----") or hex');
}

/**
 * Parse and validate a public key for `scheme`. Accepted: SEC1 compressed (33) / uncompressed (65)
 * points and raw X || Y (64) for ECDSA, 32 raw bytes for Ed25519, canonical SPKI DER, PEM, or hex of
 * any byte form. The scheme decides the curve.
 */
export function parsePublicKey(scheme: string, publicKey: BytesLike): PublicKeyInfo {
  const s = assertScheme(scheme);
  const { bytes, spkiOnly } = keyBytes(publicKey);
  const curve = ecdsaCurve(s);
  let spkiDer: Uint8Array;
  let raw: Uint8Array;
  if (curve) {
    const point = parseEcdsa(curve, bytes, spkiOnly);
    spkiDer = concatBytes(curve.spkiPrefixUncompressed, point.toBytes(false));
    raw = point.toBytes(true);
  } else {
    raw = parseEd25519(bytes, spkiOnly);
    spkiDer = concatBytes(ED25519_SPKI_PREFIX, raw);
  }
  return { scheme: s, spkiDer, spkiPem: derToPem(spkiDer), raw, fingerprint: sha256Hex(spkiDer) };
}

export function isPublicKeyInfo(x: unknown): x is PublicKeyInfo {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && 'spkiDer' in x;
}

/**
 * Bytes to parse for a key that may already be a PublicKeyInfo. A PublicKeyInfo is re-validated
 * from its spkiDer rather than trusted: it may have been deserialized or tampered with.
 */
export function publicKeyInput(scheme: SignatureScheme, publicKey: BytesLike | PublicKeyInfo): BytesLike {
  if (!isPublicKeyInfo(publicKey)) return publicKey;
  if (publicKey.scheme !== scheme) {
    throw new CryptoError('KEY_SCHEME_MISMATCH', `public key is for ${String(publicKey.scheme)}, not ${scheme}`);
  }
  if (!(publicKey.spkiDer instanceof Uint8Array)) throw malformed('PublicKeyInfo.spkiDer must be a Uint8Array');
  return publicKey.spkiDer;
}
