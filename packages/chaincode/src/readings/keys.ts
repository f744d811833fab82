import { KEY_END, stateKey } from '../ledger/state-key';
import type { WindowLevel } from '@meterledger/contract-api';

/**
 * Key layout of the readings contract (see ../ledger/state-key.ts for the encoding). A series is one
 * meter (`m`) or one group of meters (`g`); times are UTC `YYYY-MM-DDTHH:MM:SS.sssZ`, window ids are
 * prefixes of them, so both sort chronologically as text.
 *
 *   reading        ~ meterId ~ time                          → ReadingRecord
 *   reading-head   ~ meterId                                 → ReadingHead (meters with ordered readings only)
 *   reading-value  ~ meterId ~ day ~ valueKey ~ time         → index for Q2 (value-key.ts)
 *   group-readings ~ group ~ minute ~ txId                   → GroupEntry[]: one transaction's readings of the group in that minute
 *   partial        ~ m|g ~ id ~ level ~ window ~ txId        → Aggregate of the readings one transaction added
 *   seal           ~ m|g ~ id ~ level ~ window               → WindowSeal
 *   seal-range     ~ m|g ~ id                                → SealRange: the sealed part [from, until) of the series
 *
 * Submitting transactions read only the keys of their own readings, the meter's registry record, the seal
 * keys of their readings' windows and (ordered meters) the head, and they write per-transaction partials:
 * two submissions never read what the other writes unless they carry readings of the same ordered meter.
 */
export const READING_KEY_TYPES = {
  reading: 'reading',
  head: 'reading-head',
  value: 'reading-value',
  groupReadings: 'group-readings',
  partial: 'partial',
  seal: 'seal',
  sealRange: 'seal-range',
} as const;

export interface SeriesRef {
  kind: 'm' | 'g';
  id: string;
}

/** `meter:<id>` or `group:<id>`: how results name a series. */
export function seriesLabel(series: SeriesRef): string {
  return `${series.kind === 'm' ? 'meter' : 'group'}:${series.id}`;
}

export function seriesOf(request: { meterId?: string; group?: string }): SeriesRef {
  return request.meterId !== undefined ? { kind: 'm', id: request.meterId } : { kind: 'g', id: request.group as string };
}

export function readingKey(meterId: string, time: string): string {
  return stateKey(READING_KEY_TYPES.reading, [meterId, time]);
}

/** Bounds of the readings of a meter with from <= time < to (either open). */
export function readingRange(meterId: string, from?: string, to?: string): { start: string; end: string; prefix: string } {
  const prefix = stateKey(READING_KEY_TYPES.reading, [meterId]);
  return { prefix, start: prefix + (from ?? ''), end: prefix + (to ?? KEY_END) };
}

export function headKey(meterId: string): string {
  return stateKey(READING_KEY_TYPES.head, [meterId]);
}

export function valueIndexMeterPrefix(meterId: string): string {
  return stateKey(READING_KEY_TYPES.value, [meterId]);
}

export function valueIndexPrefix(meterId: string, day: string): string {
  return stateKey(READING_KEY_TYPES.value, [meterId, day]);
}

export function valueIndexKey(meterId: string, day: string, valueKey: string, time: string): string {
  return stateKey(READING_KEY_TYPES.value, [meterId, day, valueKey, time]);
}

/** A transaction's readings of a group in one minute, in one key (a group takes many readings a minute). */
export function groupReadingsKey(group: string, minute: string, txId: string): string {
  return stateKey(READING_KEY_TYPES.groupReadings, [group, minute, txId]);
}

/** Bounds of the group-readings keys of the minutes firstMinute..lastMinute (inclusive). */
export function groupReadingsRange(group: string, firstMinute: string, lastMinute: string): { start: string; end: string } {
  const prefix = stateKey(READING_KEY_TYPES.groupReadings, [group]);
  return { start: prefix + firstMinute, end: prefix + lastMinute + KEY_END };
}

export function partialKey(series: SeriesRef, level: WindowLevel, window: string, txId: string): string {
  return stateKey(READING_KEY_TYPES.partial, [series.kind, series.id, level, window, txId]);
}

/** Prefix of the partials of one window, or (window omitted) of one level. */
export function partialPrefix(series: SeriesRef, level: WindowLevel, window?: string): string {
  return stateKey(READING_KEY_TYPES.partial, window === undefined ? [series.kind, series.id, level] : [series.kind, series.id, level, window]);
}

export function sealKey(series: SeriesRef, level: WindowLevel, window: string): string {
  return stateKey(READING_KEY_TYPES.seal, [series.kind, series.id, level, window]);
}

export function sealPrefix(series: SeriesRef, level: WindowLevel): string {
  return stateKey(READING_KEY_TYPES.seal, [series.kind, series.id, level]);
}

export function sealRangeKey(series: SeriesRef): string {
  return stateKey(READING_KEY_TYPES.sealRange, [series.kind, series.id]);
}
