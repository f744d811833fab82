import {
  MAX_EPOCH_MS_EXCLUSIVE,
  MAX_YEAR,
  MIN_EPOCH_MS,
  MIN_YEAR,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  daysFromCivil,
  daysInMonth,
  formatUtcMillis,
} from './calendar';
import { CryptoError } from './errors';

/**
 * The one strict RFC 3339 date-time parser of meterledger, used by the wire schemas, the registry, the
 * readings arithmetic and the signed-reading parser alike. Accepted: exactly
 *
 *     YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|+HH:MM|-HH:MM)
 *
 * - `T` and `Z` upper case only. RFC 3339 §5.6 allows lower case, but one spelling per instant keeps
 *   signed texts and keys unambiguous; `t`/`z` are rejected with a message saying so.
 * - An offset is required (a local time without one does not name an instant). `-00:00` is read as UTC.
 * - A real calendar date (leap years of the proleptic Gregorian calendar), hours 00-23 (no `24:00`),
 *   minutes and seconds 00-59 (no leap second `:60`: Fabric timestamps and JavaScript cannot represent it).
 * - 1 to 9 fraction digits; digits past the millisecond are truncated, never rounded.
 * - The instant must lie in the years 0000-9999 UTC.
 * No clock, no `Date`: the result is the same on every endorsing peer.
 */

const STRICT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const ANY_CASE = new RegExp(STRICT.source, 'i');
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export interface Rfc3339Time {
  /** Milliseconds since 1970-01-01T00:00:00Z (fraction truncated to the millisecond). */
  epochMs: number;
  /** The same instant as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  utc: string;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

function fail(text: string, why: string): never {
  throw new CryptoError('MALFORMED_TIME', `time ${quote(text)} ${why}`);
}

/** Parse a strict RFC 3339 date-time (see the module comment); throws CryptoError MALFORMED_TIME. */
export function parseRfc3339(text: string): Rfc3339Time {
  if (typeof text !== 'string') throw new CryptoError('MALFORMED_TIME', 'time must be an RFC 3339 string');
  const m = STRICT.exec(text);
  if (!m) {
    if (ANY_CASE.test(text)) fail(text, 'must use an upper-case "T" and "Z"');
    if (WITHOUT_OFFSET.test(text)) fail(text, 'has no UTC offset: RFC 3339 times end in "Z" or an offset like "+05:30"');
    fail(text, 'is not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM))');
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12) fail(text, `has month ${m[2]}, not 01-12`);
  if (day < 1 || day > daysInMonth(year, month)) fail(text, `names day ${m[3]}, which ${m[1]}-${m[2]} does not have`);
  if (hour > 23) fail(text, `has hour ${m[4]}, not 00-23 (write 24:00 as 00:00 of the next day)`);
  if (minute > 59) fail(text, `has minute ${m[5]}, not 00-59`);
  if (second > 59) fail(text, `has second ${m[6]}, not 00-59 (leap seconds are not supported)`);
  const milli = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offH = Number(m[10]);
    const offM = Number(m[11]);
    if (offH > 23 || offM > 59) fail(text, 'has an offset out of range (±00:00 to ±23:59)');
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const local = daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + milli;
  const epochMs = local - offsetMinutes * MS_PER_MINUTE;
  if (epochMs < MIN_EPOCH_MS || epochMs >= MAX_EPOCH_MS_EXCLUSIVE) {
    fail(text, `is outside the supported years ${MIN_YEAR}-${MAX_YEAR} (UTC)`);
  }
  // A valid time already written as `…SS.sssZ` is its own UTC form (the common case: stored times).
  return { epochMs, utc: m[8] !== undefined && m[7]?.length === 3 ? text : formatUtcMillis(epochMs) };
}

/** True when `text` is a strict RFC 3339 date-time (see {@link parseRfc3339}). */
export function isRfc3339(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  try {
    parseRfc3339(text);
    return true;
  } catch {
    return false;
  }
}

/** The UTC form `YYYY-MM-DDTHH:MM:SS.sssZ` of a strict RFC 3339 date-time with any offset. */
export function toUtcRfc3339(text: string): string {
  return parseRfc3339(text).utc;
}
