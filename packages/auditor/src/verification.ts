import type { KeyVersionRecord, ReadingRecord } from '@meterledger/contract-api';
import { CryptoError, interpretReading, parseSignedReading, sha256Hex, verifySignature, type ReadingFacts, type SignedReading } from '@meterledger/crypto';

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
  | 'SIGNATURE_MISMATCH'
  /**
   * The signature verifies, but the record's facts (value, time, unit, meterId, …) are not what the signed
   * payload says when interpreted again with @meterledger/crypto's interpretReading.
   */
  | 'FACTS_MISMATCH';

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
  if (!valid) return { ...base, valid: false, reason: 'SIGNATURE_MISMATCH', message: `the signature does not verify with key version ${key.version}`, digestMatches };
  const differences = factsDifferences(reading, parsed);
  if (differences.length > 0) {
    return { ...base, valid: false, reason: 'FACTS_MISMATCH', message: `the record does not say what the meter signed: ${differences.join('; ')}`, digestMatches };
  }
  return { ...base, valid: true, digestMatches };
}

/**
 * Where the record's facts differ from what its signed payload says, interpreted again the way the
 * chaincode does (interpretReading, with the record's declared utcOffset for times signed without one).
 * A signature only vouches for the payload: a record whose value, time, unit or meter differ from it
 * claims something the meter never signed. The meterId is compared when the signed content names one
 * (Tasmota and OCMF payloads do not: the submitter maps the device to the meter).
 */
export function factsDifferences(reading: ReadingRecord, parsed: SignedReading): string[] {
  let all: ReadingFacts[];
  try {
    all = interpretReading(parsed, reading.utcOffset !== undefined ? { utcOffset: reading.utcOffset } : {});
  } catch (err) {
    if (err instanceof CryptoError) return [`the payload cannot be interpreted: ${err.message}`];
    throw err;
  }
  const facts = all[reading.index];
  if (!facts) return [`the payload holds ${all.length} reading(s), the record names index ${reading.index}`];
  const out: string[] = [];
  const compare = (field: string, recorded: unknown, signed: unknown) => {
    if (recorded !== signed) out.push(`${field} ${JSON.stringify(recorded)}, signed ${JSON.stringify(signed)}`);
  };
  compare('value', reading.value, facts.value);
  compare('time', reading.time, facts.time);
  compare('deviceTime', reading.deviceTime, facts.deviceTime);
  compare('unit', reading.unit, facts.unit);
  if (facts.meterId !== null) compare('meterId', reading.meterId, facts.meterId);
  compare('sequence', reading.sequence, facts.sequence);
  compare('format', reading.format, facts.format);
  return out;
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
