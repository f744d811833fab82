import { formatUtcMillis, parseRfc3339 } from '@meterledger/crypto';
import {
  READINGS_LIMITS,
  readingsCommitment,
  windowsCommitment,
  type CommittedReading,
  type ReadingRecord,
  type SealResult,
  type WindowSeal,
} from '@meterledger/contract-api';
import type { Caller } from '../ledger/caller';
import { fromBytes, toBytes } from '../ledger/json';
import { KEY_END, splitStateKey } from '../ledger/state-key';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireRole } from '../registry/access';
import type { Request } from '../registry/requests';
import { emptyAggregate, mergeAggregates, aggregateOf, type Aggregate } from '@meterledger/contract-api';
import { groupReadingsRange, partialPrefix, readingRange, sealKey, sealPrefix, sealRangeKey, seriesLabel, seriesOf, type SeriesRef } from './keys';
import type { GroupEntry } from './submit';
import { WINDOW_LEVELS, coverRange, windowEnd, windowOf, windowStart, type WindowLevel } from '@meterledger/contract-api';

/** Who may seal: gateways (after their uploads) and auditors; sealing only freezes what the ledger already holds. */
export const SEALER_ROLES = ['gateway', 'auditor'] as const;

/**
 * Work one sealWindows transaction may do; Fabric stops a transaction at 100,000 keys read by range
 * queries (totalQueryLimit). Past the budget the sealed range stops early and the result says `more`.
 */
export const SEAL_BUDGET = { partialKeys: 40_000, rawReadings: 40_000 } as const;

/** The sealed part of a series: every reading in [from, until) is covered by seals; later readings there are rejected. */
export interface SealRange {
  from: string;
  until: string;
}

const CHILD: Partial<Record<WindowLevel, WindowLevel>> = { hour: 'minute', day: 'hour', month: 'day', year: 'month' };
const MS_PER_MINUTE = 60_000;

/** A raw entry of a series: a reading of the meter, or a group entry. */
export interface RawEntry {
  time: string;
  meterId: string;
  value: string;
  digest: string;
}

/**
 * The raw entries of a series with from <= time < to, ordered by time (then meter): a meter's readings,
 * at most `limit`; or the entries of a group's per-transaction minute chunks, at most `limit` chunks.
 */
export async function rawEntries(state: StateStore, series: SeriesRef, from: string, to: string, limit: number): Promise<RawEntry[]> {
  if (from >= to) return [];
  if (series.kind === 'm') {
    const { start, end } = readingRange(series.id, from, to);
    return (await state.range(start, end, limit)).map(({ value }) => {
      const r = fromBytes<ReadingRecord>(value);
      return { time: r.time, meterId: r.meterId, value: r.value, digest: r.digest };
    });
  }
  const { start, end } = groupReadingsRange(series.id, windowOf('minute', from), windowOf('minute', formatUtcMillis(parseRfc3339(to).epochMs - 1)));
  const entries = (await state.range(start, end, limit)).flatMap(({ value }) => fromBytes<GroupEntry[]>(value)).filter((e) => e.time >= from && e.time < to);
  const order = (a: RawEntry, b: RawEntry) => (a.time !== b.time ? (a.time < b.time ? -1 : 1) : a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0);
  return entries.sort(order);
}

export function commitmentOfEntries(entries: readonly RawEntry[]): string {
  return readingsCommitment(entries.map(({ time, meterId, digest }): CommittedReading => ({ time, meterId, digest })));
}

function sealOf(series: SeriesRef, level: WindowLevel, window: string, aggregate: Aggregate, commitment: string, tx: TxContext): WindowSeal {
  return { series: seriesLabel(series), level, window, ...aggregate, commitment, sealedBy: tx.txId, sealedAt: tx.timestamp };
}

export function aggregateOfSeal(seal: WindowSeal): Aggregate {
  return { sum: seal.sum, count: seal.count, min: seal.min, max: seal.max };
}

/** The child seals of a window: on the ledger, overridden by those this transaction is writing. */
export async function childSeals(
  state: StateStore,
  series: SeriesRef,
  level: WindowLevel,
  window: string,
  pending: ReadonlyMap<string, WindowSeal> = new Map(),
): Promise<WindowSeal[]> {
  const child = CHILD[level];
  if (!child) return [];
  const prefix = sealPrefix(series, child) + window;
  const byWindow = new Map<string, WindowSeal>();
  for (const { value } of await state.range(prefix, prefix + KEY_END, 100_000)) {
    const seal = fromBytes<WindowSeal>(value);
    byWindow.set(seal.window, seal);
  }
  for (const seal of pending.values()) if (seal.level === child && seal.window.startsWith(window)) byWindow.set(seal.window, seal);
  return [...byWindow.values()].sort((a, b) => (a.window < b.window ? -1 : a.window > b.window ? 1 : 0));
}

export async function readSealRange(state: StateStore, series: SeriesRef): Promise<SealRange | undefined> {
  const bytes = await state.get(sealRangeKey(series));
  return bytes ? fromBytes<SealRange>(bytes) : undefined;
}

