import { formatUtcMillis, parseRfc3339 } from '@meterledger/crypto';
import {
  READINGS_LIMITS,
  type CountResult,
  type Page,
  type RangeAggregate,
  type ReadingRecord,
  type ReadingsAtResult,
  type SealView,
  type WindowAggregate,
  type WindowSeal,
} from '@meterledger/contract-api';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes } from '../ledger/json';
import { encodeBookmark } from '../ledger/pagination';
import { KEY_END, KEY_SEPARATOR } from '../ledger/state-key';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireRole } from '../registry/access';
import type { Request } from '../registry/requests';
import { average, emptyAggregate, mergeAggregates, type Aggregate } from '@meterledger/contract-api';
import { partialPrefix, readingKey, readingRange, sealKey, seriesLabel, seriesOf, valueIndexMeterPrefix, valueIndexPrefix, type SeriesRef } from './keys';
import { aggregateOfSeal, childSeals, firstYearWithData, rawEntries, readSealRange, type SealRange } from './seal';
import { valueKey } from './value-key';
import { coverRange, nextWindow, windowEnd, windowOf, windowStart, type WindowLevel, type WindowRef } from '@meterledger/contract-api';

/** Who may read readings and aggregates: auditors of any org. */
export const READER_ROLES = ['auditor'] as const;

/** Range scans have no use for more than Fabric's totalQueryLimit. */
const SCAN_LIMIT = 100_000;

type Cost = RangeAggregate['cost'];

function newCost(): Cost {
  return { windows: 0, sealedWindows: 0, partials: 0, rawReadings: 0 };
}

function valueOf(a: Aggregate, decimals: number) {
  return { ...a, avg: a.count > 0 ? average(a, decimals) : '' };
}

function requireReader(caller: Caller, action: string): void {
  requireRole(caller, READER_ROLES, action);
}

function checkRange(from: string, to: string): void {
  if (from > to) throw new ChaincodeError('INVALID_ARGUMENT', `the range is empty: from ${from} is after to ${to}`);
}

/** The partials of an unsealed window, merged. */
async function partialsAggregate(state: StateStore, series: SeriesRef, level: WindowLevel, window: string, cost: Cost): Promise<Aggregate> {
  const prefix = partialPrefix(series, level, window);
  const partials = await state.range(prefix, prefix + KEY_END, SCAN_LIMIT);
  cost.partials += partials.length;
  return partials.reduce<Aggregate>((acc, p) => mergeAggregates(acc, fromBytes<Aggregate>(p.value)), emptyAggregate());
}

/** A window's aggregate: its seal when sealed (one read), else the merge of the partials transactions wrote. */
async function windowAggregate(state: StateStore, series: SeriesRef, level: WindowLevel, window: string, cost: Cost): Promise<{ aggregate: Aggregate; seal?: WindowSeal }> {
  cost.windows++;
  const sealed = await state.get(sealKey(series, level, window));
  if (sealed) {
    cost.sealedWindows++;
    const seal = fromBytes<WindowSeal>(sealed);
    return { aggregate: aggregateOfSeal(seal), seal };
  }
  return { aggregate: await partialsAggregate(state, series, level, window, cost) };
}

/**
 * The merged aggregate of cover windows. A cover lists consecutive windows of one level in runs (minutes
 * up to the hour, hours up to the day, …), so each run's seals come from one range scan instead of a read
 * per window; windows the scan does not find are unsealed and merge their partials.
 */
async function coverAggregate(state: StateStore, series: SeriesRef, windows: readonly WindowRef[], cost: Cost): Promise<Aggregate> {
  let total = emptyAggregate();
  for (let i = 0; i < windows.length; ) {
    let j = i + 1;
    while (j < windows.length && windows[j].level === windows[i].level) j++;
    const level = windows[i].level;
    const run = windows.slice(i, j);
    const seals = new Map<string, WindowSeal>();
    for (const row of await state.range(sealKey(series, level, run[0].id), sealKey(series, level, run[run.length - 1].id) + KEY_END, SCAN_LIMIT)) {
      const seal = fromBytes<WindowSeal>(row.value);
      seals.set(seal.window, seal);
    }
    for (const ref of run) {
      cost.windows++;
      const seal = seals.get(ref.id);
      if (seal) cost.sealedWindows++;
      total = mergeAggregates(total, seal ? aggregateOfSeal(seal) : await partialsAggregate(state, series, level, ref.id, cost));
    }
    i = j;
  }
  return total;
}

/**
 * The aggregate of [from, to): the windows of coverRange, raw readings for the sub-minute edges. Windows
 * inside the series' sealed range come from seals; the windows past it (the unsealed tail, a suffix of
 * the cover) from one range scan over the minute partials of the tail, which holds nothing but the
 * transactions that wrote there since the last seal.
 */
