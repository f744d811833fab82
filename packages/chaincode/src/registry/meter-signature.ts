import { CryptoError, verifySignature, type SignatureEncoding } from '@meterledger/crypto';
import { errorCodeForCryptoError } from '@meterledger/contract-api';
import type { KeyVersionRecord, MeterRecord } from './types';
import { keyValidAt } from './verification';

/** Why something a meter (or weighing terminal) signed is not accepted as signed by it. */
export type MeterSignatureProblem = 'METER_REVOKED' | 'NO_KEY_VALID_AT_TIME' | 'KEY_SCHEME_MISMATCH' | 'MALFORMED_SIGNATURE' | 'SIGNATURE_MISMATCH';

export class MeterSignatureError extends Error {
  constructor(
    readonly code: MeterSignatureProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The meter's key valid at `at` (UTC RFC 3339); revocation first, the most useful reason. */
export function meterKeyAt(meter: MeterRecord, at: string): KeyVersionRecord {
  if (meter.revocation && at >= meter.revocation.effectiveAt) {
    throw new MeterSignatureError('METER_REVOKED', `meter ${meter.meterId} is revoked since ${meter.revocation.effectiveAt}`);
  }
  const key = keyValidAt(meter, at);
  if (!key) throw new MeterSignatureError('NO_KEY_VALID_AT_TIME', `meter ${meter.meterId} has no active key at ${at}`);
  return key;
}

/** Throws MeterSignatureError unless `signature` over `message` verifies with `key`. */
export function checkMeterSignature(
  key: KeyVersionRecord,
  meterId: string,
  signed: { message: Uint8Array | string; signature: Uint8Array | string; signatureEncoding?: SignatureEncoding },
): void {
  let valid: boolean;
  try {
    valid = verifySignature({ scheme: key.scheme, publicKey: key.publicKey, ...signed });
  } catch (err) {
    if (!(err instanceof CryptoError)) throw err;
    const code = errorCodeForCryptoError(err, 'signature');
    throw new MeterSignatureError(code === 'KEY_SCHEME_MISMATCH' ? code : 'MALFORMED_SIGNATURE', err.message);
  }
  if (!valid) throw new MeterSignatureError('SIGNATURE_MISMATCH', `the signature does not verify with key version ${key.version} of meter ${meterId}`);
}
