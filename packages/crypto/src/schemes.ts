import { CryptoError } from './errors';

/** Signature schemes accepted on the ledger. The hash is part of the name: ECDSA always hashes with SHA-256. */
export type SignatureScheme = 'ecdsa-p256-sha256' | 'ecdsa-secp256k1-sha256' | 'ed25519';

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = Object.freeze([
  'ecdsa-p256-sha256',
  'ecdsa-secp256k1-sha256',
  'ed25519',
] as const);

/** How an ECDSA signature is laid out: ASN.1 DER SEQUENCE{r,s}, or fixed-width r||s (IEEE P1363). */
export type SignatureEncoding = 'der' | 'raw';

export function isSignatureScheme(x: unknown): x is SignatureScheme {
  return typeof x === 'string' && (SIGNATURE_SCHEMES as readonly string[]).includes(x);
}

/** Narrow an untrusted scheme string, or throw UNKNOWN_SCHEME. */
export function assertScheme(scheme: unknown): SignatureScheme {
  if (!isSignatureScheme(scheme)) {
    throw new CryptoError('UNKNOWN_SCHEME', `unknown signature scheme ${JSON.stringify(String(scheme))}; expected one of ${SIGNATURE_SCHEMES.join(', ')}`);
  }
  return scheme;
}
