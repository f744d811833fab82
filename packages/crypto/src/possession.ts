import { toHex, utf8Bytes, type BytesLike } from './bytes';
import { CryptoError } from './errors';
import { canonicalJson } from './json';
import { parsePublicKey, publicKeyInput, type PublicKeyInfo } from './keys';
import { assertScheme, type SignatureScheme } from './schemes';

export interface PossessionChallengeInput {
  /** Fabric channel the key is being registered on (binds the proof to one ledger). */
  channel: string;
  meterId: string;
  publicKey: BytesLike | PublicKeyInfo;
  scheme: SignatureScheme;
  /** Issued by the verifier; 16..128 characters of [A-Za-z0-9_-] (e.g. base64url of >= 12 random bytes). */
  nonce: string;
}

export const POSSESSION_CHALLENGE_TYPE = 'meterledger.possession.v1';
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new CryptoError('MALFORMED_ENCODING', `${name} must be a non-empty string`);
  utf8Bytes(value, name); // rejects lone surrogates, which JCS would escape but a device could not reproduce
  return value;
}

/**
 * The bytes a meter signs to prove it holds the private key for `publicKey` (proof of possession).
 * They are the UTF-8 encoding of the RFC 8785 canonical JSON object
 *   { type: 'meterledger.possession.v1', channel, meterId, scheme, publicKey, nonce }
 * where publicKey is the lowercase hex of the canonical SPKI DER. Binding channel, meter, scheme
 * and the key itself means a proof cannot be replayed for another meter, ledger or key; the
 * verifier-chosen nonce prevents replay of an old proof.
 */
export function buildPossessionChallenge(input: PossessionChallengeInput): Uint8Array {
  const scheme = assertScheme(input.scheme);
  const channel = nonEmpty(input.channel, 'channel');
  const meterId = nonEmpty(input.meterId, 'meterId');
  if (typeof input.nonce !== 'string' || !NONCE.test(input.nonce)) {
    throw new CryptoError('MALFORMED_ENCODING', 'nonce must be 16..128 characters of [A-Za-z0-9_-]');
  }
  const key = parsePublicKey(scheme, publicKeyInput(scheme, input.publicKey));
  const challenge = canonicalJson({
    type: POSSESSION_CHALLENGE_TYPE,
    channel,
    meterId,
    scheme,
    publicKey: toHex(key.spkiDer),
    nonce: input.nonce,
  });
  return utf8Bytes(challenge, 'challenge');
}
