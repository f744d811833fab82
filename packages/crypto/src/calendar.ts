/**
 * Proleptic Gregorian calendar arithmetic on integers, for years 0000-9999 in UTC. No clock, no `Date`,
 * no locale: every endorsing peer computes the same result. Used by the RFC 3339 parser and by the
 * readings window arithmetic.
 */

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
export const MIN_YEAR = 0;
export const MAX_YEAR = 9999;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
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

/** Epoch milliseconds of the first instant of year MIN_YEAR, and of the year after MAX_YEAR (exclusive). */
export const MIN_EPOCH_MS = daysFromCivil(MIN_YEAR, 1, 1) * MS_PER_DAY;
export const MAX_EPOCH_MS_EXCLUSIVE = daysFromCivil(MAX_YEAR + 1, 1, 1) * MS_PER_DAY;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Epoch milliseconds → `YYYY-MM-DDTHH:MM:SS.sssZ` (the form Fabric transaction times are stored in). */
export function formatUtcMillis(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < MIN_EPOCH_MS || ms >= MAX_EPOCH_MS_EXCLUSIVE) {
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
