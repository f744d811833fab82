import {
  WEIGHING_LIMITS,
  aggregateOf,
  compareDecimals,
  mergeAggregates,
  type Aggregate,
  type TicketGroup,
  type TicketGroupsResult,
  type TicketGrouping,
  type TicketPage,
  type TicketView,
} from '@meterledger/contract-api';
import type { WeightUnit } from '@meterledger/crypto';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes } from '../ledger/json';
import { encodeBookmark } from '../ledger/pagination';
import type { PrivateStore } from '../ledger/private-store';
import { KEY_END, KEY_SEPARATOR, splitStateKey, stateKey } from '../ledger/state-key';
import type { Request } from '../registry/requests';
import { valueKey } from '../readings/value-key';
import { privateDataError, ticketReader, type TicketReader } from './access';
import { indexType, statusPart, WEIGHING_KEY_TYPES, type TicketIndex, type TicketSummary } from './keys';
import { readTicketView, type DailyTotals } from './tickets';

type Filter = Request<'queryTickets'>['filter'];

/**
 * Query planning. Every ticket is indexed under each attribute (keys.ts) with its summary as the value, so a
 * query scans one index and tests the rest of the filter on the summaries it meets. The index is the most
 * selective one the filter names an equality for (a load cell, a scale, a terminal, a station's
 * weighbridge, a station, a status), else the time index, else a weight index for a weight range alone.
 * Equality indexes continue with the time, so a time range narrows the scan to its keys. Cost of a page:
 * the index entries between the start and the pageSize-th hit (at most WEIGHING_LIMITS.maxScanPerPage,
 * then the page ends early with a bookmark), plus one private read per hit (its record; the summary carries the rest).
 */
interface ScanPlan {
  index: TicketIndex;
  start: string;
  end: string;
}

function timeBounded(index: TicketIndex, equal: string[], filter: Filter): ScanPlan {
  const prefix = stateKey(indexType(index), equal);
  return {
    index,
    start: filter.from ? prefix + filter.from : prefix,
    end: filter.to ? prefix + filter.to : prefix + KEY_END,
  };
}

function weightBounded(index: 'gross' | 'net', min: string | undefined, max: string | undefined): ScanPlan {
  const prefix = stateKey(indexType(index));
  // every key of value v starts with prefix + valueKey(v) + separator
  return { index, start: min ? prefix + valueKey(min) : prefix, end: max ? prefix + valueKey(max) + KEY_SEPARATOR + KEY_END : prefix + KEY_END };
}

function planScan(filter: Filter): ScanPlan {
  if (filter.cellSerialNumber) return timeBounded('cell', [filter.cellSerialNumber], filter);
  if (filter.scaleSerialNumber) return timeBounded('scale', [filter.scaleSerialNumber], filter);
  if (filter.terminalSerialNumber) return timeBounded('terminal', [filter.terminalSerialNumber], filter);
  if (filter.station && filter.weighbridge) return timeBounded('weighbridge', [filter.station, filter.weighbridge], filter);
  if (filter.station) return timeBounded('station', [filter.station], filter);
  if (filter.scaleStatus !== undefined) return timeBounded('status', [statusPart(filter.scaleStatus)], filter);
  if (filter.from || filter.to) return timeBounded('time', [], filter);
  if (filter.grossMin || filter.grossMax) return weightBounded('gross', filter.grossMin, filter.grossMax);
  if (filter.netMin || filter.netMax) return weightBounded('net', filter.netMin, filter.netMax);
  return timeBounded('time', [], filter);
}

/** The whole filter on one summary: the brute-force definition every query result must equal. */
function matches(s: TicketSummary, f: Filter): boolean {
  return (
    (f.station === undefined || s.station === f.station) &&
    (f.weighbridge === undefined || s.weighbridge === f.weighbridge) &&
    (f.terminalSerialNumber === undefined || s.terminal === f.terminalSerialNumber) &&
    (f.scaleSerialNumber === undefined || s.scale === f.scaleSerialNumber) &&
    (f.scaleStatus === undefined || s.status === f.scaleStatus) &&
    (f.cellSerialNumber === undefined || s.cells.includes(f.cellSerialNumber)) &&
    (f.flag === undefined || s.flags.includes(f.flag)) &&
    (f.from === undefined || s.time >= f.from) &&
    (f.to === undefined || s.time < f.to) &&
    (f.grossMin === undefined || compareDecimals(s.gross, f.grossMin) >= 0) &&
    (f.grossMax === undefined || compareDecimals(s.gross, f.grossMax) <= 0) &&
    (f.netMin === undefined || compareDecimals(s.net, f.netMin) >= 0) &&
    (f.netMax === undefined || compareDecimals(s.net, f.netMax) <= 0)
  );
}

