import {
  WINDOW_LEVELS,
  coverRange,
  daysInMonth,
  isLeapYear,
  nextWindow,
  normalizeTime,
  windowEnd,
  windowOf,
  windowStart,
  windowsOf,
  type RangeCover,
  type WindowLevel,
} from './windows';

// Tests may use Date as an independent oracle; the code under test never does.
const iso = (ms: number): string => new Date(ms).toISOString();
const MINUTE = 60_000;

/** Deterministic LCG (Numerical Recipes constants), fixed seed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('normalizeTime', () => {
  it('normalizes Z and offsets to UTC with milliseconds', () => {
    expect(normalizeTime('2021-08-22T12:34:56Z')).toBe('2021-08-22T12:34:56.000Z');
    expect(normalizeTime('2021-08-22T12:34:56.7Z')).toBe('2021-08-22T12:34:56.700Z');
    expect(normalizeTime('2021-08-22T12:34:56.123456789Z')).toBe('2021-08-22T12:34:56.123Z');
    expect(normalizeTime('2021-08-22T18:04:56+05:30')).toBe('2021-08-22T12:34:56.000Z');
    expect(normalizeTime('2021-08-22T09:34:56-03:00')).toBe('2021-08-22T12:34:56.000Z');
    expect(normalizeTime('2021-08-22T12:34:56+00:00')).toBe('2021-08-22T12:34:56.000Z');
  });

  it('crosses day, month and year edges when applying offsets', () => {
    expect(normalizeTime('2022-01-01T03:00:00+05:30')).toBe('2021-12-31T21:30:00.000Z');
    expect(normalizeTime('2021-12-31T22:30:00-03:00')).toBe('2022-01-01T01:30:00.000Z');
    expect(normalizeTime('2024-03-01T01:00:00+02:00')).toBe('2024-02-29T23:00:00.000Z');
    expect(normalizeTime('2023-03-01T01:00:00+02:00')).toBe('2023-02-28T23:00:00.000Z');
  });

  it('agrees with Date on many random instants', () => {
    const rand = lcg(42);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(rand() * 8_000_000_000_000) - 2_000_000_000_000; // ~1906..2223
      const offsetMinutes = Math.floor(rand() * 26 * 60) - 12 * 60;
      const local = new Date(ms + offsetMinutes * MINUTE).toISOString().slice(0, 23);
      const sign = offsetMinutes < 0 ? '-' : '+';
      const abs = Math.abs(offsetMinutes);
      const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
      expect(normalizeTime(local + offset)).toBe(iso(ms));
    }
  });

  it('rejects times without an offset with a clear message', () => {
    expect(() => normalizeTime('2021-08-22T12:34:56')).toThrow(/no UTC offset/);
    expect(() => normalizeTime('2021-08-22T12:34:56.123')).toThrow(/no UTC offset/);
    expect(() => normalizeTime('2021-08-22 12:34')).toThrow(/no UTC offset/);
  });

  it('rejects malformed or impossible times', () => {
    for (const bad of [
      '',
      '2021-08-22',
      '2021-8-22T12:34:56Z',
      '2021-08-22T12:34Z',
      '2021-13-01T00:00:00Z',
      '2021-00-01T00:00:00Z',
      '2021-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2021-04-31T00:00:00Z',
      '2021-08-22T24:00:00Z',
      '2021-08-22T12:60:00Z',
      '2021-08-22T12:34:60Z',
      '2021-08-22T12:34:56+24:00',
      '2021-08-22T12:34:56+05:60',
      '2021-08-22T12:34:56+0530',
      ' 2021-08-22T12:34:56Z',
      // the strict parser's policy (shared with the registry and signed readings): upper-case T and Z
      '2021-08-22t12:34:56Z',
      '2021-08-22T12:34:56.7z',
      '0000-01-01T00:00:00+00:01',
      '9999-12-31T23:59:59-00:01',
    ]) {
      expect(() => normalizeTime(bad)).toThrow();
    }
    expect(normalizeTime('2000-02-29T00:00:00Z')).toBe('2000-02-29T00:00:00.000Z');
    expect(normalizeTime('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
  });
});

describe('calendar', () => {
  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2023, 2024, 2100, 2400].map(isLeapYear)).toEqual([false, true, false, true, false, true]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2021, m))).toEqual([
      31, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
  });
});

describe('windows', () => {
  it('cuts the paper example into five windows', () => {
    expect(windowsOf('2021-08-22T12:34:56Z')).toEqual({
      minute: '2021-08-22T12:34',
      hour: '2021-08-22T12',
      day: '2021-08-22',
      month: '2021-08',
      year: '2021',
    });
    expect(windowOf('day', '2021-08-22T12:34:56Z')).toBe('2021-08-22');
  });

  it('uses UTC windows for times with offsets', () => {
    expect(windowOf('year', '2022-01-01T03:00:00+05:30')).toBe('2021');
    expect(windowOf('minute', '2022-01-01T03:00:00+05:30')).toBe('2021-12-31T21:30');
    expect(windowOf('day', '2021-12-31T22:30:00-03:00')).toBe('2022-01-01');
  });

  it('computes starts and exclusive ends across edges', () => {
    expect(windowStart('minute', '2021-08-22T12:34')).toBe('2021-08-22T12:34:00.000Z');
    expect(windowEnd('minute', '2021-12-31T23:59')).toBe('2022-01-01T00:00:00.000Z');
    expect(windowEnd('hour', '2024-02-28T23')).toBe('2024-02-29T00:00:00.000Z');
    expect(windowEnd('day', '2024-02-29')).toBe('2024-03-01T00:00:00.000Z');
    expect(windowEnd('day', '2023-02-28')).toBe('2023-03-01T00:00:00.000Z');
    expect(windowEnd('month', '2024-02')).toBe('2024-03-01T00:00:00.000Z');
    expect(windowEnd('month', '2021-12')).toBe('2022-01-01T00:00:00.000Z');
    expect(windowStart('year', '2021')).toBe('2021-01-01T00:00:00.000Z');
    expect(windowEnd('year', '2021')).toBe('2022-01-01T00:00:00.000Z');
  });

  it('steps to the next window', () => {
    expect(nextWindow('minute', '2021-12-31T23:59')).toBe('2022-01-01T00:00');
    expect(nextWindow('hour', '2021-02-28T23')).toBe('2021-03-01T00');
    expect(nextWindow('day', '2024-02-28')).toBe('2024-02-29');
    expect(nextWindow('day', '2024-02-29')).toBe('2024-03-01');
    expect(nextWindow('day', '1900-02-28')).toBe('1900-03-01');
    expect(nextWindow('day', '2000-02-28')).toBe('2000-02-29');
    expect(nextWindow('month', '2021-12')).toBe('2022-01');
    expect(nextWindow('month', '2021-01')).toBe('2021-02');
    expect(nextWindow('year', '1999')).toBe('2000');
  });

  it('has window lengths that agree with Date for every month of 1899..2101', () => {
    for (let year = 1899; year <= 2101; year++) {
      for (let month = 1; month <= 12; month++) {
        const id = `${year}-${String(month).padStart(2, '0')}`;
        expect(windowEnd('month', id)).toBe(iso(Date.UTC(year, month, 1)));
      }
    }
  });

  it('rejects malformed window ids and levels', () => {
    expect(() => windowStart('day', '2021-02-29')).toThrow(/does not exist/);
    expect(() => windowStart('day', '2021-08')).toThrow(/not a day window id/);
    expect(() => windowStart('hour', '2021-08-22T24')).toThrow(/out of range/);
    expect(() => windowStart('minute', '2021-08-22T12:60')).toThrow(/out of range/);
    expect(() => windowStart('month', '2021-13')).toThrow(/month 13/);
    expect(() => windowStart('week' as WindowLevel, '2021')).toThrow(/unknown window level/);
    expect(() => windowOf('toString' as WindowLevel, '2021-01-01T00:00:00Z')).toThrow(/unknown window level/);
    expect(() => nextWindow('year', '9999')).toThrow(RangeError);
  });
});

/** Checks a cover against brute force: every minute of the core in exactly one window, in order, and the edges. */
function checkCover(t1: number, t2: number, cover: RangeCover, enumerateMinutes: boolean): void {
  const coreFrom = Math.ceil(t1 / MINUTE) * MINUTE;
  const coreTo = Math.floor(t2 / MINUTE) * MINUTE;
  if (t1 === t2) {
    expect(cover).toEqual({ windows: [], raw: [] });
    return;
  }
  if (coreFrom >= coreTo) {
    expect(cover).toEqual({ windows: [], raw: [{ from: iso(t1), to: iso(t2) }] });
    return;
  }
  const raw = [];
  if (t1 < coreFrom) raw.push({ from: iso(t1), to: iso(coreFrom) });
  if (coreTo < t2) raw.push({ from: iso(coreTo), to: iso(t2) });
  expect(cover.raw).toEqual(raw);
  // Contiguous, in order, exactly [coreFrom, coreTo).
  let at = iso(coreFrom);
  const gaps: string[] = [];
  for (const w of cover.windows) {
    if (windowStart(w.level, w.id) !== at) gaps.push(`${w.level} ${w.id} after ${at}`);
    at = windowEnd(w.level, w.id);
  }
  expect(gaps).toEqual([]);
  expect(at).toBe(iso(coreTo));
  // Minimal: no window could be replaced by its parent, which would then also lie within the core.
  const mergeable: string[] = [];
  for (const w of cover.windows) {
    const parentLevel = WINDOW_LEVELS[WINDOW_LEVELS.indexOf(w.level) + 1];
    if (parentLevel === undefined) continue;
    const parent = windowOf(parentLevel, windowStart(w.level, w.id));
    const inside =
      windowStart(parentLevel, parent) >= iso(coreFrom) && windowEnd(parentLevel, parent) <= iso(coreTo);
    if (inside) mergeable.push(`${w.level} ${w.id}`);
  }
  expect(mergeable).toEqual([]);
  if (enumerateMinutes) {
    // Each minute's own prefix (from Date) must name the current window or the next one.
    const prefixLength = { minute: 16, hour: 13, day: 10, month: 7, year: 4 };
    let i = 0;
    const misplaced: string[] = [];
    for (let m = coreFrom; m < coreTo; m += MINUTE) {
      const minute = iso(m);
      if (minute.slice(0, prefixLength[cover.windows[i].level]) !== cover.windows[i].id) i++;
      const w = cover.windows[i];
      if (w === undefined || minute.slice(0, prefixLength[w.level]) !== w.id) misplaced.push(minute);
    }
    expect(misplaced).toEqual([]);
    expect(i).toBe(cover.windows.length - 1);
  }
}