/** The first year in which the series has any reading (every reading writes a year-level partial). */
export async function firstYearWithData(state: StateStore, series: SeriesRef): Promise<string | undefined> {
  const prefix = partialPrefix(series, 'year');
  const [first] = await state.range(prefix, prefix + KEY_END, 1);
  return first ? splitStateKey(first.key).attributes[3] : undefined;
}

/**
 * sealWindows: freeze the aggregates of a series' closed windows, up to `until` (clamped to the
 * transaction time minus READINGS_LIMITS.sealGraceMs, down to a whole minute). The sealed range grows
 * contiguously from the start of the first year with data. One pass:
 *
 * 1. every minute in [w, until) that holds readings (found through its partials) is sealed from its raw
 *    readings, with a commitment over exactly those readings;
 * 2. every coarser window that ends by `until` and contains one of those minutes, or the instant before
 *    w, is sealed from its child seals (ledger and this pass), with a commitment over them;
 * 3. the windows of coverRange(w, until) not sealed by 1–2 get empty seals, so that a reading arriving
 *    later in [w, until) always finds a seal among its five windows and is rejected (WINDOW_SEALED).
 *
 * Reads only closed windows, which submissions cannot write to without reading a seal key this writes: a
 * late reading and a seal of its window in one block cannot both be valid.
 */
export async function sealWindows(state: StateStore, caller: Caller, tx: TxContext, request: Request<'sealWindows'>): Promise<SealResult> {
  requireRole(caller, SEALER_ROLES, 'sealWindows');
  const series = seriesOf(request);
  const label = seriesLabel(series);
  const requested = Math.min(parseRfc3339(request.until).epochMs, parseRfc3339(tx.timestamp).epochMs - READINGS_LIMITS.sealGraceMs);
  const target = formatUtcMillis(Math.floor(requested / MS_PER_MINUTE) * MS_PER_MINUTE);

  const range = await readSealRange(state, series);
  let from: string;
  let w: string;
  if (range) {
    ({ from, until: w } = range);
  } else {
    const year = await firstYearWithData(state, series);
    if (year === undefined) return { series: label, from: '', until: '', windowsSealed: 0, readingsCovered: 0, more: false };
    from = w = windowStart('year', year);
  }
  if (target <= w) return { series: label, from, until: w, windowsSealed: 0, readingsCovered: 0, more: false };

  // 1. minutes with data in [w, target)
  const minutePrefix = partialPrefix(series, 'minute');
  const partials = await state.range(minutePrefix + w.slice(0, 16), minutePrefix + target.slice(0, 16), SEAL_BUDGET.partialKeys + 1);
  const minutes = [...new Set(partials.map((p) => splitStateKey(p.key).attributes[3]))];
  let until = target;
  if (partials.length > SEAL_BUDGET.partialKeys) {
    const incomplete = minutes.pop() as string;
    until = windowStart('minute', incomplete);
  }
  const pending = new Map<string, WindowSeal>();
  const put = (seal: WindowSeal) => pending.set(`${seal.level}\u0000${seal.window}`, seal);
  let readingsCovered = 0;
  for (const minute of minutes) {
    const start = windowStart('minute', minute);
    if (start >= until) break;
    const entries = await rawEntries(state, series, start, windowEnd('minute', minute), SEAL_BUDGET.rawReadings + 1);
    if (readingsCovered + entries.length > SEAL_BUDGET.rawReadings && readingsCovered > 0) {
      until = start;
      break;
    }
    readingsCovered += entries.length;
    put(sealOf(series, 'minute', minute, aggregateOf(entries.map((e) => e.value)), commitmentOfEntries(entries), tx));
  }

  // 2. coarser windows closed by this pass
  const candidates = new Map<WindowLevel, Set<string>>(WINDOW_LEVELS.slice(1).map((l) => [l, new Set<string>()]));
  const instants = [...pending.values()].map((s) => windowStart('minute', s.window));
  if (w > from) instants.push(formatUtcMillis(parseRfc3339(w).epochMs - 1));
  for (const t of instants) {
    for (const level of WINDOW_LEVELS.slice(1)) {
      const id = windowOf(level, t);
      if (windowEnd(level, id) <= until) candidates.get(level)?.add(id);
    }
  }
  for (const level of WINDOW_LEVELS.slice(1)) {
    for (const id of [...(candidates.get(level) ?? [])].sort()) {
      const children = await childSeals(state, series, level, id, pending);
      const aggregate = children.reduce<Aggregate>((acc, c) => mergeAggregates(acc, aggregateOfSeal(c)), emptyAggregate());
      put(sealOf(series, level, id, aggregate, windowsCommitment(children), tx));
    }
  }

  // 3. empty seals over the rest of [w, until)
  for (const ref of until > w ? coverRange(w, until).windows : []) {
    if (!pending.has(`${ref.level}\u0000${ref.id}`)) put(sealOf(series, ref.level, ref.id, emptyAggregate(), ref.level === 'minute' ? readingsCommitment([]) : windowsCommitment([]), tx));
  }

  for (const seal of pending.values()) await state.put(sealKey(series, seal.level, seal.window), toBytes(seal));
  await state.put(sealRangeKey(series), toBytes({ from, until } satisfies SealRange));
  return { series: label, from, until, windowsSealed: pending.size, readingsCovered, more: until < target };
}
