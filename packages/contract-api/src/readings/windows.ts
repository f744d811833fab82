/**
 * Time windows of the readings aggregate index (paper 001, Sobecki et al. 2022, section 4.2).
 *
 * A window is a prefix of the RFC 3339 UTC time of a reading:
 *   minute 2021-08-22T12:34 | hour 2021-08-22T12 | day 2021-08-22 | month 2021-08 | year 2021
 *
 * Deterministic by construction: no clock, no Date, no locale. Every function only parses the strings it
 * is given (with the strict RFC 3339 parser of @meterledger/crypto: upper-case T and Z, an offset, a real
 * date, no 24:00, no leap second; digits beyond milliseconds are truncated) and does integer calendar
 * arithmetic (proleptic Gregorian calendar, years 0000-9999, UTC).
 */
import {
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  daysFromCivil,
  daysInMonth,
  formatUtcMillis,
  isLeapYear,
  parseRfc3339,
} from '@meterledger/crypto';

import type { WindowLevel } from '../readings-types';

export type { WindowLevel };

/** The next finer level (undefined for minute): the children of a window are windows of this level. */
export const CHILD_LEVEL: Readonly<Partial<Record<WindowLevel, WindowLevel>>> = Object.freeze({ hour: 'minute', day: 'hour', month: 'day', year: 'month' });

/** Finest first. */
export const WINDOW_LEVELS: readonly WindowLevel[] = ['minute', 'hour', 'day', 'month', 'year'];

/** Length of the window id, as a prefix of `YYYY-MM-DDTHH:MM:SS.sssZ`. */
const PREFIX_LENGTH: Record<WindowLevel, number> = { minute: 16, hour: 13, day: 10, month: 7, year: 4 };

const ID_PATTERN: Record<WindowLevel, RegExp> = {
  minute: /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/,
  hour: /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/,
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  year: /^(\d{4})$/,
};

export { daysInMonth, isLeapYear };

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const formatMs = formatUtcMillis;

function checkDate(year: number, month: number, day: number, what: string): void {
  if (month < 1 || month > 12) throw new Error(`${what}: month ${pad(month, 2)} out of range`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new Error(`${what}: day ${pad(day, 2)} does not exist in ${pad(year, 4)}-${pad(month, 2)}`);
  }
}

/** Parses a strict RFC 3339 date-time (the one parser of @meterledger/crypto) into epoch milliseconds (UTC). */
function parseToMs(rfc3339: string): number {
  return parseRfc3339(rfc3339).epochMs;
}

/**
 * RFC 3339 date-time (any offset) → UTC `YYYY-MM-DDTHH:MM:SS.sssZ`.
 * Times without an offset are rejected: their instant is ambiguous.
 */
export function normalizeTime(rfc3339: string): string {
  return formatMs(parseToMs(rfc3339));
}

/** The id of the window of `level` that contains `time` (any RFC 3339 time with an offset; windows are UTC). */
export function windowOf(level: WindowLevel, time: string): string {
  return normalizeTime(time).slice(0, prefixLength(level));
}

/** The ids of the five windows containing `time`, finest first (the keys a reading updates, Algorithm 1). */
export function windowsOf(time: string): Record<WindowLevel, string> {
  const utc = normalizeTime(time);
  return {
    minute: utc.slice(0, PREFIX_LENGTH.minute),
    hour: utc.slice(0, PREFIX_LENGTH.hour),
    day: utc.slice(0, PREFIX_LENGTH.day),
    month: utc.slice(0, PREFIX_LENGTH.month),
    year: utc.slice(0, PREFIX_LENGTH.year),
  };
}

function prefixLength(level: WindowLevel): number {
  const length = PREFIX_LENGTH[level];
  if (length === undefined || !Object.prototype.hasOwnProperty.call(PREFIX_LENGTH, level)) {
    throw new Error(`unknown window level "${String(level)}"`);
  }
  return length;
}

/** Window id → epoch ms of its first instant. Throws on malformed ids. */
function startMs(level: WindowLevel, id: string): number {
  prefixLength(level);
  const m = typeof id === 'string' ? ID_PATTERN[level].exec(id) : null;
  if (!m) throw new Error(`"${String(id)}" is not a ${level} window id`);
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  checkDate(year, month, day, `${level} window "${id}"`);
  if (hour > 23 || minute > 59) throw new Error(`${level} window "${id}": time out of range`);
  return daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE;
}

