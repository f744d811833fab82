import type { WindowLevel } from '@meterledger/contract-api';
import { formatUtcMillis, parseRfc3339 } from '@meterledger/crypto';

/**
 * Window ids as the readings contract names them: prefixes of the UTC time `YYYY-MM-DDTHH:MM:SS.sssZ`
 * (minute `2026-01-01T10:05`, hour `2026-01-01T10`, day `2026-01-01`, month `2026-01`, year `2026`).
 * The auditor's own copy of this arithmetic (the chaincode's lives in packages/chaincode, which an SDK
 * must not depend on); unit tests compare the two.
 */

/** Finest first. */
export const WINDOW_LEVELS: readonly WindowLevel[] = ['minute', 'hour', 'day', 'month', 'year'];

const PREFIX_LENGTH: Record<WindowLevel, number> = { minute: 16, hour: 13, day: 10, month: 7, year: 4 };
const ID_PATTERN: Record<WindowLevel, RegExp> = {
  minute: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/,
  hour: /^\d{4}-\d{2}-\d{2}T\d{2}$/,
  day: /^\d{4}-\d{2}-\d{2}$/,
  month: /^\d{4}-\d{2}$/,
  year: /^\d{4}$/,
};
const EPOCH_TEMPLATE = '0000-01-01T00:00:00.000Z';

/** The next finer level (undefined for minute). */
export const CHILD_LEVEL: Readonly<Partial<Record<WindowLevel, WindowLevel>>> = { hour: 'minute', day: 'hour', month: 'day', year: 'month' };

/** The window of `level` that holds `time` (any RFC 3339 time; normalized to UTC first). */
export function windowOf(level: WindowLevel, time: string): string {
  return parseRfc3339(time).utc.slice(0, PREFIX_LENGTH[level]);
}

function checkId(level: WindowLevel, id: string): void {
  if (!ID_PATTERN[level].test(id)) throw new RangeError(`"${id}" is not a ${level} window id (e.g. ${EPOCH_TEMPLATE.replace('0000', '2026').slice(0, PREFIX_LENGTH[level])})`);
}

/** The first instant of a window, `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function windowStart(level: WindowLevel, id: string): string {
  checkId(level, id);
  const start = id + EPOCH_TEMPLATE.slice(id.length);
  parseRfc3339(start); // a real date (no month 13, no Feb 30)
  return start;
}

/** The first instant after a window (the start of the next one). */
export function windowEnd(level: WindowLevel, id: string): string {
  const start = new Date(parseRfc3339(windowStart(level, id)).epochMs);
  if (level === 'minute') start.setUTCMinutes(start.getUTCMinutes() + 1);
  else if (level === 'hour') start.setUTCHours(start.getUTCHours() + 1);
  else if (level === 'day') start.setUTCDate(start.getUTCDate() + 1);
  else if (level === 'month') start.setUTCMonth(start.getUTCMonth() + 1);
  else start.setUTCFullYear(start.getUTCFullYear() + 1);
  return formatUtcMillis(start.getTime());
}

export function nextWindow(level: WindowLevel, id: string): string {
  return windowEnd(level, id).slice(0, PREFIX_LENGTH[level]);
}

/** The level a window id belongs to, from its shape. */
export function levelOfWindow(id: string): WindowLevel {
  const level = WINDOW_LEVELS.find((l) => ID_PATTERN[l].test(id));
  if (!level) throw new RangeError(`"${id}" is not a window id (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM)`);
  return level;
}