describe('coverRange', () => {
  it('covers a full year with one window', () => {
    expect(coverRange('2021-01-01T00:00:00Z', '2022-01-01T00:00:00Z')).toEqual({
      windows: [{ level: 'year', id: '2021' }],
      raw: [],
    });
    expect(coverRange('2024-01-01T05:30:00+05:30', '2024-12-31T21:00:00-03:00').windows).toEqual([
      { level: 'year', id: '2024' },
    ]);
  });

  it('covers Jan 15 - Mar 3 with a handful of windows', () => {
    const cover = coverRange('2021-01-15T00:00:00Z', '2021-03-03T00:00:00Z');
    expect(cover.windows).toEqual([
      { level: 'day', id: '2021-01-15' },
      ...Array.from({ length: 16 }, (_, i) => ({ level: 'day', id: `2021-01-${16 + i}` })),
      { level: 'month', id: '2021-02' },
      { level: 'day', id: '2021-03-01' },
      { level: 'day', id: '2021-03-02' },
    ]);
    expect(cover.windows.length).toBeLessThanOrEqual(20);
    expect(cover.raw).toEqual([]);
  });

  it('mixes levels at both ends and reports partial-minute edges as raw ranges', () => {
    const cover = coverRange('2021-12-31T23:58:30.250Z', '2022-01-01T01:01:10Z');
    expect(cover.windows).toEqual([
      { level: 'minute', id: '2021-12-31T23:59' },
      { level: 'hour', id: '2022-01-01T00' },
      { level: 'minute', id: '2022-01-01T01:00' },
    ]);
    expect(cover.raw).toEqual([
      { from: '2021-12-31T23:58:30.250Z', to: '2021-12-31T23:59:00.000Z' },
      { from: '2022-01-01T01:01:00.000Z', to: '2022-01-01T01:01:10.000Z' },
    ]);
  });

  it('handles leap days', () => {
    expect(coverRange('2024-02-29T00:00:00Z', '2024-03-01T00:00:00Z').windows).toEqual([
      { level: 'day', id: '2024-02-29' },
    ]);
    expect(coverRange('2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z').windows).toEqual([
      { level: 'month', id: '2024-02' },
    ]);
    expect(coverRange('1900-02-01T00:00:00Z', '1900-03-01T00:00:00Z').windows).toEqual([
      { level: 'month', id: '1900-02' },
    ]);
    expect(coverRange('2000-02-28T00:00:00Z', '2000-03-01T00:00:00Z').windows).toEqual([
      { level: 'day', id: '2000-02-28' },
      { level: 'day', id: '2000-02-29' },
    ]);
  });

  it('answers a range inside one minute from raw readings only', () => {
    expect(coverRange('2021-08-22T12:34:10Z', '2021-08-22T12:34:50Z')).toEqual({
      windows: [],
      raw: [{ from: '2021-08-22T12:34:10.000Z', to: '2021-08-22T12:34:50.000Z' }],
    });
    expect(coverRange('2021-08-22T12:34:10Z', '2021-08-22T12:35:50Z')).toEqual({
      windows: [],
      raw: [{ from: '2021-08-22T12:34:10.000Z', to: '2021-08-22T12:35:50.000Z' }],
    });
    expect(coverRange('2021-08-22T12:34:10Z', '2021-08-22T12:34:10Z')).toEqual({ windows: [], raw: [] });
    expect(() => coverRange('2021-08-22T12:34:11Z', '2021-08-22T12:34:10Z')).toThrow(/empty range/);
    expect(() => coverRange('2021-08-22T12:34:11', '2021-08-22T12:34:10Z')).toThrow(/no UTC offset/);
  });

  it('normalizes offsets before covering', () => {
    // [2021-12-31T21:30Z, 2022-01-01T03:00Z)
    expect(coverRange('2022-01-01T03:00:00+05:30', '2021-12-31T23:00:00-04:00').windows).toEqual([
      { level: 'minute', id: '2021-12-31T21:30' },
      ...Array.from({ length: 29 }, (_, i) => ({ level: 'minute', id: `2021-12-31T21:${31 + i}` })),
      { level: 'hour', id: '2021-12-31T22' },
      { level: 'hour', id: '2021-12-31T23' },
      { level: 'hour', id: '2022-01-01T00' },
      { level: 'hour', id: '2022-01-01T01' },
      { level: 'hour', id: '2022-01-01T02' },
    ]);
  });

  it('equals brute-force minute enumeration on random short ranges', () => {
    const rand = lcg(20210822);
    const base = Date.UTC(2019, 11, 25); // around a year edge and the 2020 leap day
    for (let i = 0; i < 300; i++) {
      const t1 = base + Math.floor(rand() * 80 * 86_400_000);
      const span = Math.floor(rand() * (rand() < 0.5 ? 3 * 3_600_000 : 5 * 86_400_000));
      const aligned = rand() < 0.5;
      const from = aligned ? Math.floor(t1 / MINUTE) * MINUTE : t1;
      const to = aligned ? Math.floor((from + span) / MINUTE) * MINUTE : from + span;
      checkCover(from, to, coverRange(iso(from), iso(to)), true);
    }
  });

  it('is contiguous, exact and minimal on random long ranges, with few windows', () => {
    const rand = lcg(1900);
    const base = Date.UTC(1898, 0, 1);
    for (let i = 0; i < 200; i++) {
      const from = base + Math.floor(rand() * 220 * 365 * 86_400_000);
      const to = from + Math.floor(rand() * 6 * 365 * 86_400_000);
      const cover = coverRange(iso(from), iso(to));
      checkCover(from, to, cover, false);
      // at most 59+23+30+11 windows on each side plus one per whole year in between
      expect(cover.windows.length).toBeLessThanOrEqual(2 * (59 + 23 + 30 + 11) + 6);
    }
  });
});
