import { decodeBase64Strict, fromHex, utf8Bytes } from './bytes';
import { CryptoError } from './errors';
import { canonicalJson } from './json';
import { parseJsonWithLexemes } from './json-lexeme';
import { parseRfc3339 } from './rfc3339';
import { isSignatureScheme, SIGNATURE_SCHEMES, type SignatureEncoding, type SignatureScheme } from './schemes';
import { parseDerSignature, signatureEncodingFor } from './signature';

/** Wire formats understood by parseSignedReading. */
export type SignedReadingFormat = 'meterledger-v1' | 'bc4p-tasmota' | 'ocmf';
export const SIGNED_READING_FORMATS: readonly SignedReadingFormat[] = Object.freeze(['meterledger-v1', 'bc4p-tasmota', 'ocmf'] as const);

/** What every parsed reading carries: enough for verifySignature({ scheme, publicKey, message: signedBytes, signature, signatureEncoding }). */
interface SignedReadingBase {
  scheme: SignatureScheme;
  /** The exact bytes the device signed. */
  signedBytes: Uint8Array;
  /** The decoded signature bytes. */
  signature: Uint8Array;
  /** 'der' or 'raw' for ECDSA; 'raw' for Ed25519. */
  signatureEncoding: SignatureEncoding;
}

/** The signed content of a 'meterledger-v1' reading; also the input of encodeReadingV1. */
export interface ReadingV1Fields {
  meterId: string;
  /** RFC 3339 with an offset, e.g. "2024-05-01T12:00:00Z"; signed exactly as written. */
  time: string;
  /** Decimal string exactly as measured, e.g. "1.000". */
  value: string;
  unit: string;
  /** Non-negative safe integer, or null when the meter does not number its readings. */
  sequence: number | null;
}

export interface MeterledgerV1Reading extends SignedReadingBase {
  format: 'meterledger-v1';
  fields: ReadingV1Fields;
}

export interface Bc4pTasmotaFields {
  /** "Time" exactly as printed (device local time, normally without an offset). */
  time: string;
  /** ENERGY.Total exactly as printed, e.g. "1.000" (never re-formatted). */
  total: string;
  /** The ENERGY object as parsed JSON (numbers are JS numbers here; use `total` for the exact text). */
  energy: Record<string, unknown>;
  /** <device> from the MQTT topic tele/<device>/SENSOR, when options.topic was given. */
  device?: string;
}

export interface Bc4pTasmotaReading extends SignedReadingBase {
  format: 'bc4p-tasmota';
  fields: Bc4pTasmotaFields;
}

export interface OcmfReading extends SignedReadingBase {
  format: 'ocmf';
  /** The payload section as parsed JSON (FV, GI, GS, PG, MV, MS, RD, ...). */
  fields: Record<string, unknown>;
  /** The OCMF signature algorithm identifier in effect (SA, or the default when SA is absent). */
  signatureAlgorithm: string;
  /** RD[i].RV exactly as written in the payload text (undefined where a reading has no RV). */
  readingValueText: (string | undefined)[];
}

export type SignedReading = MeterledgerV1Reading | Bc4pTasmotaReading | OcmfReading;

export interface ParseSignedReadingOptions {
  /** bc4p-tasmota only: the MQTT topic, tele/<device>/SENSOR; fills fields.device. */
  topic?: string;
}

