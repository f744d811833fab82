import type { SignatureEncoding, SignatureScheme } from './schemes';
import type { SoftwareSigner } from './signer';

/**
 * Whatever signs for a measuring instrument: a meter's secure element, a weighing terminal's HSM or PKCS#11
 * token, or (tests and demos only) a key in process memory. `sign` is asynchronous so that hardware fits;
 * it receives the exact bytes to sign (built by this package: readings, tickets) and returns the signature:
 * for ECDSA, DER unless `signatureEncoding` says 'raw' (r || s); for Ed25519 the 64-byte R || S.
 */
export interface DeviceSigner {
  readonly scheme: SignatureScheme;
  /** The SPKI PEM of the public key, as registered for the instrument. */
  readonly publicKeyPem: string;
  /** ECDSA only: the encoding `sign` returns; default 'der'. */
  readonly signatureEncoding?: SignatureEncoding;
  sign(bytes: Uint8Array): Promise<Uint8Array>;
}

/**
 * A DeviceSigner over a SoftwareSigner. FOR TESTS, DEMOS AND SIMULATED DEVICES ONLY: a real instrument's
 * key never leaves its secure element.
 */
export function softwareDeviceSigner(signer: SoftwareSigner, options: { signatureEncoding?: SignatureEncoding } = {}): DeviceSigner {
  const encoding = signer.scheme === 'ed25519' ? undefined : options.signatureEncoding;
  return {
    scheme: signer.scheme,
    publicKeyPem: signer.publicKey.spkiPem,
    ...(encoding ? { signatureEncoding: encoding } : {}),
    sign: async (bytes) => signer.sign(bytes, encoding),
  };
}