async function rangeAggregate(state: StateStore, series: SeriesRef, from: string, to: string, sealed: SealRange | undefined, cost: Cost): Promise<Aggregate> {
  const cover = coverRange(from, to);
  const sealedUntil = sealed?.until ?? '';
  const firstUnsealed = cover.windows.findIndex((w) => windowEnd(w.level, w.id) > sealedUntil);
  const inSealed = firstUnsealed < 0 ? cover.windows : cover.windows.slice(0, firstUnsealed);
  let total = await coverAggregate(state, series, inSealed, cost);
  if (firstUnsealed >= 0) {
    const tail = cover.windows.slice(firstUnsealed);
    const last = tail[tail.length - 1];
    const prefix = partialPrefix(series, 'minute');
    const start = prefix + windowOf('minute', windowStart(tail[0].level, tail[0].id));
    const end = prefix + windowOf('minute', windowEnd(last.level, last.id));
    const partials = await state.range(start, end, SCAN_LIMIT);
    cost.windows += tail.length;
    cost.partials += partials.length;
    for (const p of partials) total = mergeAggregates(total, fromBytes<Aggregate>(p.value));
  }
  for (const edge of cover.raw) {
    const entries = await rawEntries(state, series, edge.from, edge.to, SCAN_LIMIT);
    cost.rawReadings += entries.length;
    for (const e of entries) total = mergeAggregates(total, { sum: e.value, count: 1, min: e.value, max: e.value });
  }
  return total;
}

/** Q3: sum, count, min, max, avg over [from, to). Cost grows with the windows spanned, not with the readings. */
export async function aggregateRange(state: StateStore, caller: Caller, request: Request<'aggregateRange'>): Promise<RangeAggregate> {
  requireReader(caller, 'aggregateRange');
  checkRange(request.from, request.to);
  const series = seriesOf(request);
  const cost = newCost();
  const aggregate = await rangeAggregate(state, series, request.from, request.to, await readSealRange(state, series), cost);
  return { series: seriesLabel(series), from: request.from, to: request.to, ...valueOf(aggregate, request.decimals), cost };
}

/** Q4: readings before `at`, and from `at` until the latest time a reading can have (transaction time + future skew). */
export async function countReadings(state: StateStore, caller: Caller, tx: TxContext, request: Request<'countReadings'>): Promise<CountResult> {
  requireReader(caller, 'countReadings');
  const series = seriesOf(request);
  const until = formatUtcMillis(Math.ceil((parseRfc3339(tx.timestamp).epochMs + READINGS_LIMITS.maxFutureSkewMs) / 60_000) * 60_000);
  const cost = newCost();
  const sealed = await readSealRange(state, series);
  const firstYear = sealed ? undefined : await firstYearWithData(state, series);
  const start = sealed?.from ?? (firstYear === undefined ? undefined : windowStart('year', firstYear));
  let before = 0;
  let after = 0;
  if (start !== undefined) {
    if (request.at > start) before = (await rangeAggregate(state, series, start, request.at, sealed, cost)).count;
    const afterFrom = request.at > start ? request.at : start;
    if (afterFrom < until) after = (await rangeAggregate(state, series, afterFrom, until, sealed, cost)).count;
  }
  return { series: seriesLabel(series), at: request.at, before, after, until, cost };
}

/** Q1: the readings of a meter at the given instants (point reads). */
export async function getReadingsAt(state: StateStore, caller: Caller, request: Request<'getReadingsAt'>): Promise<ReadingsAtResult> {
  requireReader(caller, 'getReadingsAt');
  const readings: ReadingRecord[] = [];
  const missing: string[] = [];
  for (const time of [...new Set(request.times)].sort()) {
    const bytes = await state.get(readingKey(request.meterId, time));
    if (bytes) readings.push(fromBytes<ReadingRecord>(bytes));
    else missing.push(time);
  }
  return { readings, missing };
}

function decodeBookmark(bookmark: string, prefix: string): string {
  const key = Buffer.from(bookmark, 'base64url').toString('utf8');
  if (encodeBookmark(key) !== bookmark || !key.startsWith(prefix)) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'bookmark does not belong to this query; pass back the bookmark of the previous page');
  }
  return key;
}

/** A meter's readings in [from, to), oldest first, a page at a time. */
export async function listReadings(state: StateStore, caller: Caller, request: Request<'listReadings'>): Promise<Page<ReadingRecord>> {
  requireReader(caller, 'listReadings');
  const { prefix, start, end } = readingRange(request.meterId, request.from, request.to);
  const resume = request.bookmark ? decodeBookmark(request.bookmark, prefix) + KEY_END : start;
  const rows = await state.range(resume > start ? resume : start, end, request.pageSize + 1);
  const page = rows.slice(0, request.pageSize);
  const items = page.map((r) => fromBytes<ReadingRecord>(r.value));
  return { items, bookmark: rows.length > request.pageSize ? encodeBookmark(page[page.length - 1].key) : '', fetchedCount: items.length };
}

