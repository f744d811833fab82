import type { KeyVersionRecord, ReadingRecord } from '@meterledger/contract-api';
import { CryptoError, parseSignedReading, sha256Hex, verifySignature, type SignedReading } from '@meterledger/crypto';

/** Why a reading did not verify offline. */
export type OfflineFailure =
  /** The payload does not parse in its format (it was accepted by the chaincode, so the ledger or the parser changed). */
  | 'MALFORMED_READING'
  /** The meter's key history has no key of the version the reading names. */
  | 'UNKNOWN_KEY_VERSION'
  /** The key the reading names was not valid at the reading's time. */
  | 'KEY_NOT_VALID_AT_TIME'
  /** The signature does not parse for the key's scheme. */
  | 'MALFORMED_SIGNATURE'
  | 'SIGNATURE_MISMATCH';

export interface OfflineVerification {
  valid: boolean;
  meterId: string;
  time: string;
  keyVersion: number;
  reason?: OfflineFailure;
  message?: string;
  /**
   * The SHA-256 of the signed bytes equals the reading's `digest` (its identity on the ledger). For
   * multi-reading messages (OCMF) the chaincode may derive per-reading digests; informative only.
   */
  digestMatches?: boolean;
}

/**
 * Check a reading from the ledger without the ledger's word for it: parse its payload with
 * @meterledger/crypto's parseSignedReading (the chaincode's parser) and verify the signature with the
 * key of `reading.keyVersion` from the meter's key history, valid at the reading's time.
 */
export function verifyReadingOffline(reading: ReadingRecord, keys: readonly KeyVersionRecord[]): OfflineVerification {
  const base = { meterId: reading.meterId, time: reading.time, keyVersion: reading.keyVersion };
  let parsed: SignedReading;
  try {
    parsed = parseSignedReading(reading.format, reading.payload);
  } catch (err) {
    if (err instanceof CryptoError) return { ...base, valid: false, reason: 'MALFORMED_READING', message: err.message };
    throw err;
  }
  const digestMatches = sha256Hex(parsed.signedBytes) === reading.digest;
  const key = keys.find((k) => k.version === reading.keyVersion);
  if (!key) return { ...base, valid: false, reason: 'UNKNOWN_KEY_VERSION', message: `meter ${reading.meterId} has no key version ${reading.keyVersion}`, digestMatches };
  if (key.validFrom === null || reading.time < key.validFrom || (key.validTo !== null && reading.time >= key.validTo)) {
    return {
      ...base,
      valid: false,
      reason: 'KEY_NOT_VALID_AT_TIME',
      message: `key version ${key.version} is valid [${key.validFrom ?? 'never'}, ${key.validTo ?? '…'}), the reading is at ${reading.time}`,
      digestMatches,
    };
  }
  let valid: boolean;
  try {
    valid = verifySignature({ scheme: key.scheme, publicKey: key.publicKey, message: parsed.signedBytes, signature: parsed.signature, signatureEncoding: parsed.signatureEncoding });
  } catch (err) {
    if (err instanceof CryptoError) return { ...base, valid: false, reason: 'MALFORMED_SIGNATURE', message: err.message, digestMatches };
    throw err;
  }
  return valid
    ? { ...base, valid: true, digestMatches }
    : { ...base, valid: false, reason: 'SIGNATURE_MISMATCH', message: `the signature does not verify with key version ${key.version}`, digestMatches };
}

/** The signed bytes and signature of a reading, as registry `verify` takes them (base64). */
export function verifyRequestOf(reading: ReadingRecord): {
  meterId: string;
  message: string;
  messageEncoding: 'base64';
  signature: string;
  signatureEncoding: 'der' | 'raw';
  at: string;
} {
  const parsed = parseSignedReading(reading.format, reading.payload);
  return {
    meterId: reading.meterId,
    message: Buffer.from(parsed.signedBytes).toString('base64'),
    messageEncoding: 'base64',
    signature: Buffer.from(parsed.signature).toString('base64'),
    signatureEncoding: parsed.signatureEncoding,
    at: reading.time,
  };
}
