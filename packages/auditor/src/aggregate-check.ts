import {
  readingsCommitment,
  windowsCommitment,
  type CommittedReading,
  type ReadingRecord,
  type SealView,
  type WindowAggregate,
  type WindowLevel,
  type WindowSeal,
} from '@meterledger/contract-api';
import { CHILD_LEVEL, aggregateOf, compareDecimals, windowOf, type Aggregate } from '@meterledger/contract-api';

/** A raw entry of a series: what aggregates and commitments are computed from. */
export interface RawEntry extends CommittedReading {
  value: string;
}

export function rawEntryOf(r: ReadingRecord): RawEntry {
  return { time: r.time, meterId: r.meterId, digest: r.digest, value: r.value };
}

/**
 * The commitment a seal of (level, window) must carry over exactly `entries` (all inside the window):
 * minute: readingsCommitment of the readings; coarser: windowsCommitment of the non-empty child windows,
 * each recomputed the same way down to the minutes.
 */
export function commitmentOf(level: WindowLevel, entries: readonly RawEntry[]): string {
  return recompute(level, '', entries).commitment;
}

interface Node {
  window: string;
  count: number;
  commitment: string;
}

function recompute(level: WindowLevel, window: string, entries: readonly RawEntry[]): Node {
  const child = CHILD_LEVEL[level];
  if (!child) return { window, count: entries.length, commitment: readingsCommitment(entries.map(({ time, meterId, digest }) => ({ time, meterId, digest }))) };
  return { window, count: entries.length, commitment: windowsCommitment(childNodes(child, entries)) };
}

/** The non-empty child windows of `entries` at level `child`, each with its recomputed commitment. */
function childNodes(child: WindowLevel, entries: readonly RawEntry[]): Node[] {
  const byChild = new Map<string, RawEntry[]>();
  for (const e of entries) {
    const id = windowOf(child, e.time);
    const list = byChild.get(id);
    if (list) list.push(e);
    else byChild.set(id, [e]);
  }
  return [...byChild.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, list]) => recompute(child, id, list));
}

export interface AggregateCheck {
  series: string;
  level: WindowLevel;
  window: string;
  start: string;
  end: string;
  /** From the raw readings (listReadings), with the commitment a seal over them must carry. */
  recomputed: Aggregate & { commitment: string };
  /** What listAggregates answers for the window (its seal, or the merge of partial aggregates). */
  listed: WindowAggregate | null;
  seal: WindowSeal | null;
  /** getSeal's answer: the seal and what its commitment covers (child seals, or the minute's readings). */
  sealView: SealView;
  /** listAggregates agrees with the raw readings (sum, count, min, max as numbers). */
  matchesListed: boolean;
  /** The seal's aggregate agrees with the raw readings; null when the window is not sealed. */
  matchesSeal: boolean | null;
  /** The seal's commitment equals the one recomputed from raw readings; null when not sealed. */
  commitmentMatches: boolean | null;
  /** Every disagreement, for people. Empty when ok. */
  mismatches: string[];
  ok: boolean;
}

function aggregateProblems(what: string, expected: Aggregate, actual: { sum: string; count: number; min: string; max: string }): string[] {
  const problems: string[] = [];
  if (actual.count !== expected.count) problems.push(`${what} count ${actual.count}, raw readings ${expected.count}`);
  for (const field of ['sum', 'min', 'max'] as const) {
    if (!sameDecimal(actual[field], expected[field])) problems.push(`${what} ${field} ${JSON.stringify(actual[field])}, raw readings ${JSON.stringify(expected[field])}`);
  }
  return problems;
}

/** Compare what the chain says about a window with what its raw readings say. Pure. */
export function compareWindow(input: {
  series: string;
  level: WindowLevel;
  window: string;
  start: string;
  end: string;
  entries: readonly RawEntry[];
  listed: WindowAggregate | null;
  sealView: SealView;
}): AggregateCheck {
  const { level, entries, listed, sealView } = input;
  const seal = sealView.seal;
  const recomputed = { ...aggregateOf(entries.map((e) => e.value)), commitment: commitmentOf(level, entries) };
  const mismatches: string[] = [];
  if (!listed) mismatches.push('listAggregates did not return the window');
  const listedProblems = listed ? aggregateProblems('listAggregates', recomputed, listed) : [];
  mismatches.push(...listedProblems);
  let matchesSeal: boolean | null = null;
  let commitmentMatches: boolean | null = null;
  if (seal) {
    const sealProblems = aggregateProblems('seal', recomputed, seal);
    mismatches.push(...sealProblems);
    matchesSeal = sealProblems.length === 0;
    commitmentMatches = seal.commitment === recomputed.commitment;
    if (!commitmentMatches) {
      mismatches.push(`seal commitment ${seal.commitment}, recomputed from raw readings ${recomputed.commitment}`);
      mismatches.push(...explainCommitment(level, entries, sealView));
    }
    if (listed && listed.sealed && listed.commitment !== seal.commitment) mismatches.push('listAggregates names another commitment than getSeal');
  }
  return {
    series: input.series,
    level,
    window: input.window,
    start: input.start,
    end: input.end,
    recomputed,
    listed,
    seal,
    sealView,
    matchesListed: listed !== null && listedProblems.length === 0,
    matchesSeal,
    commitmentMatches,
    mismatches,
    ok: mismatches.length === 0,
  };
}

/** Where a commitment differs: the readings (minute) or the child windows (coarser) that do not agree. */
function explainCommitment(level: WindowLevel, entries: readonly RawEntry[], view: SealView): string[] {
  const child = CHILD_LEVEL[level];
  if (!child) {
    const onChain = new Set(view.readings.map((r) => `${r.time} ${r.meterId} ${r.digest}`));
    const raw = new Set(entries.map((r) => `${r.time} ${r.meterId} ${r.digest}`));
    return [
      ...[...raw].filter((k) => !onChain.has(k)).map((k) => `reading ${k} is not among those the seal covers`),
      ...[...onChain].filter((k) => !raw.has(k)).map((k) => `the seal covers reading ${k}, which listReadings does not return`),
    ];
  }
  const mine = new Map(childNodes(child, entries).map((n) => [n.window, n]));
  const theirs = new Map(view.children.map((c) => [c.window, c]));
  const out: string[] = [];
  for (const id of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const a = mine.get(id);
    const b = theirs.get(id);
    if (!a || !b || a.count !== b.count || a.commitment !== b.commitment) {
      out.push(`${child} ${id}: raw readings ${a ? `${a.count} / ${a.commitment.slice(0, 16)}…` : 'none'}, child seal ${b ? `${b.count} / ${b.commitment.slice(0, 16)}…` : 'none'}`);
    }
  }
  return out;
}

/** Equal as numbers (empty strings, the min and max of no values, equal only each other). */
function sameDecimal(a: string, b: string): boolean {
  if (a === '' || b === '') return a === b;
  return compareDecimals(a, b) === 0;
}
