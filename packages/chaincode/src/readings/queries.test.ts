import { formatUtcMillis, generateSoftwareSigner, parseRfc3339 } from '@meterledger/crypto';
import { readingsCommitment, windowsCommitment, type WindowLevel } from '@meterledger/contract-api';
import { ReadingsDriver, v1Item } from '../testing/readings-driver';
import { aggregateOf, average, compareDecimals } from '@meterledger/contract-api';
import { WINDOW_LEVELS, windowOf } from '@meterledger/contract-api';
import { seededRandom } from '../testing/random';


const ms = (t: string) => parseRfc3339(t).epochMs;
const iso = (n: number) => formatUtcMillis(n);

interface Stored {
  time: string;
  value: string;
}

/**
 * Readings across a year end (and a leap-day-free month end), submitted in random batches with seals at
 * random points; every query must equal a brute-force recomputation over the raw readings, sealed or not.
 */
describe('readings queries are exact', () => {
  const rand = seededRandom(2026);
  const driver = new ReadingsDriver();
  const signer = generateSoftwareSigner('ed25519');
  const stored: Stored[] = [];
  const start = ms('2026-12-31T22:30:00Z');
  const end = ms('2027-01-01T01:30:00Z');
  let sealedUntil = '';

  beforeAll(async () => {
    await driver.init();
    await driver.registerActive(signer, 'm-1');
    const times = new Set<number>();
    while (times.size < 400) times.add(start + Math.floor(rand() * (end - start)));
    const sorted = [...times].sort((a, b) => a - b);
    let i = 0;
    while (i < sorted.length) {
      const n = 1 + Math.floor(rand() * 40);
      const batch = sorted.slice(i, i + n).map((t) => ({ time: iso(t), value: (Math.round(rand() * 20000) / 100 - 50).toFixed(rand() < 0.5 ? 2 : 1) }));
      i += n;
      const lastTime = ms(batch[batch.length - 1].time);
      const result = await driver.submit(
        batch.map((r) => v1Item(signer, { meterId: 'm-1', ...r })),
        { at: iso(lastTime + 30_000), group: 'site' },
      );
      expect(result.accepted).toBe(batch.length);
      stored.push(...batch.map((r) => ({ time: r.time, value: r.value })));
      if (rand() < 0.3 && i < sorted.length) {
        // seal up to the minute of the next reading (never beyond: it has not been submitted yet)
        const until = iso(Math.floor(sorted[i] / 60_000) * 60_000);
        const sealed = await driver.seal({ meterId: 'm-1' }, until, iso(sorted[i] + 120_000));
        await driver.seal({ group: 'site' }, until, iso(sorted[i] + 120_000));
        expect(sealed.until <= until).toBe(true);
        sealedUntil = sealed.until;
      }
    }
    expect(sealedUntil).not.toBe('');
  });

  function brute(from: string, to: string) {
    const values = stored.filter((r) => r.time >= from && r.time < to).map((r) => r.value);
    return aggregateOf(values);
  }

  it('Q3 over random ranges equals the brute force, for the meter and for its group', async () => {
    for (let k = 0; k < 60; k++) {
      const a = start - 600_000 + Math.floor(rand() * (end - start + 1_200_000));
      const b = a + Math.floor(rand() * (end - a + 600_000));
      const from = iso(k % 3 === 0 ? Math.floor(a / 60_000) * 60_000 : a);
      const to = iso(b);
      const expected = brute(from, to);
      for (const series of [{ meterId: 'm-1' }, { group: 'site' }]) {
        const got = await driver.aggregateRange({ ...series, from, to });
        expect({ from, to, count: got.count, sum: got.sum, min: got.min, max: got.max }).toEqual({ from, to, ...expected });
        expect(got.avg).toBe(expected.count ? average(expected) : '');
      }
    }
  });

  it('Q3 reads sealed windows where sealed, so its cost does not grow with the readings', async () => {
    const got = await driver.aggregateRange({ meterId: 'm-1', from: '2026-01-01T00:00:00Z', to: sealedUntil });
    expect(got.count).toBe(brute('2026-01-01T00:00:00Z', sealedUntil).count);
    expect(got.cost.partials).toBe(0);
    expect(got.cost.rawReadings).toBe(0);
    expect(got.cost.sealedWindows).toBe(got.cost.windows);
    expect(got.cost.windows).toBeLessThan(130);
  });

  it('Q4 counts before and after t', async () => {
    for (let k = 0; k < 20; k++) {
      const at = iso(start - 60_000 + Math.floor(rand() * (end - start + 120_000)));
      const got = await driver.countReadings({ meterId: 'm-1', at }, iso(end + 60_000));
      expect([at, got.before, got.after]).toEqual([at, stored.filter((r) => r.time < at).length, stored.filter((r) => r.time >= at).length]);
    }
  });

  it('Q2 finds exactly the readings with above < value < below in the time range, page by page', async () => {
    for (let k = 0; k < 15; k++) {
      const above = (Math.round(rand() * 200) - 100).toString();
      const below = (Number(above) + Math.round(rand() * 100)).toString();
      const from = iso(start + Math.floor(rand() * (end - start) * 0.5));
      const to = iso(ms(from) + Math.floor(rand() * (end - start)));
      const expected = stored
        .filter((r) => r.time >= from && r.time < to && compareDecimals(r.value, above) > 0 && compareDecimals(r.value, below) < 0)
        .map((r) => r.time)
        .sort();
      const got: string[] = [];
      let bookmark = '';
      do {
        const page = await driver.findReadingsByValue({ meterId: 'm-1', from, to, above, below, pageSize: 7, bookmark });
        expect(page.items.length).toBeLessThanOrEqual(7);
        got.push(...page.items.map((r) => r.time));
        bookmark = page.bookmark;
      } while (bookmark);
      expect(got.sort()).toEqual(expected);
    }
  });

  it('Q1 returns the readings at the given times and names the missing ones', async () => {
    const times = [stored[3].time, stored[100].time, '2027-01-01T00:00:00.001Z'];
    const got = await driver.getReadingsAt({ meterId: 'm-1', times });
    expect(got.readings.map((r) => [r.time, r.value])).toEqual([stored[3], stored[100]].map((r) => [r.time, r.value]).sort());
    expect(got.missing).toEqual(stored.some((r) => r.time === times[2]) ? [] : [times[2]]);
  });

  it('the history pages through every reading in order', async () => {
    const got: string[] = [];
    let bookmark = '';
    do {
      const page = await driver.listReadings({ meterId: 'm-1', pageSize: 50, bookmark });
      got.push(...page.items.map((r) => r.time));
      bookmark = page.bookmark;
    } while (bookmark);
    expect(got).toEqual(stored.map((r) => r.time));
  });

  it('window aggregates of every level equal the brute force, and every seal commitment checks out', async () => {
    for (const level of WINDOW_LEVELS as WindowLevel[]) {
      const page = await driver.listAggregates({ meterId: 'm-1', level, from: level === 'minute' ? '2026-12-31T23:50:00Z' : '2026-01-01T00:00:00Z', to: '2027-01-01T00:10:00Z', pageSize: 1000 });
      for (const w of page.items) {
        const expected = brute(w.start, w.end);
        expect([level, w.window, w.count, w.sum]).toEqual([level, w.window, expected.count, expected.sum]);
        if (!w.sealed || w.count === 0) continue;
        const view = await driver.getSeal({ meterId: 'm-1', level, window: w.window });
        const recomputed = level === 'minute' ? readingsCommitment(view.readings) : windowsCommitment(view.children);
        expect(recomputed).toBe(view.seal?.commitment);
        if (level === 'minute') expect(view.readings.length).toBe(w.count);
      }
    }
    expect(windowOf('year', sealedUntil)).toMatch(/^202[67]$/);
  });

  it('a reading late for a sealed window is rejected, and nothing changes', async () => {
    const late = iso(ms(sealedUntil) - 30_000);
    expect(stored.some((r) => r.time === late)).toBe(false);
    const before = driver.ledger.snapshot();
    const result = await driver.submit([v1Item(signer, { meterId: 'm-1', time: late, value: '1' })], { at: iso(end + 60_000) });
    expect(result.outcomes[0]).toMatchObject({ status: 'rejected', code: 'WINDOW_SEALED' });
    expect(driver.ledger.snapshot()).toEqual(before);
  });
});
