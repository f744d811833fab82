import { decodeBase64Strict, fromHex, hasLoneSurrogate, toHex, utf8Bytes } from './bytes';
import { isDeviceDecimal } from './decimal';
import { CryptoError } from './errors';
import { sha256Hex } from './hash';
import { canonicalJson } from './json';
import { parseJsonWithLexemes } from './json-lexeme';
import { parseRfc3339 } from './rfc3339';
import { isSignatureScheme, SIGNATURE_SCHEMES, type SignatureEncoding, type SignatureScheme } from './schemes';
import { parseDerSignature, signatureEncodingFor } from './signature';

/** Wire formats understood by parseSignedReading. */
export type SignedReadingFormat = 'meterledger-v1' | 'bc4p-tasmota' | 'ocmf' | 'chained-v1';
export const SIGNED_READING_FORMATS: readonly SignedReadingFormat[] = Object.freeze(['meterledger-v1', 'bc4p-tasmota', 'ocmf', 'chained-v1'] as const);

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
  /** ENERGY.Total exactly as printed and signed, e.g. "1.000" (never re-formatted); for a string Total, its content (e.g. " 1.581"). */
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
  /** RD[i].RV exactly as written in the payload text, or a string RV's content (undefined where a reading has no RV). */
  readingValueText: (string | undefined)[];
}

/** The signed content of a 'chained-v1' packet (the payload); also the input of encodeChainedPayload. */
export interface ChainedV1Fields {
  meterId: string;
  /** RFC 3339 with an offset, exactly as signed. */
  time: string;
  /** The value exactly as signed: a string's content (e.g. "1.500", " 0001.5") or a number's source text. */
  value: string;
  unit: string;
  /** Non-negative safe integer. */
  sequence: number;
  /** Hex SHA-256 of the previous packet's payload bytes; 64 zeros for the first packet of a chain. */
  previous: string;
}

export interface ChainedV1Reading extends SignedReadingBase {
  format: 'chained-v1';
  fields: ChainedV1Fields;
}

export type SignedReading = MeterledgerV1Reading | Bc4pTasmotaReading | OcmfReading | ChainedV1Reading;

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
  if (hasLoneSurrogate(value)) throw malformed(`${field} contains a lone UTF-16 surrogate`);
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

/** A signatureEncoding field, checked against the scheme (MALFORMED_READING when bad). */
function declaredEncoding(scheme: SignatureScheme, declared: unknown): SignatureEncoding {
  try {
    return signatureEncodingFor(scheme, declared);
  } catch (cause) {
    throw new CryptoError('MALFORMED_READING', `signatureEncoding: ${(cause as Error).message}`, { cause });
  }
}

