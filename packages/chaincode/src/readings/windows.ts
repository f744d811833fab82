/**
 * Time windows of the readings aggregate index (paper 001, Sobecki et al. 2022, section 4.2).
 *
 * A window is a prefix of the RFC 3339 UTC time of a reading:
 *   minute 2021-08-22T12:34 | hour 2021-08-22T12 | day 2021-08-22 | month 2021-08 | year 2021
 *
 * Deterministic by construction: no clock, no Date, no locale. Every function only parses the strings it
 * is given and does integer calendar arithmetic (proleptic Gregorian calendar, years 0000-9999, UTC).
 * Leap seconds (second 60) are rejected; digits beyond milliseconds are truncated.
 */

export type WindowLevel = 'minute' | 'hour' | 'day' | 'month' | 'year';

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

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const MIN_YEAR = 0;
const MAX_YEAR = 9999;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const RFC3339_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const MIN_MS = daysFromCivil(MIN_YEAR, 1, 1) * MS_PER_DAY;
const MAX_MS_EXCLUSIVE = daysFromCivil(MAX_YEAR + 1, 1, 1) * MS_PER_DAY;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Epoch milliseconds → `YYYY-MM-DDTHH:MM:SS.sssZ`. */
function formatMs(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < MIN_MS || ms >= MAX_MS_EXCLUSIVE) {
    throw new RangeError(`time outside the supported years ${MIN_YEAR}-${MAX_YEAR} (UTC)`);
  }
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rest / MS_PER_HOUR);
  rest -= hour * MS_PER_HOUR;
  const minute = Math.floor(rest / MS_PER_MINUTE);
  rest -= minute * MS_PER_MINUTE;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(milli, 3)}Z`;
}

function checkDate(year: number, month: number, day: number, what: string): void {
  if (month < 1 || month > 12) throw new Error(`${what}: month ${pad(month, 2)} out of range`);
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new Error(`${what}: day ${pad(day, 2)} does not exist in ${pad(year, 4)}-${pad(month, 2)}`);
  }
}

/** Parses an RFC 3339 date-time with an explicit offset into epoch milliseconds (UTC). */
function parseToMs(rfc3339: string): number {
  if (typeof rfc3339 !== 'string') throw new Error('time must be an RFC 3339 string');
  const m = RFC3339.exec(rfc3339);
  if (!m) {
    if (RFC3339_WITHOUT_OFFSET.test(rfc3339)) {
      throw new Error(
        `time "${rfc3339}" has no UTC offset: RFC 3339 times must end in "Z" or an offset like "+05:30"`,
      );
    }
    throw new Error(`time "${rfc3339}" is not an RFC 3339 date-time (expected YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM))`);
  }
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  const what = `time "${rfc3339}"`;
  checkDate(year, month, day, what);
  if (hour > 23) throw new Error(`${what}: hour out of range`);
  if (minute > 59) throw new Error(`${what}: minute out of range`);
  if (second > 59) throw new Error(`${what}: second out of range (leap seconds are not supported)`);
  const milli = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offH = Number(m[10]);
    const offM = Number(m[11]);
    if (offH > 23 || offM > 59) throw new Error(`${what}: offset out of range`);
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offH * 60 + offM);
  }
  const local =
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * 1000 + milli;
  const ms = local - offsetMinutes * MS_PER_MINUTE;
  if (ms < MIN_MS || ms >= MAX_MS_EXCLUSIVE) {
    throw new RangeError(`${what} is outside the supported years ${MIN_YEAR}-${MAX_YEAR} (UTC)`);
  }
  return ms;
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
