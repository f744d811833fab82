import {
  CryptoError,
  buildPossessionChallenge,
  parsePublicKey,
  verifySignature,
  type PublicKeyInfo,
} from '@meterledger/crypto';
import { ChaincodeError, type ErrorCode } from '../ledger/errors';
import type { PossessionProof } from './requests';

/** Translate a crypto error into the chaincode's stable code; `subject` says what was being decoded. */
export function asChaincodeError(err: unknown, subject: 'key' | 'signature' | 'message'): unknown {
  if (!(err instanceof CryptoError)) return err;
  const byCode: Record<string, ErrorCode> = {
    UNKNOWN_SCHEME: 'UNKNOWN_SCHEME',
    MALFORMED_KEY: 'MALFORMED_KEY',
    KEY_SCHEME_MISMATCH: 'KEY_SCHEME_MISMATCH',
    MALFORMED_SIGNATURE: 'MALFORMED_SIGNATURE',
    UNKNOWN_SIGNATURE_ENCODING: 'UNKNOWN_SIGNATURE_ENCODING',
    MALFORMED_ENCODING: subject === 'key' ? 'MALFORMED_KEY' : subject === 'signature' ? 'MALFORMED_SIGNATURE' : 'INVALID_ARGUMENT',
  };
  return new ChaincodeError(byCode[err.code] ?? 'INVALID_ARGUMENT', err.message, { cause: err });
}

export function parseMeterKey(scheme: string, publicKey: string): PublicKeyInfo {
  try {
    return parsePublicKey(scheme, publicKey);
  } catch (err) {
    throw asChaincodeError(err, 'key');
  }
}

/**
 * Proof of possession (002 §4.2.1): the meter signed a challenge binding channel, meter id, its public
 * key and the authority's nonce. Checked before anything is written.
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
    throw asChaincodeError(err, 'signature');
  }
  if (!valid) {
    throw new ChaincodeError(
      'BAD_PROOF_OF_POSSESSION',
      `meter ${meterId}: the signature over the possession challenge (nonce ${proof.nonce}) does not verify with key ${key.fingerprint}`,
    );
  }
}
