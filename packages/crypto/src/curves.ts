import type { KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist';
import { secp256k1 } from '@noble/curves/secp256k1';
import { fromHex } from './bytes';
import type { SignatureScheme } from './schemes';

/**
 * Everything scheme-specific lives in this table, so the parsing and verification code is the same
 * for every curve and adding a curve is a data change.
 */
export interface EcdsaCurve {
  readonly scheme: Exclude<SignatureScheme, 'ed25519'>;
  /** OpenSSL's name, as reported by KeyObject.asymmetricKeyDetails.namedCurve. */
  readonly nodeCurve: string;
  /** Used to validate points (on the curve, not infinity) and to compress/decompress them. */
  readonly noble: typeof p256;
  /** Group order n: r and s must lie in [1, n-1]. */
  readonly n: bigint;
  /** Field element / scalar width in bytes (r and s are this long in the raw encoding). */
  readonly size: number;
  /**
   * DER prefix of SubjectPublicKeyInfo{ id-ecPublicKey, namedCurve } up to the BIT STRING contents,
   * for an uncompressed (65-byte) and a compressed (33-byte) point. A canonical SPKI is exactly
   * prefix || point, which lets us reject non-canonical DER by byte comparison.
   */
  readonly spkiPrefixUncompressed: Uint8Array;
  readonly spkiPrefixCompressed: Uint8Array;
}

// SEQUENCE { SEQUENCE { OID 1.2.840.10045.2.1 (id-ecPublicKey), OID 1.2.840.10045.3.1.7 (prime256v1) }, BIT STRING }
const P256: EcdsaCurve = {
  scheme: 'ecdsa-p256-sha256',
  nodeCurve: 'prime256v1',
  noble: p256,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  size: 32,
  spkiPrefixUncompressed: fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200'),
  spkiPrefixCompressed: fromHex('3039301306072a8648ce3d020106082a8648ce3d030107032200'),
};

// SEQUENCE { SEQUENCE { OID 1.2.840.10045.2.1 (id-ecPublicKey), OID 1.3.132.0.10 (secp256k1) }, BIT STRING }
const SECP256K1: EcdsaCurve = {
  scheme: 'ecdsa-secp256k1-sha256',
  nodeCurve: 'secp256k1',
  noble: secp256k1,
  n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
  size: 32,
  spkiPrefixUncompressed: fromHex('3056301006072a8648ce3d020106052b8104000a034200'),
  spkiPrefixCompressed: fromHex('3036301006072a8648ce3d020106052b8104000a032200'),
};

export const ECDSA_CURVES: Readonly<Record<EcdsaCurve['scheme'], EcdsaCurve>> = {
  'ecdsa-p256-sha256': P256,
  'ecdsa-secp256k1-sha256': SECP256K1,
};

/** SEQUENCE { SEQUENCE { OID 1.3.101.112 (id-Ed25519) }, BIT STRING } (RFC 8410 section 4). */
export const ED25519_SPKI_PREFIX = fromHex('302a300506032b6570032100');

export function ecdsaCurve(scheme: SignatureScheme): EcdsaCurve | undefined {
  return scheme === 'ed25519' ? undefined : ECDSA_CURVES[scheme];
}

/** Does a node:crypto key (public or private) belong to the scheme's algorithm and curve? */
export function keyObjectMatchesScheme(key: KeyObject, scheme: SignatureScheme): boolean {
  const curve = ecdsaCurve(scheme);
  if (!curve) return key.asymmetricKeyType === 'ed25519';
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve.nodeCurve;
}

/** Human-readable description of a node:crypto key's algorithm, for error messages. */
export function describeKeyObject(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} (${curve})` : String(key.asymmetricKeyType);
}
