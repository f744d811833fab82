import { canonicalDecimal } from './decimal';
import { CryptoError } from './errors';
import { sha256Hex } from './hash';
import { parseRfc3339 } from './rfc3339';
import type { SignedReading, SignedReadingFormat } from './signed-reading';

/** The facts of one reading, as the chaincode stores them: what interpretReading returns. */
export interface ReadingFacts {
  format: SignedReadingFormat;
  /** Index of the reading inside the signed message (OCMF RD[i]); 0 for single-reading formats. */
  index: number;
  /** The meter id when the signed content names it (v1 meterId, chained meterId); null otherwise (Tasmota, OCMF: the submitter maps device -> meter). */
  meterId: string | null;
  /** The time text exactly as signed. */
  deviceTime: string;
  /** UTC with exactly millisecond precision: "YYYY-MM-DDTHH:MM:SS.sssZ" (sorts as text). */
  time: string;
  /** Canonical decimal string: -?digits(.digits)?, no leading zeros, no '+', no exponent; keeps the stated scale ("1.500" stays "1.500"; "-0.0" -> "0.0"). */
  value: string;
  unit: string;
  sequence: number | null;
  /** chained-v1: hex SHA-256 of this packet's signed bytes and the `previous` it names; null for other formats. */
  chain: { hash: string; previous: string } | null;
  /** True when the value is a cumulative register that must never decrease under one key (Tasmota ENERGY.Total, OCMF energy registers, chained-v1 and meterledger-v1 readings whose unit is an energy unit: Wh, kWh, MWh, varh, kvarh). */
  cumulative: boolean;
  /** hex SHA-256 of the signed bytes: the identity of the signed reading (same content => same digest). */
  digest: string;
}

export interface InterpretReadingOptions {
  /**
   * The device's UTC offset, "Z" or "±HH:MM" (e.g. "+01:00"), for times signed without one (Tasmota
   * prints local time). Default "Z". A time that carries its own offset keeps it; this is ignored then.
   */
  utcOffset?: string;
}

/** Units of energy registers: a reading in one of these is cumulative (exact, case-sensitive match: "mWh" is not "MWh"). */
export const ENERGY_UNITS: readonly string[] = Object.freeze(['Wh', 'kWh', 'MWh', 'varh', 'kvarh']);
const ENERGY = new Set(ENERGY_UNITS);

/** The unit Tasmota's ENERGY.Total is in. */
const TASMOTA_UNIT = 'kWh';
/** OCMF TM: `2018-07-24T13:22:04,000+0200 S` (ISO 8601, comma and exactly 3 ms digits, ±hhmm, space, time status U/I/S/R). */
const OCMF_TM = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}),(\d{3})([+-]\d{2})(\d{2}) [UISR]$/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:\d{2})$/;

function malformed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('MALFORMED_READING', message, cause === undefined ? undefined : { cause });
}