/** A station identity's filter is pinned to its station; naming another is refused, not answered empty. */
function effectiveFilter(reader: TicketReader, filter: Filter): Filter {
  if (reader.station === null) return filter;
  if (filter.station !== undefined && filter.station !== reader.station) {
    throw new ChaincodeError('STATION_MISMATCH', `this identity reads only station ${reader.station}, not ${filter.station}`);
  }
  return { ...filter, station: reader.station };
}

function decodeScanBookmark(bookmark: string, plan: ScanPlan): string {
  const key = Buffer.from(bookmark, 'base64url').toString('utf8');
  if (encodeBookmark(key) !== bookmark || key < plan.start || key >= plan.end) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'bookmark does not belong to this query; pass back the bookmark of the previous page');
  }
  return key;
}

/** Scan the plan from `start`, calling `hit` for each matching summary until it returns false or the budget ends. */
async function scanMatches(
  store: PrivateStore,
  collection: string,
  plan: ScanPlan,
  filter: Filter,
  start: string,
  budget: number,
  hit: (s: TicketSummary, key: string) => boolean,
): Promise<{ scanned: number; lastKey: string; exhausted: boolean }> {
  let lastKey = '';
  let stoppedEarly = false;
  const scanned = await store.scan(collection, start, plan.end, (entry) => {
    lastKey = entry.key;
    const summary = fromBytes<TicketSummary>(entry.value);
    if (matches(summary, filter) && !hit(summary, entry.key)) {
      stoppedEarly = true;
      return false;
    }
    if (--budget <= 0) {
      stoppedEarly = true;
      return false;
    }
    return true;
  });
  return { scanned, lastKey, exhausted: !stoppedEarly };
}

/** queryTickets: one page of the caller's tickets matching every attribute of the filter. */
export async function queryTickets(store: PrivateStore, caller: Caller, request: Request<'queryTickets'>): Promise<TicketPage> {
  const reader = ticketReader(caller, request.customer, 'queryTickets');
  const filter = effectiveFilter(reader, request.filter);
  const plan = planScan(filter);
  const start = request.bookmark ? decodeScanBookmark(request.bookmark, plan) + KEY_SEPARATOR : plan.start;
  const hits: TicketSummary[] = [];
  try {
    const { scanned, lastKey, exhausted } = await scanMatches(store, reader.collection, plan, filter, start, WEIGHING_LIMITS.maxScanPerPage, (s) => {
      hits.push(s);
      return hits.length < request.pageSize;
    });
    const items: TicketView[] = [];
    for (const hit of hits) {
      const view = await readTicketView(store, reader.collection, reader.customer, hit.id, hit);
      if (view) items.push(view);
    }
    return { items, fetchedCount: items.length, scanned, bookmark: exhausted ? '' : encodeBookmark(lastKey) };
  } catch (err) {
    throw privateDataError(err, reader.collection);
  }
}

interface GroupAccumulator {
  key: string;
  unit: WeightUnit;
  count: number;
  gross: Aggregate;
  net: Aggregate;
}

function groupKeyOf(by: TicketGrouping, s: { station: string; weighbridge: string; day: string; status: string }): string {
  switch (by) {
    case 'weighbridge':
      return `${s.station}/${s.weighbridge}`;
    case 'station':
      return s.station;
    case 'day':
      return s.day;
    case 'status':
      return s.status;
  }
}

class Groups {
  readonly #groups = new Map<string, GroupAccumulator>();