function malformed(message: string): CryptoError {
  return new CryptoError('MALFORMED_READING', message);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function has(o: Record<string, unknown>, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** A non-empty string that has a UTF-8 encoding (no lone surrogates). */
function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw malformed(`${field} must be a non-empty string`);
  if (/\p{Cs}/u.test(value)) throw malformed(`${field} contains a lone UTF-16 surrogate`);
  return value;
}

/** Check the signature's shape for its scheme and encoding; r/s range and validity are verifySignature's job. */
function checkSignatureShape(scheme: SignatureScheme, sig: Uint8Array, encoding: SignatureEncoding, field: string): void {
  if (encoding === 'raw') {
    if (sig.length !== 64) throw malformed(`${field} must be 64 bytes for a raw ${scheme} signature, got ${sig.length}`);
    return;
  }
  try {
    parseDerSignature(sig);
  } catch (cause) {
    throw new CryptoError('MALFORMED_READING', `${field} is not a strict DER ECDSA signature: ${(cause as Error).message}`, { cause });
  }
}

// ------------------------------------------------------------------------------------------------
// meterledger-v1
// ------------------------------------------------------------------------------------------------

export const READING_V1_TYPE = 'meterledger.reading.v1';
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** The time is signed exactly as written; it must be a strict RFC 3339 date-time (see rfc3339.ts). */
function checkTime(value: unknown): string {
  const t = text(value, 'time');
  try {
    parseRfc3339(t);
  } catch (err) {
    throw malformed(`time must be a strict RFC 3339 date-time with an offset, e.g. "2024-05-01T12:00:00Z": ${(err as Error).message}`);
  }
  return t;
}

function checkSequence(value: unknown, lexeme?: string): number | null {
  if (value === undefined || value === null) return null;
  const ok =
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && (lexeme === undefined || /^(?:0|[1-9][0-9]*)$/.test(lexeme));
  if (!ok) throw malformed('sequence must be a non-negative integer (written without fraction or exponent) or absent');
  return value as number;
}

function checkV1Fields(f: Partial<ReadingV1Fields> & Record<string, unknown>, sequenceLexeme?: string): ReadingV1Fields {
  const meterId = text(f.meterId, 'meterId');
  const time = checkTime(f.time);
  if (typeof f.value !== 'string' || !DECIMAL.test(f.value)) {
    throw malformed('value must be a decimal string exactly as measured, e.g. "1.000" (no exponent, no "+", no leading zeros)');
  }
  const unit = text(f.unit, 'unit');
  return { meterId, time, value: f.value, unit, sequence: checkSequence(f.sequence, sequenceLexeme) };
}

/**
 * The bytes a device signs for a 'meterledger-v1' reading: the UTF-8 of
 * canonicalJson({ type: 'meterledger.reading.v1', meterId, time, value, unit, sequence }),
 * with sequence null when absent. Throws MALFORMED_READING naming the bad field.
 */
export function encodeReadingV1(fields: ReadingV1Fields | Omit<ReadingV1Fields, 'sequence'>): Uint8Array {
  if (!isObject(fields)) throw malformed('reading fields must be an object');
  const f = checkV1Fields(fields as Record<string, unknown>);
  return utf8Bytes(canonicalJson({ type: READING_V1_TYPE, ...f }), 'reading');
}

const V1_KEYS = new Set(['format', 'meterId', 'time', 'value', 'unit', 'sequence', 'scheme', 'signature', 'signatureEncoding']);

function parseMeterledgerV1(raw: string): MeterledgerV1Reading {
  const { value: doc, numbers } = parseJsonWithLexemes(raw, 'meterledger-v1 reading');
  if (!isObject(doc)) throw malformed('meterledger-v1 reading must be a JSON object');
  for (const k of Object.keys(doc)) if (!V1_KEYS.has(k)) throw malformed(`unexpected field ${JSON.stringify(k)} in meterledger-v1 reading`);
  if (doc.format !== 'meterledger-v1') throw malformed('format must be "meterledger-v1"');
  const fields = checkV1Fields(doc, numbers.get('/sequence'));
  if (!isSignatureScheme(doc.scheme)) throw malformed(`scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}`);
  const scheme = doc.scheme;
  let encoding: SignatureEncoding;
  try {
    encoding = signatureEncodingFor(scheme, doc.signatureEncoding);
  } catch (cause) {
    throw new CryptoError('MALFORMED_READING', `signatureEncoding: ${(cause as Error).message}`, { cause });
  }
  const sigText = text(doc.signature, 'signature');
  const signature = /^(?:[0-9a-fA-F]{2})+$/.test(sigText) ? fromHex(sigText) : decodeBase64Strict(sigText);
  if (!signature) throw malformed('signature must be hex or canonical base64/base64url');
  checkSignatureShape(scheme, signature, encoding, 'signature');
  return { format: 'meterledger-v1', scheme, signedBytes: encodeReadingV1(fields), signature, signatureEncoding: encoding, fields };
}

// ------------------------------------------------------------------------------------------------
// bc4p-tasmota
// ------------------------------------------------------------------------------------------------

// Tasmota prints local time without an offset; an offset or milliseconds (Tasmota options) are allowed.
// No comma may appear: the comma separates Time and Total in the signed text.
const TASMOTA_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})?$/;
const TASMOTA_TOPIC = /^tele\/([^/+#]+)\/SENSOR$/;

function parseBc4pTasmota(raw: string, options: ParseSignedReadingOptions): Bc4pTasmotaReading {
  const { value: doc, numbers } = parseJsonWithLexemes(raw, 'bc4p-tasmota message');
  if (!isObject(doc)) throw malformed('bc4p-tasmota message must be a JSON object');
  if (typeof doc.Time !== 'string' || !TASMOTA_TIME.test(doc.Time)) throw malformed('Time must be a string like "2023-02-08T13:54:26"');
  const time = doc.Time;
  if (!has(doc, 'Signature')) throw malformed('Signature is missing');
  if (typeof doc.Signature !== 'string' || !/^[0-9a-fA-F]{128}$/.test(doc.Signature)) {
    throw malformed('Signature must be a string of 128 hex digits (a 64-byte Ed25519 signature)');
  }
  const signature = fromHex(doc.Signature);
  if (!isObject(doc.ENERGY)) throw malformed('ENERGY must be an object');
  const total = numbers.get('/ENERGY/Total');
  if (typeof doc.ENERGY.Total !== 'number' || total === undefined) throw malformed('ENERGY.Total must be a number');
  const fields: Bc4pTasmotaFields = { time, total, energy: doc.ENERGY };
  if (options.topic !== undefined) {
    const m = typeof options.topic === 'string' ? TASMOTA_TOPIC.exec(options.topic) : null;
    if (!m) throw malformed('topic must be tele/<device>/SENSOR');
    fields.device = m[1];
  }
  return {
    format: 'bc4p-tasmota',
    scheme: 'ed25519',
    signedBytes: utf8Bytes(`${time},${total}`, 'signed text'),
    signature,
    signatureEncoding: 'raw',
    fields,
  };
}

// ------------------------------------------------------------------------------------------------
// OCMF
// ------------------------------------------------------------------------------------------------

/** OCMF signature algorithms (OCMF table "Signature methods") that map to a scheme of this package. */
const OCMF_SA: Readonly<Record<string, SignatureScheme>> = Object.freeze({
  'ECDSA-secp256r1-SHA256': 'ecdsa-p256-sha256',
  'ECDSA-secp256k1-SHA256': 'ecdsa-secp256k1-sha256',
});
/** Listed by OCMF but not supported here. */
const OCMF_SA_UNSUPPORTED = new Set([
  'ECDSA-secp192k1-SHA256',
  'ECDSA-secp192r1-SHA256',
  'ECDSA-brainpool256r1-SHA256',
  'ECDSA-secp384r1-SHA256',
  'ECDSA-brainpool384r1-SHA256',
]);
export const OCMF_DEFAULT_SA = 'ECDSA-secp256r1-SHA256';
const OCMF_DER = 'application/x-der';

function parseOcmf(raw: string): OcmfReading {
  if (typeof raw !== 'string') throw malformed('OCMF record must be a string');
  const sections = raw.split('|');
  if (sections[0] !== 'OCMF') throw malformed('OCMF record must start with the header "OCMF|"');
  if (sections.length !== 3) throw malformed(`OCMF record must have exactly 3 "|"-separated sections (header, payload, signature), got ${sections.length}`);
  const payloadText = sections[1];
  const { value: payload, numbers } = parseJsonWithLexemes(payloadText, 'OCMF payload section');
  if (!isObject(payload)) throw malformed('OCMF payload section must be a JSON object');
  if (typeof payload.PG !== 'string' || !/^[TF](?:0|[1-9][0-9]*)$/.test(payload.PG)) throw malformed('PG must be a string like "T12345" or "F1"');
  if (!Array.isArray(payload.RD) || payload.RD.length === 0) throw malformed('RD must be a non-empty array of readings');
  const readingValueText: (string | undefined)[] = [];
  payload.RD.forEach((rd, i) => {
    if (!isObject(rd)) throw malformed(`RD[${i}] must be an object`);
    if (has(rd, 'TM') && typeof rd.TM !== 'string') throw malformed(`RD[${i}].TM must be a string`);
    if (has(rd, 'RV') && typeof rd.RV !== 'number') throw malformed(`RD[${i}].RV must be a number`);
    readingValueText.push(numbers.get(`/RD/${i}/RV`));
  });
  if (!has(payload.RD[0] as Record<string, unknown>, 'TM')) throw malformed('RD[0].TM is missing');

  const { value: sig } = parseJsonWithLexemes(sections[2], 'OCMF signature section');
  if (!isObject(sig)) throw malformed('OCMF signature section must be a JSON object');
  const sa = has(sig, 'SA') ? sig.SA : OCMF_DEFAULT_SA;
  if (typeof sa !== 'string') throw malformed('SA must be a string');
  const scheme = OCMF_SA[sa];
  if (!scheme) {
    throw malformed(
      OCMF_SA_UNSUPPORTED.has(sa)
        ? `SA ${JSON.stringify(sa)} is not supported; supported: ${Object.keys(OCMF_SA).join(', ')}`
        : `SA ${JSON.stringify(sa)} is not an OCMF signature algorithm`,
    );
  }
  const se = has(sig, 'SE') ? sig.SE : 'hex';
  if (se !== 'hex' && se !== 'base64') throw malformed('SE must be "hex" or "base64"');
  const sm = has(sig, 'SM') ? sig.SM : undefined;
  if (sm !== undefined && sm !== OCMF_DER) throw malformed(`SM must be "${OCMF_DER}"`);
  if (typeof sig.SD !== 'string' || sig.SD.length === 0) throw malformed('SD must be a non-empty string');
  const sd = se === 'hex' ? (/^(?:[0-9a-fA-F]{2})+$/.test(sig.SD) ? fromHex(sig.SD) : undefined) : /[-_]/.test(sig.SD) ? undefined : decodeBase64Strict(sig.SD);
  if (!sd) throw malformed(`SD is not valid ${se}`);

  // Tolerated deviation: SM absent and SD is 64 bytes that are not strict DER -> raw r || s.
  let encoding: SignatureEncoding = 'der';
  if (sm === undefined && sd.length === 64) {
    try {
      parseDerSignature(sd);
    } catch {
      encoding = 'raw';
    }
  }
  checkSignatureShape(scheme, sd, encoding, 'SD');
  return {
    format: 'ocmf',
    scheme,
    signedBytes: utf8Bytes(payloadText, 'OCMF payload section'),
    signature: sd,
    signatureEncoding: encoding,
    fields: payload,
    signatureAlgorithm: sa,
    readingValueText,
  };
}

// ------------------------------------------------------------------------------------------------

/**
 * Parse a signed meter reading in one of the supported wire formats into the exact bytes the
 * device signed, the decoded signature and the reading's fields, so that
 * verifySignature({ scheme, publicKey, message: signedBytes, signature, signatureEncoding })
 * decides it. Deterministic. Throws CryptoError: UNKNOWN_FORMAT for an unknown format,
 * MALFORMED_READING (the message names the field) for anything wrong with `raw`.
 */
export function parseSignedReading(format: 'meterledger-v1', raw: string): MeterledgerV1Reading;
export function parseSignedReading(format: 'bc4p-tasmota', raw: string, options?: ParseSignedReadingOptions): Bc4pTasmotaReading;
export function parseSignedReading(format: 'ocmf', raw: string): OcmfReading;
export function parseSignedReading(format: string, raw: string, options?: ParseSignedReadingOptions): SignedReading;
export function parseSignedReading(format: string, raw: string, options: ParseSignedReadingOptions = {}): SignedReading {
  if (!(SIGNED_READING_FORMATS as readonly string[]).includes(format)) {
    throw new CryptoError('UNKNOWN_FORMAT', `unknown reading format ${JSON.stringify(String(format))}; expected one of ${SIGNED_READING_FORMATS.join(', ')}`);
  }
  if (typeof raw !== 'string') throw malformed('raw reading must be a string');
  if (format === 'meterledger-v1') return parseMeterledgerV1(raw);
  if (format === 'bc4p-tasmota') return parseBc4pTasmota(raw, options ?? {});
  return parseOcmf(raw);
}