function checkUtcOffset(offset: unknown): string {
  if (offset === undefined) return 'Z';
  let ok = typeof offset === 'string' && /^(?:Z|[+-]\d{2}:\d{2})$/.test(offset);
  if (ok) {
    try {
      parseRfc3339(`2000-01-01T00:00:00${offset as string}`); // the one parser decides the range (±23:59)
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new CryptoError('MALFORMED_TIME', `utcOffset ${JSON.stringify(String(offset))} must be "Z" or an offset such as "+01:00"`);
  return offset as string;
}

/** UTC of an RFC 3339 text through the one strict parser; MALFORMED_READING naming `field` otherwise. */
function utc(rfc3339: string, field: string, signed: string): string {
  try {
    return parseRfc3339(rfc3339).utc;
  } catch (cause) {
    throw malformed(`${field} ${JSON.stringify(signed)} is not a valid time: ${(cause as Error).message}`, cause);
  }
}

function ocmfTime(tm: string, field: string): string {
  const m = OCMF_TM.exec(tm);
  if (!m) throw malformed(`${field} ${JSON.stringify(tm)} must look like "2018-07-24T13:22:04,000+0200 S" (time status U, I, S or R)`);
  return utc(`${m[1]}.${m[2]}${m[3]}:${m[4]}`, field, tm);
}

function interpretOcmf(parsed: Extract<SignedReading, { format: 'ocmf' }>, digest: string): ReadingFacts[] {
  const rd = parsed.fields.RD as Record<string, unknown>[];
  const facts: ReadingFacts[] = [];
  // OCMF: "fields that have an identical value to the previous reading are omitted" (within one record).
  const carried: Record<string, unknown> = {};
  rd.forEach((reading, index) => {
    for (const k of ['TM', 'RU', 'ST', 'EF']) if (Object.prototype.hasOwnProperty.call(reading, k)) carried[k] = reading[k];
    const at = `RD[${index}]`;
    // An RD without RV is either "same value as before" or an event without a value: ambiguous.
    const valueText = parsed.readingValueText[index];
    if (valueText === undefined) throw malformed(`${at}.RV is missing: a reading without a value is ambiguous (unchanged value, or an event)`);
    const { TM: tm, RU: unit, ST: status, EF: errors } = carried;
    if (typeof tm !== 'string') throw malformed(`${at}.TM must be a string`);
    if (typeof unit !== 'string' || unit.length === 0) throw malformed(`${at}.RU must be a non-empty string (the unit, e.g. "kWh")`);
    if (status !== undefined && status !== 'G') throw malformed(`${at}.ST is ${JSON.stringify(status)}: the meter reports its state is not good ("G"), so the value is not a valid reading`);
    if (errors !== undefined && errors !== '') throw malformed(`${at}.EF is ${JSON.stringify(errors)}: the meter flags quantities as unusable`);
    facts.push({
      format: 'ocmf',
      index,
      meterId: null,
      deviceTime: tm,
      time: ocmfTime(tm, `${at}.TM`),
      value: canonicalDecimal(valueText, `${at}.RV`),
      unit,
      sequence: null,
      chain: null,
      cumulative: ENERGY.has(unit),
      digest,
    });
  });
  return facts;
}

/** Facts of a format whose signed fields name meter, time, value, unit and sequence (meterledger-v1, chained-v1). */
function selfDescribed(
  format: 'meterledger-v1' | 'chained-v1',
  f: { meterId: string; time: string; value: string; unit: string; sequence: number | null },
  fieldPrefix: string,
  chain: ReadingFacts['chain'],
  digest: string,
): ReadingFacts {
  return {
    format,
    index: 0,
    meterId: f.meterId,
    deviceTime: f.time,
    time: utc(f.time, `${fieldPrefix}time`, f.time),
    value: canonicalDecimal(f.value, `${fieldPrefix}value`),
    unit: f.unit,
    sequence: f.sequence,
    chain,
    cumulative: ENERGY.has(f.unit),
    digest,
  };
}

/**
 * The one place that turns a parsed signed reading (parseSignedReading) into the facts the chaincode
 * stores: UTC time with millisecond precision, canonical decimal value, unit, order information
 * (sequence, chain link, cumulative register) and the digest of the signed bytes. Deterministic.
 * Returns one ReadingFacts per reading (several for OCMF with several RD entries).
 *
 * Throws CryptoError MALFORMED_READING (naming the field) for a value or time that cannot be read
 * unambiguously, MALFORMED_TIME for a bad options.utcOffset, UNKNOWN_FORMAT for an unknown format.
 */
export function interpretReading(parsed: SignedReading, options: InterpretReadingOptions = {}): ReadingFacts[] {
  const offset = checkUtcOffset(options?.utcOffset);
  if (typeof parsed !== 'object' || parsed === null || !(parsed.signedBytes instanceof Uint8Array)) {
    throw malformed('interpretReading takes the result of parseSignedReading');
  }
  const digest = sha256Hex(parsed.signedBytes);
  switch (parsed.format) {
    case 'meterledger-v1':
      return [selfDescribed(parsed.format, parsed.fields, '', null, digest)];
    case 'chained-v1':
      return [selfDescribed(parsed.format, parsed.fields, 'payload.', { hash: digest, previous: parsed.fields.previous.toLowerCase() }, digest)];
    case 'bc4p-tasmota': {
      const f = parsed.fields;
      // Tasmota prints local time without an offset: the declared utcOffset (default Z) places it.
      const time = HAS_OFFSET.test(f.time) ? f.time : `${f.time}${offset}`;
      return [
        {
          format: parsed.format,
          index: 0,
          meterId: null,
          deviceTime: f.time,
          time: utc(time, 'Time', f.time),
          value: canonicalDecimal(f.total, 'ENERGY.Total'),
          unit: TASMOTA_UNIT,
          sequence: null,
          chain: null,
          cumulative: true,
          digest,
        },
      ];
    }
    case 'ocmf':
      return interpretOcmf(parsed, digest);
    default:
      throw new CryptoError('UNKNOWN_FORMAT', `unknown reading format ${JSON.stringify(String((parsed as { format?: unknown }).format))}`);
  }
}
