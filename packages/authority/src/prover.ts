import type { SignatureEncoding, SoftwareSigner } from '@meterledger/crypto';

/** What a meter returns when asked to sign a possession challenge. */
export interface PossessionSignature {
  /** Signature bytes over exactly the challenge bytes. */
  signature: Uint8Array;
  /** ECDSA: 'der' (default) or 'raw'. Ed25519: omit or 'raw'. */
  signatureEncoding?: SignatureEncoding;
}

/**
 * How a registration authority asks the physical meter (its secure element) to sign a proof-of-possession
 * challenge: over a serial line, a vendor tool, an HSM-backed test rig, ... The private key never leaves
 * the meter; the prover only carries the challenge in and the signature out.
 */
export type Prover = (challenge: Uint8Array) => Promise<PossessionSignature> | PossessionSignature;

/**
 * A prover backed by an in-memory software key. FOR TESTS AND DEMOS ONLY: a real meter signs inside its
 * secure element and an authority never holds a meter's private key.
 */
export function softwareProver(signer: SoftwareSigner, signatureEncoding?: SignatureEncoding): Prover {
  return (challenge) => ({
    signature: signer.sign(challenge, signatureEncoding),
    ...(signatureEncoding !== undefined ? { signatureEncoding } : {}),
  });
}