/**
 * Q2: readings with above < value < below and from <= time < to, through the value index (one range
 * per day of the time range, over the index entries whose value is in the open interval).
 */
export async function findReadingsByValue(state: StateStore, caller: Caller, request: Request<'findReadingsByValue'>): Promise<Page<ReadingRecord>> {
  requireReader(caller, 'findReadingsByValue');
  checkRange(request.from, request.to);
  const items: ReadingRecord[] = [];
  if (request.from === request.to) return { items, bookmark: '', fetchedCount: 0 };
  const lastDay = windowOf('day', formatUtcMillis(parseRfc3339(request.to).epochMs - 1));
  let day = windowOf('day', request.from);
  let resumeAfter: string | undefined;
  if (request.bookmark) {
    const key = decodeBookmark(request.bookmark, valueIndexMeterPrefix(request.meterId));
    resumeAfter = key;
    day = key.split(KEY_SEPARATOR)[2];
    if (day < windowOf('day', request.from) || day > lastDay) throw new ChaincodeError('INVALID_ARGUMENT', 'bookmark does not belong to this query');
  }
  let lastKey = '';
  for (; day <= lastDay; day = nextWindow('day', day)) {
    const prefix = valueIndexPrefix(request.meterId, day);
    let start = request.above !== undefined ? prefix + valueKey(request.above) + KEY_SEPARATOR + KEY_END : prefix;
    const end = request.below !== undefined ? prefix + valueKey(request.below) : prefix + KEY_END;
    if (resumeAfter !== undefined && resumeAfter.startsWith(prefix)) {
      start = resumeAfter + KEY_END > start ? resumeAfter + KEY_END : start;
    }
    if (start >= end) continue;
    for (const row of await state.range(start, end, SCAN_LIMIT)) {
      const time = row.key.split(KEY_SEPARATOR)[4];
      if (time < request.from || time >= request.to) continue;
      if (items.length === request.pageSize) return { items, bookmark: encodeBookmark(lastKey), fetchedCount: items.length };
      const bytes = await state.get(readingKey(request.meterId, time));
      if (bytes) items.push(fromBytes<ReadingRecord>(bytes));
      lastKey = row.key;
    }
  }
  return { items, bookmark: '', fetchedCount: items.length };
}

/** The aggregates of the consecutive windows of one level starting in [from, to), pageSize windows a page (empty ones included). */
export async function listAggregates(state: StateStore, caller: Caller, request: Request<'listAggregates'>): Promise<Page<WindowAggregate>> {
  requireReader(caller, 'listAggregates');
  checkRange(request.from, request.to);
  const series = seriesOf(request);
  let window = request.bookmark ? Buffer.from(request.bookmark, 'base64url').toString('utf8') : windowOf(request.level, request.from);
  if (request.bookmark && (encodeBookmark(window) !== request.bookmark || window.length !== windowOf(request.level, request.from).length)) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'bookmark does not belong to this query; pass back the bookmark of the previous page');
  }
  if (!request.bookmark && windowStart(request.level, window) < request.from) window = nextWindow(request.level, window);
  const items: WindowAggregate[] = [];
  const cost = newCost();
  while (windowStart(request.level, window) < request.to) {
    if (items.length === request.pageSize) return { items, bookmark: encodeBookmark(window), fetchedCount: items.length };
    const { aggregate, seal } = await windowAggregate(state, series, request.level, window, cost);
    items.push({
      series: seriesLabel(series),
      level: request.level,
      window,
      start: windowStart(request.level, window),
      end: windowEnd(request.level, window),
      ...valueOf(aggregate, request.decimals),
      sealed: seal !== undefined,
      ...(seal ? { commitment: seal.commitment } : {}),
    });
    window = nextWindow(request.level, window);
  }
  return { items, bookmark: '', fetchedCount: items.length };
}

/** A window's seal and what its commitment covers: the child seals, or (minute) the readings. */
export async function getSeal(state: StateStore, caller: Caller, request: Request<'getSeal'>): Promise<SealView> {
  requireReader(caller, 'getSeal');
  const series = seriesOf(request);
  try {
    windowStart(request.level, request.window);
  } catch (err) {
    throw new ChaincodeError('INVALID_ARGUMENT', `getSeal: ${(err as Error).message}`);
  }
  const bytes = await state.get(sealKey(series, request.level, request.window));
  const seal = bytes ? fromBytes<WindowSeal>(bytes) : null;
  if (request.level === 'minute') {
    const entries = seal
      ? await rawEntries(state, series, windowStart('minute', request.window), windowEnd('minute', request.window), SCAN_LIMIT)
      : [];
    return { seal, children: [], readings: entries.map(({ time, meterId, digest }) => ({ time, meterId, digest })) };
  }
  const children = seal ? (await childSeals(state, series, request.level, request.window)).filter((c) => c.count > 0) : [];
  return { seal, children, readings: [] };
}