function isStrictDer(sig: Uint8Array): boolean {
  try {
    parseDerSignature(sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * Accepted device deviation: no encoding was declared, the scheme is ECDSA and the signature is 64
 * bytes that are not strict DER. Only raw r || s fits, so it is read as raw.
 */
function encodingOf(scheme: SignatureScheme, declared: unknown, sig: Uint8Array, field: string): SignatureEncoding {
  let encoding = declaredEncoding(scheme, declared);
  if (declared === undefined && encoding === 'der' && sig.length === 64 && !isStrictDer(sig)) encoding = 'raw';
  checkSignatureShape(scheme, sig, encoding, field);
  return encoding;
}

/** Hex (either letter case) or strict base64/base64url. */
function signatureFromText(value: unknown, field: string): Uint8Array {
  const sigText = text(value, field);
  const signature = /^(?:[0-9a-fA-F]{2})+$/.test(sigText) ? fromHex(sigText) : decodeBase64Strict(sigText);
  if (!signature) throw malformed(`${field} must be hex or canonical base64/base64url`);
  return signature;
}

// ------------------------------------------------------------------------------------------------
// meterledger-v1
// ------------------------------------------------------------------------------------------------

export const READING_V1_TYPE = 'meterledger.reading.v1';
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** The time is signed exactly as written; it must be a strict RFC 3339 date-time (see rfc3339.ts). */
function checkTime(value: unknown, field = 'time'): string {
  const t = text(value, field);
  try {
    parseRfc3339(t);
  } catch (err) {
    throw malformed(`${field} must be a strict RFC 3339 date-time with an offset, e.g. "2024-05-01T12:00:00Z": ${(err as Error).message}`);
  }
  return t;
}

function checkSequence(value: unknown, lexeme?: string, field = 'sequence'): number | null {
  if (value === undefined || value === null) return null;
  const ok =
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && (lexeme === undefined || /^(?:0|[1-9][0-9]*)$/.test(lexeme));
  if (!ok) throw malformed(`${field} must be a non-negative integer (written without fraction or exponent) or absent`);
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
  return encodeCheckedV1(checkV1Fields(fields as Record<string, unknown>));
}

/** encodeReadingV1 of fields checkV1Fields returned (the parser checks them once, not twice). */
function encodeCheckedV1(f: ReadingV1Fields): Uint8Array {
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
  declaredEncoding(scheme, doc.signatureEncoding);
  const signature = signatureFromText(doc.signature, 'signature');
  const encoding = encodingOf(scheme, doc.signatureEncoding, signature, 'signature');
  return { format: 'meterledger-v1', scheme, signedBytes: encodeCheckedV1(fields), signature, signatureEncoding: encoding, fields };
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
  // Accepted device deviation: Total as a JSON string holding a decimal, padded or with leading zeros
  // (" 1.581", "0001.581"). The firmware signs the text it prints, so the string's content is signed.
  const totalNode = doc.ENERGY.Total;
  const total = typeof totalNode === 'number' ? numbers.get('/ENERGY/Total') : typeof totalNode === 'string' && isDeviceDecimal(totalNode) ? totalNode : undefined;
  if (total === undefined) throw malformed('ENERGY.Total must be a number, or a string holding a decimal such as "1.581"');
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
    // Accepted device deviation: RV as a JSON string holding a decimal (" 2935.6", "02935.60").
    if (has(rd, 'RV') && typeof rd.RV !== 'number' && !(typeof rd.RV === 'string' && isDeviceDecimal(rd.RV))) {
      throw malformed(`RD[${i}].RV must be a number, or a string holding a decimal such as "2935.6"`);
    }
    readingValueText.push(typeof rd.RV === 'string' ? rd.RV : numbers.get(`/RD/${i}/RV`));
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
// chained-v1
// ------------------------------------------------------------------------------------------------

export const CHAINED_V1_TYPE = 'meterledger.chained.v1';
/** The `previous` of the first packet of a chain (and of the first packet after a reset). */
export const CHAINED_ZERO_HASH = '0'.repeat(64);

const CHAINED_PAYLOAD_KEYS = new Set(['type', 'meterId', 'time', 'value', 'unit', 'sequence', 'previous']);
const CHAINED_PACKET_KEYS = new Set(['type', 'scheme', 'payload', 'signature', 'signatureEncoding']);

function checkChainedSequence(value: unknown, lexeme: string | undefined): number {
  const sequence = checkSequence(value, lexeme, 'payload.sequence');
  if (sequence === null) throw malformed('payload.sequence must be a non-negative integer');
  return sequence;
}

/**
 * The bytes a device signs for a 'chained-v1' packet: the UTF-8 of
 * canonicalJson({ type: 'meterledger.chained.v1', meterId, time, value, unit, sequence, previous }).
 * Strict (devices should send exactly this): value a decimal string without padding or leading
 * zeros, previous 64 lowercase hex digits. Throws MALFORMED_READING naming the bad field.
 */
export function encodeChainedPayload(fields: ChainedV1Fields): Uint8Array {
  if (!isObject(fields)) throw malformed('chained-v1 fields must be an object');
  const f = fields as unknown as Record<string, unknown>;
  const meterId = text(f.meterId, 'meterId');
  const time = checkTime(f.time);
  if (typeof f.value !== 'string' || !DECIMAL.test(f.value)) {
    throw malformed('value must be a decimal string exactly as measured, e.g. "1.000" (no exponent, no "+", no leading zeros)');
  }
  const unit = text(f.unit, 'unit');
  const sequence = checkSequence(f.sequence);
  if (sequence === null) throw malformed('sequence must be a non-negative integer');
  if (typeof f.previous !== 'string' || !/^[0-9a-f]{64}$/.test(f.previous)) {
    throw malformed('previous must be 64 lowercase hex digits (the SHA-256 of the previous payload, or 64 zeros)');
  }
  return utf8Bytes(canonicalJson({ type: CHAINED_V1_TYPE, meterId, time, value: f.value, unit, sequence, previous: f.previous }), 'payload');
}

/**
 * A synchronous signer, what signChainedPacket needs: a SoftwareSigner, or a wrapper returning a signature
 * made elsewhere. An instrument's secure element, HSM or PKCS#11 token signs asynchronously: see DeviceSigner
 * (sign `encodeChainedPayload(fields)` with it, then hand the signature to signChainedPacket).
 */
export interface SyncSigner {
  scheme: SignatureScheme;
  sign(message: Uint8Array, encoding?: SignatureEncoding): Uint8Array;
}

/**
 * Sign a 'chained-v1' packet: encodes the payload (encodeChainedPayload), signs it and returns the wire
 * text and the payload's hash, which is the `previous` of the next packet. For devices, gateways'
 * simulators and tests; the signer decides where the private key lives.
 */
export function signChainedPacket(signer: SyncSigner, fields: ChainedV1Fields, signatureEncoding?: SignatureEncoding): { packet: string; hash: string } {
  const scheme = signer.scheme;
  if (!isSignatureScheme(scheme)) throw new CryptoError('UNKNOWN_SCHEME', `signer scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}`);
  const encoding = signatureEncodingFor(scheme, signatureEncoding);
  const payload = encodeChainedPayload(fields);
  const signature = signer.sign(payload, encoding);
  const packet = JSON.stringify({
    type: CHAINED_V1_TYPE,
    scheme,
    payload: Buffer.from(payload).toString('utf8'),
    signature: toHex(signature),
    signatureEncoding: encoding,
  });
  return { packet, hash: sha256Hex(payload) };
}

function parseChainedPayload(payloadText: string): ChainedV1Fields {
  const { value: p, numbers } = parseJsonWithLexemes(payloadText, 'chained-v1 payload');
  if (!isObject(p)) throw malformed('chained-v1 payload must be a JSON object');
  for (const k of Object.keys(p)) if (!CHAINED_PAYLOAD_KEYS.has(k)) throw malformed(`unexpected field ${JSON.stringify(k)} in chained-v1 payload`);
  if (p.type !== CHAINED_V1_TYPE) throw malformed(`payload.type must be "${CHAINED_V1_TYPE}"`);
  const meterId = text(p.meterId, 'payload.meterId');
  const time = checkTime(p.time, 'payload.time');
  // Accepted device deviations: a padded string or leading zeros (" 1.5", "001.5"), or a JSON number.
  // The payload is signed as text, so the value is interpreted from exactly what was signed.
  const value = typeof p.value === 'number' ? numbers.get('/value') : typeof p.value === 'string' ? p.value : undefined;
  if (value === undefined || !isDeviceDecimal(value)) throw malformed('payload.value must be a decimal string such as "1.500" (no exponent, no "+")');
  const unit = text(p.unit, 'payload.unit');
  const sequence = checkChainedSequence(p.sequence, numbers.get('/sequence'));
  // Accepted device deviation: upper-case hex in previous.
  if (typeof p.previous !== 'string' || !/^[0-9a-fA-F]{64}$/.test(p.previous)) {
    throw malformed('payload.previous must be 64 hex digits (the SHA-256 of the previous payload, or 64 zeros)');
  }
  return { meterId, time, value, unit, sequence, previous: p.previous };
}

function parseChainedV1(raw: string): ChainedV1Reading {
  const { value: doc } = parseJsonWithLexemes(raw, 'chained-v1 packet');
  if (!isObject(doc)) throw malformed('chained-v1 packet must be a JSON object');
  for (const k of Object.keys(doc)) if (!CHAINED_PACKET_KEYS.has(k)) throw malformed(`unexpected field ${JSON.stringify(k)} in chained-v1 packet`);
  if (doc.type !== CHAINED_V1_TYPE) throw malformed(`type must be "${CHAINED_V1_TYPE}"`);
  if (!isSignatureScheme(doc.scheme)) throw malformed(`scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}`);
  const scheme = doc.scheme;
  const payload = text(doc.payload, 'payload');
  const fields = parseChainedPayload(payload);
  declaredEncoding(scheme, doc.signatureEncoding);
  const signature = signatureFromText(doc.signature, 'signature');
  const encoding = encodingOf(scheme, doc.signatureEncoding, signature, 'signature');
  return { format: 'chained-v1', scheme, signedBytes: utf8Bytes(payload, 'payload'), signature, signatureEncoding: encoding, fields };
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
export function parseSignedReading(format: 'chained-v1', raw: string): ChainedV1Reading;
export function parseSignedReading(format: string, raw: string, options?: ParseSignedReadingOptions): SignedReading;
export function parseSignedReading(format: string, raw: string, options: ParseSignedReadingOptions = {}): SignedReading {
  if (!(SIGNED_READING_FORMATS as readonly string[]).includes(format)) {
    throw new CryptoError('UNKNOWN_FORMAT', `unknown reading format ${JSON.stringify(String(format))}; expected one of ${SIGNED_READING_FORMATS.join(', ')}`);
  }
  if (typeof raw !== 'string') throw malformed('raw reading must be a string');
  if (format === 'meterledger-v1') return parseMeterledgerV1(raw);
  if (format === 'bc4p-tasmota') return parseBc4pTasmota(raw, options ?? {});
  if (format === 'chained-v1') return parseChainedV1(raw);
  return parseOcmf(raw);
}
