import { isRfc3339, parseRfc3339, toUtcRfc3339 } from './rfc3339';
import { expectCode } from './testing/fixtures';

// Tests may use Date as an independent oracle; the code under test never does.
const iso = (ms: number): string => new Date(ms).toISOString();

/** Deterministic LCG (Numerical Recipes constants), fixed seed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('parseRfc3339', () => {
  it('normalizes Z and offsets to UTC with milliseconds', () => {
    expect(toUtcRfc3339('2021-08-22T12:34:56Z')).toBe('2021-08-22T12:34:56.000Z');
    expect(toUtcRfc3339('2021-08-22T18:04:56+05:30')).toBe('2021-08-22T12:34:56.000Z');
    expect(toUtcRfc3339('2021-08-22T09:34:56-03:00')).toBe('2021-08-22T12:34:56.000Z');
    expect(toUtcRfc3339('2021-08-22T12:34:56+00:00')).toBe('2021-08-22T12:34:56.000Z');
    expect(toUtcRfc3339('2021-08-22T12:34:56-00:00')).toBe('2021-08-22T12:34:56.000Z');
    expect(parseRfc3339('1970-01-01T00:00:01Z').epochMs).toBe(1000);
  });

  it('takes 1 to 9 fraction digits and truncates past the millisecond', () => {
    expect(toUtcRfc3339('2021-08-22T12:34:56.7Z')).toBe('2021-08-22T12:34:56.700Z');
    expect(toUtcRfc3339('2021-08-22T12:34:56.12Z')).toBe('2021-08-22T12:34:56.120Z');
    expect(toUtcRfc3339('2021-08-22T12:34:56.123456789Z')).toBe('2021-08-22T12:34:56.123Z');
    expect(toUtcRfc3339('2021-08-22T12:34:56.999999999Z')).toBe('2021-08-22T12:34:56.999Z');
    expectCode(() => parseRfc3339('2021-08-22T12:34:56.1234567890Z'), 'MALFORMED_TIME');
    expectCode(() => parseRfc3339('2021-08-22T12:34:56.Z'), 'MALFORMED_TIME');
  });

  it('crosses day, month and year edges when applying offsets', () => {
    expect(toUtcRfc3339('2022-01-01T03:00:00+05:30')).toBe('2021-12-31T21:30:00.000Z');
    expect(toUtcRfc3339('2021-12-31T22:30:00-03:00')).toBe('2022-01-01T01:30:00.000Z');
    expect(toUtcRfc3339('2024-03-01T01:00:00+02:00')).toBe('2024-02-29T23:00:00.000Z');
    expect(toUtcRfc3339('2023-03-01T01:00:00+02:00')).toBe('2023-02-28T23:00:00.000Z');
    expect(toUtcRfc3339('2021-08-22T00:00:00+23:59')).toBe('2021-08-21T00:01:00.000Z');
  });

  it('knows leap years: 2024 and 2000 have Feb 29, 2023 and 1900 do not', () => {
    expect(toUtcRfc3339('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(toUtcRfc3339('2000-02-29T23:59:59Z')).toBe('2000-02-29T23:59:59.000Z');
    expect(() => parseRfc3339('2023-02-29T00:00:00Z')).toThrow(/day 29, which 2023-02 does not have/);
    expect(() => parseRfc3339('1900-02-29T00:00:00Z')).toThrow(/day 29/);
    // The case that used to roll over to March 2 through Date.parse:
    expect(() => parseRfc3339('2026-02-30T00:00:00Z')).toThrow(/day 30, which 2026-02 does not have/);
  });

  it('rejects 24:00, leap seconds and out-of-range fields with a reason', () => {
    expect(() => parseRfc3339('2021-08-22T24:00:00Z')).toThrow(/hour 24, not 00-23/);
    expect(() => parseRfc3339('2016-12-31T23:59:60Z')).toThrow(/leap seconds are not supported/);
    expect(() => parseRfc3339('2021-08-22T12:60:00Z')).toThrow(/minute 60/);
    expect(() => parseRfc3339('2021-13-01T00:00:00Z')).toThrow(/month 13/);
    expect(() => parseRfc3339('2021-00-01T00:00:00Z')).toThrow(/month 00/);
    expect(() => parseRfc3339('2021-04-31T00:00:00Z')).toThrow(/day 31/);
    expect(() => parseRfc3339('2021-04-00T00:00:00Z')).toThrow(/day 00/);
    expect(() => parseRfc3339('2021-08-22T12:34:56+24:00')).toThrow(/offset out of range/);
    expect(() => parseRfc3339('2021-08-22T12:34:56+05:60')).toThrow(/offset out of range/);
  });

  it('requires upper-case T and Z (policy), saying so', () => {
    expect(() => parseRfc3339('2021-08-22t12:34:56Z')).toThrow(/upper-case "T" and "Z"/);
    expect(() => parseRfc3339('2021-08-22T12:34:56z')).toThrow(/upper-case "T" and "Z"/);
    expect(isRfc3339('2021-08-22T12:34:56Z')).toBe(true);
  });

  it('requires an offset, saying so', () => {
    expect(() => parseRfc3339('2021-08-22T12:34:56')).toThrow(/no UTC offset/);
    expect(() => parseRfc3339('2021-08-22T12:34:56.123')).toThrow(/no UTC offset/);
    expect(() => parseRfc3339('2021-08-22 12:34')).toThrow(/no UTC offset/);
  });

  it.each([
    '',
    '2021-08-22',
    '2021-8-22T12:34:56Z',
    '2021-08-22T12:34Z',
    '2021-08-22 12:34:56Z',
    '2021-08-22T12:34:56+0530',
    '2021-08-22T12:34:56+05',
    ' 2021-08-22T12:34:56Z',
    '2021-08-22T12:34:56Z ',
    '2021-08-22T12:34:56Z\n',
    '+2021-08-22T12:34:56Z',
    '２０２１-08-22T12:34:56Z',
    '0000-01-01T00:00:00+00:01',
    '9999-12-31T23:59:59-00:01',
  ])('rejects %j', (bad) => {
    const err = expectCode(() => parseRfc3339(bad), 'MALFORMED_TIME');
    expect(err.message).not.toMatch(/\n/);
    expect(isRfc3339(bad)).toBe(false);
  });

  it('accepts the edges of the supported range', () => {
    expect(toUtcRfc3339('0000-01-01T00:00:00Z')).toBe('0000-01-01T00:00:00.000Z');
    expect(toUtcRfc3339('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
  });

  it('rejects non-strings', () => {
    expectCode(() => parseRfc3339(42 as unknown as string), 'MALFORMED_TIME');
    expect(isRfc3339(undefined)).toBe(false);
  });

  it('agrees with Date on many random instants and offsets', () => {
    const rand = lcg(42);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rand() * 8_000_000_000_000) - 2_000_000_000_000; // ~1906..2223
      const offsetMinutes = Math.floor(rand() * 26 * 60) - 12 * 60;
      const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      expect(parseRfc3339(local + offset)).toEqual({ epochMs: ms, utc: iso(ms) });
    }
  });
});