/** Epoch ms of the first instant after the window (its exclusive end). */
function endMs(level: WindowLevel, id: string): number {
  const start = startMs(level, id);
  switch (level) {
    case 'minute':
      return start + MS_PER_MINUTE;
    case 'hour':
      return start + MS_PER_HOUR;
    case 'day':
      return start + MS_PER_DAY;
    case 'month': {
      const year = Number(id.slice(0, 4));
      const month = Number(id.slice(5, 7));
      return start + daysInMonth(year, month) * MS_PER_DAY;
    }
    case 'year':
      return start + (isLeapYear(Number(id)) ? 366 : 365) * MS_PER_DAY;
  }
}

/** First instant of the window, as a UTC ISO string with milliseconds. */
export function windowStart(level: WindowLevel, id: string): string {
  return formatMs(startMs(level, id));
}

/** First instant after the window (exclusive end), as a UTC ISO string with milliseconds. */
export function windowEnd(level: WindowLevel, id: string): string {
  return formatMs(endMs(level, id));
}

/** The id of the window of the same level that follows `id`. */
export function nextWindow(level: WindowLevel, id: string): string {
  return formatMs(endMs(level, id)).slice(0, PREFIX_LENGTH[level]);
}

export interface WindowRef {
  level: WindowLevel;
  id: string;
}

/** A sub-minute edge of a range, half-open [from, to), to be answered from raw readings. */
export interface RawRange {
  from: string;
  to: string;
}

export interface RangeCover {
  /** Disjoint windows in chronological order, each as coarse as possible; their union is the minute-aligned core. */
  windows: WindowRef[];
  /** At most two partial-minute edges (before and after the core), or the whole range if it spans no full minute. */
  raw: RawRange[];
}

/**
 * The minimal set of windows (mixing levels, coarsest possible) whose union is exactly the minute-aligned
 * part of [t1, t2), plus the partial-minute edges as raw ranges. Times may carry any offset; all
 * returned times are normalized UTC. The number of windows is bounded by the calendar structure of the
 * range (at most 59+23+30+11 per side plus one per whole year), never by the number of readings.
 */
export function coverRange(t1: string, t2: string): RangeCover {
  const from = parseToMs(t1);
  const to = parseToMs(t2);
  if (from > to) throw new Error(`empty range: "${t1}" is after "${t2}"`);
  const cover: RangeCover = { windows: [], raw: [] };
  if (from === to) return cover;
  const coreFrom = Math.ceil(from / MS_PER_MINUTE) * MS_PER_MINUTE;
  const coreTo = Math.floor(to / MS_PER_MINUTE) * MS_PER_MINUTE;
  if (coreFrom >= coreTo) {
    cover.raw.push({ from: formatMs(from), to: formatMs(to) });
    return cover;
  }
  if (from < coreFrom) cover.raw.push({ from: formatMs(from), to: formatMs(coreFrom) });
  let at = coreFrom;
  while (at < coreTo) {
    const atIso = formatMs(at);
    let chosen: { ref: WindowRef; end: number } | undefined;
    // Coarsest first: the largest window that starts here and ends inside the range. Windows are nested
    // (each is partitioned by the finer level), so this greedy choice yields the unique minimal cover.
    for (let i = WINDOW_LEVELS.length - 1; i >= 0 && chosen === undefined; i--) {
      const level = WINDOW_LEVELS[i];
      const id = atIso.slice(0, PREFIX_LENGTH[level]);
      if (startMs(level, id) !== at) continue;
      const end = endMs(level, id);
      if (end <= coreTo) chosen = { ref: { level, id }, end };
    }
    if (chosen === undefined) throw new Error('internal error: no minute window fits'); // unreachable: core is minute-aligned
    cover.windows.push(chosen.ref);
    at = chosen.end;
  }
  if (coreTo < to) cover.raw.push({ from: formatMs(coreTo), to: formatMs(to) });
  return cover;
}

/** The level a window id belongs to, from its shape (and a real date). */
export function levelOfWindow(id: string): WindowLevel {
  const level = WINDOW_LEVELS.find((l) => ID_PATTERN[l].test(id));
  if (!level) throw new RangeError(`"${id}" is not a window id (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM)`);
  startMs(level, id);
  return level;
}