  add(key: string, unit: WeightUnit, gross: Aggregate, net: Aggregate): void {
    const id = `${key}\u0000${unit}`;
    const g = this.#groups.get(id);
    if (!g) this.#groups.set(id, { key, unit, count: gross.count, gross, net });
    else this.#groups.set(id, { key, unit, count: g.count + gross.count, gross: mergeAggregates(g.gross, gross), net: mergeAggregates(g.net, net) });
  }

  result(): TicketGroup[] {
    return [...this.#groups.values()]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0))
      .map((g) => ({ key: g.key, unit: g.unit, count: g.count, gross: { sum: g.gross.sum, min: g.gross.min, max: g.gross.max }, net: { sum: g.net.sum, min: g.net.min, max: g.net.max } }));
  }
}

const MS_PER_DAY = 86_400_000;

/** Whole UTC days [from, to): the daily totals answer exactly. */
function wholeDays(filter: Filter): { from?: string; to?: string } | null {
  const onlyTotalsAttributes = Object.keys(filter).every((k) => ['station', 'weighbridge', 'scaleStatus', 'from', 'to'].includes(k));
  const midnight = (t: string | undefined) => t === undefined || t.endsWith('T00:00:00.000Z');
  if (!onlyTotalsAttributes || !midnight(filter.from) || !midnight(filter.to)) return null;
  return { from: filter.from?.slice(0, 10), to: filter.to?.slice(0, 10) };
}

/**
 * groupTickets: count and exact gross/net sum, min, max per weighbridge, station, UTC day or status (004
 * §III-B.4), per unit. When the filter names only station, weighbridge, status and whole UTC days, the
 * daily totals kept at submit answer it: cost grows with days × weighbridges × statuses, not with tickets.
 * Otherwise the matching tickets are scanned (at most WEIGHING_LIMITS.maxGroupScan index entries).
 */
export async function groupTickets(store: PrivateStore, caller: Caller, request: Request<'groupTickets'>): Promise<TicketGroupsResult> {
  const reader = ticketReader(caller, request.customer, 'groupTickets');
  const filter = effectiveFilter(reader, request.filter);
  const groups = new Groups();
  try {
    const days = wholeDays(filter);
    if (days) {
      if (days.from && days.to && (Date.parse(days.to) - Date.parse(days.from)) / MS_PER_DAY > WEIGHING_LIMITS.maxGroupDays) {
        throw new ChaincodeError('INVALID_ARGUMENT', `groupTickets: at most ${WEIGHING_LIMITS.maxGroupDays} days per call`);
      }
      const prefix = stateKey(WEIGHING_KEY_TYPES.dailyTotals);
      const start = days.from ? prefix + days.from : prefix;
      const end = days.to ? prefix + days.to : prefix + KEY_END;
      await store.scan(reader.collection, start, end, (entry) => {
        const [day, station, weighbridge, status, unit] = splitStateKey(entry.key).attributes;
        const s = { day, station, weighbridge, status: status.slice(1) };
        if (filter.station !== undefined && station !== filter.station) return true;
        if (filter.weighbridge !== undefined && weighbridge !== filter.weighbridge) return true;
        if (filter.scaleStatus !== undefined && s.status !== filter.scaleStatus) return true;
        const totals = fromBytes<DailyTotals>(entry.value);
        groups.add(groupKeyOf(request.by, s), unit as WeightUnit, totals.gross, totals.net);
        return true;
      });
      return { by: request.by, groups: groups.result(), source: 'totals' };
    }
    const plan = planScan(filter);
    const { exhausted } = await scanMatches(store, reader.collection, plan, filter, plan.start, WEIGHING_LIMITS.maxGroupScan, (s) => {
      const key = groupKeyOf(request.by, { ...s, day: s.time.slice(0, 10) });
      groups.add(key, s.unit as WeightUnit, aggregateOf([s.gross]), aggregateOf([s.net]));
      return true;
    });
    if (!exhausted) {
      throw new ChaincodeError('INVALID_ARGUMENT', `groupTickets: the filter matches more than ${WEIGHING_LIMITS.maxGroupScan} index entries; narrow it (e.g. whole UTC days and station only use the daily totals)`);
    }
    return { by: request.by, groups: groups.result(), source: 'scan' };
  } catch (err) {
    throw privateDataError(err, reader.collection);
  }
}
