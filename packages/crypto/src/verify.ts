import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { decodeBytes, toHex, utf8Bytes, type BytesLike } from './bytes';
import { ecdsaCurve } from './curves';
import { CryptoError } from './errors';
import { parsePublicKey, publicKeyInput, type PublicKeyInfo } from './keys';
import { assertScheme, type SignatureEncoding, type SignatureScheme } from './schemes';
import { ecdsaSignatureToP1363, signatureEncodingFor } from './signature';

export interface VerifySignatureRequest {
  scheme: string;
  publicKey: BytesLike | PublicKeyInfo;
  /** Bytes, or a string that is signed as its UTF-8 encoding. */
  message: Uint8Array | string;
  /** Bytes, or hex / base64 / base64url (see decodeBytes). */
  signature: BytesLike;
  /** ECDSA: 'der' (default) or 'raw' (r || s). Ed25519: omit or 'raw'. */
  signatureEncoding?: SignatureEncoding;
}

/**
 * Parsed keys, so the hot path is one native verify. Keyed by scheme + the key exactly as given,
 * so a hit skips decoding, point validation and DER import. Only successfully validated keys are
 * stored, and an entry is exactly what a fresh parse would produce, so the cache changes speed,
 * never results: peers with different cache contents still endorse identically. Bounded with
 * least-recently-used eviction (Map keeps insertion order; a hit re-inserts); no clock involved.
 */
export const KEY_CACHE_LIMIT = 10_000;
const keyCache = new Map<string, KeyObject>();

/** Number of cached keys (for tests and monitoring). */
export function keyCacheSize(): number {
  return keyCache.size;
}

export function clearKeyCache(): void {
  keyCache.clear();
}

function cacheId(scheme: SignatureScheme, input: BytesLike): string | undefined {
  if (typeof input === 'string') return `${scheme}|s|${input}`;
  if (input instanceof Uint8Array) return `${scheme}|b|${toHex(input)}`;
  return undefined; // not bytes: parsePublicKey will reject it
}

function keyObjectFor(scheme: SignatureScheme, publicKey: BytesLike | PublicKeyInfo): KeyObject {
  const input = publicKeyInput(scheme, publicKey); // PublicKeyInfo scheme check happens on every call
  const id = cacheId(scheme, input);
  const hit = id === undefined ? undefined : keyCache.get(id);
  if (id !== undefined && hit) {
    keyCache.delete(id); // re-insert: most recently used goes last
    keyCache.set(id, hit);
    return hit;
  }
  const info = parsePublicKey(scheme, input); // throws on anything invalid
  const key = createPublicKey({ key: Buffer.from(info.spkiDer), format: 'der', type: 'spki' });
  if (id !== undefined) {
    const oldest = keyCache.keys().next();
    if (keyCache.size >= KEY_CACHE_LIMIT && !oldest.done) keyCache.delete(oldest.value);
    keyCache.set(id, key);
  }
  return key;
}

function signatureBytes(signature: BytesLike): Uint8Array {
  try {
    return decodeBytes(signature, 'signature');
  } catch (cause) {
    // Everything wrong with the signature field is reported as MALFORMED_SIGNATURE, so callers
    // have one code per request field (MALFORMED_KEY for the key, MALFORMED_SIGNATURE here).
    throw new CryptoError('MALFORMED_SIGNATURE', (cause as Error).message, { cause });
  }
}

/**
 * Verify `signature` over `message`. Returns false for a well-formed signature that does not
 * verify; throws CryptoError for an unknown scheme or encoding, a malformed or mismatched key, or
 * a malformed signature. Deterministic: no clock, no randomness.
 */
export function verifySignature(req: VerifySignatureRequest): boolean {
  const scheme = assertScheme(req.scheme);
  const encoding = signatureEncodingFor(scheme, req.signatureEncoding);
  const key = keyObjectFor(scheme, req.publicKey);
  const signature = signatureBytes(req.signature);
  const message = utf8Bytes(req.message, 'message');
  const curve = ecdsaCurve(scheme);
  if (curve) {
    // We parse DER ourselves (strictly) and hand node the fixed-width form, so OpenSSL's DER
    // leniencies or strictness never decide between "malformed" and "invalid".
    const p1363 = ecdsaSignatureToP1363(curve, signature, encoding);
    return nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, p1363);
  }
  if (signature.length !== 64) throw new CryptoError('MALFORMED_SIGNATURE', `ed25519 signature must be 64 bytes, got ${signature.length}`);
  // Ed25519 hashes internally (SHA-512); node:crypto takes a null digest for it.
  return nodeVerify(null, message, key, signature);
}
