import { buildPossessionChallenge, parsePublicKey, verifySignature, type PublicKeyInfo } from '@meterledger/crypto';
import { ChaincodeError, fromCryptoError } from '../ledger/errors';
import type { Request } from './requests';

type PossessionProof = Request<'registerMeter'>['proof'];

export function parseMeterKey(scheme: string, publicKey: string): PublicKeyInfo {
  try {
    return parsePublicKey(scheme, publicKey);
  } catch (err) {
    throw fromCryptoError(err, 'key');
  }
}

/**
 * Proof of possession (002 §4.2.1): the meter signed a challenge binding channel, meter id, its public
 * key and the authority's nonce. Checked before anything is written, after every state check.
 */
export function requirePossession(channel: string, meterId: string, key: PublicKeyInfo, proof: PossessionProof): void {
  let valid: boolean;
  try {
    const challenge = buildPossessionChallenge({ channel, meterId, publicKey: key, scheme: key.scheme, nonce: proof.nonce });
    valid = verifySignature({
      scheme: key.scheme,
      publicKey: key,
      message: challenge,
      signature: proof.signature,
      signatureEncoding: proof.signatureEncoding,
    });
  } catch (err) {
    throw fromCryptoError(err, 'signature');
  }
  if (!valid) {
    throw new ChaincodeError(
      'BAD_PROOF_OF_POSSESSION',
      `meter ${meterId}: the signature over the possession challenge (nonce ${proof.nonce}) does not verify with key ${key.fingerprint}`,
    );
  }
}
