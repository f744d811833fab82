import type { SignatureEncoding, SignatureScheme, SoftwareSigner } from '@meterledger/crypto';

/**
 * Whatever signs a meter's readings: the meter's secure element, an HSM or PKCS#11 token, or (tests and
 * demos only) a key in process memory. `sign` is asynchronous so that hardware fits; it receives the exact
 * bytes to sign (built by @meterledger/crypto) and returns the signature: for ECDSA, DER unless
 * `signatureEncoding` says 'raw' (r || s); for Ed25519 the 64-byte R || S.
 */
export interface ReadingSigner {
  readonly scheme: SignatureScheme;
  /** The SPKI PEM of the public key, as registered for the meter. */
  readonly publicKeyPem: string;
  /** ECDSA only: the encoding `sign` returns; default 'der'. */
  readonly signatureEncoding?: SignatureEncoding;
  sign(bytes: Uint8Array): Promise<Uint8Array>;
}

/**
 * A ReadingSigner over @meterledger/crypto's SoftwareSigner. FOR TESTS, DEMOS AND SIMULATED DEVICES ONLY:
 * a real meter's key never leaves its secure element.
 */
export function softwareReadingSigner(signer: SoftwareSigner, options: { signatureEncoding?: SignatureEncoding } = {}): ReadingSigner {
  const encoding = signer.scheme === 'ed25519' ? undefined : options.signatureEncoding;
  return {
    scheme: signer.scheme,
    publicKeyPem: signer.publicKey.spkiPem,
    ...(encoding ? { signatureEncoding: encoding } : {}),
    sign: async (bytes) => signer.sign(bytes, encoding),
  };
}
