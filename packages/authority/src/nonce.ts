import { randomBytes } from 'node:crypto';

/** Bytes of randomness in a possession nonce (32 base64url characters). */
export const NONCE_BYTES = 24;

/**
 * A fresh proof-of-possession nonce: 24 random bytes as base64url. Clients may use randomness; the
 * chaincode must not, so nonces are always chosen here and sent in the request.
 */
export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64url');
}
