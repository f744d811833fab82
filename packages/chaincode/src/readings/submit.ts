import {
  CryptoError,
  interpretReading,
  parseRfc3339,
  parseSignedReading,
  type ReadingFacts,
  type SignedReading,
} from '@meterledger/crypto';
import {
  READINGS_LIMITS,
  type ReadingOutcome,
  type ReadingRecord,
  type ReadingRejection,
  type ReadingsAcceptedEvent,
  type SubmitReadingsResult,
} from '@meterledger/contract-api';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireRole } from '../registry/access';
import { actorOf } from '../registry/actor';
import { readMeter } from '../registry/meters';
import type { Request } from '../registry/requests';
import type { KeyVersionRecord, MeterRecord } from '../registry/types';
import { checkMeterSignature, meterKeyAt, MeterSignatureError } from '../registry/meter-signature';
import { aggregateOf, compareDecimals, mergeAggregates, type Aggregate } from '@meterledger/contract-api';
import { groupReadingsKey, headKey, partialKey, readingKey, sealKey, valueIndexKey, type SeriesRef } from './keys';
import { valueKey } from './value-key';
import { WINDOW_LEVELS, windowsOf, type WindowLevel } from '@meterledger/contract-api';

/** Who may submit readings: metering gateways (the `meterledger.role=gateway` certificate attribute), of any org. */
export const SUBMITTER_ROLES = ['gateway'] as const;

/** The last accepted reading of a meter whose readings are ordered (sequence, chain or cumulative register). */
export interface ReadingHead {
  time: string;
  sequence: number | null;
  chainHash: string | null;
  /** The last cumulative value, with the key version it was signed under. */
  total: string | null;
  keyVersion: number;
}

/** A reading as a group's minute chunk holds it: enough to aggregate and commit without reading the reading. */
export interface GroupEntry {
  time: string;
  meterId: string;
  value: string;
  digest: string;
}

const ZERO_HASH = '0'.repeat(64);

/** Why one reading was rejected; the batch goes on. */
export class ReadingRejectionError extends Error {
  constructor(
    readonly code: ReadingRejection,
    message: string,
  ) {
    super(message);
  }
}

function reject(code: ReadingRejection, message: string): never {
  throw new ReadingRejectionError(code, message);
}

/** Per-transaction memory: a transaction does not see its own writes, so everything it decided lives here. */
class Batch {
  readonly meters = new Map<string, MeterRecord | undefined>();
  readonly heads = new Map<string, ReadingHead | undefined>();
  readonly dirtyHeads = new Set<string>();
  readonly sealed = new Map<string, boolean>();
  /** reading key → digest of the reading this batch accepted there. */
  readonly accepted = new Map<string, string>();
  /** The accepted values of each series and minute, aggregated once at the end (not once per reading and level). */
  readonly minuteValues = new Map<string, { series: SeriesRef; windows: Record<WindowLevel, string>; values: string[] }>();
  /** The accepted readings of the request's group, per minute. */
  readonly groupEntries = new Map<string, GroupEntry[]>();

  constructor(readonly state: StateStore) {}

  async meter(meterId: string): Promise<MeterRecord | undefined> {
    if (!this.meters.has(meterId)) this.meters.set(meterId, await readMeter(this.state, meterId));
    return this.meters.get(meterId);
  }

  async head(meterId: string): Promise<ReadingHead | undefined> {
    if (!this.heads.has(meterId)) {
      const bytes = await this.state.get(headKey(meterId));
      this.heads.set(meterId, bytes ? fromBytes<ReadingHead>(bytes) : undefined);
    }
    return this.heads.get(meterId);
  }

  async isSealed(series: SeriesRef, level: WindowLevel, window: string): Promise<boolean> {
    const key = sealKey(series, level, window);
    if (!this.sealed.has(key)) this.sealed.set(key, (await this.state.get(key)) !== undefined);
    return this.sealed.get(key) as boolean;
  }

  addValue(series: SeriesRef, windows: Record<WindowLevel, string>, value: string): void {
    const id = `${series.kind}\u0000${series.id}\u0000${windows.minute}`;
    const entry = this.minuteValues.get(id);
    if (entry) entry.values.push(value);
    else this.minuteValues.set(id, { series, windows, values: [value] });
  }

  /** This transaction's partial aggregate of every window of every series it added to. */
  partials(): { series: SeriesRef; level: WindowLevel; window: string; aggregate: Aggregate }[] {
    const partials = new Map<string, { series: SeriesRef; level: WindowLevel; window: string; aggregate: Aggregate }>();
    for (const { series, windows, values } of this.minuteValues.values()) {
      const minute = aggregateOf(values);
      for (const level of WINDOW_LEVELS) {
        const id = `${series.kind}\u0000${series.id}\u0000${level}\u0000${windows[level]}`;
        const entry = partials.get(id);
        if (entry) entry.aggregate = mergeAggregates(entry.aggregate, minute);
        else partials.set(id, { series, level, window: windows[level], aggregate: minute });
      }
    }
    return [...partials.values()];
  }
}

function describeMs(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`;
}

/** The device time must be within READINGS_LIMITS of the transaction time (a Tasmota with no NTP reads 1978). */
function checkSkew(facts: ReadingFacts, tx: TxContext, now: number): void {
  const t = parseRfc3339(facts.time).epochMs;
  if (t > now + READINGS_LIMITS.maxFutureSkewMs) {
    reject('CLOCK_SKEW', `device time ${facts.deviceTime} is more than ${describeMs(READINGS_LIMITS.maxFutureSkewMs)} after the transaction time ${tx.timestamp}`);
  }
  if (t < now - READINGS_LIMITS.maxAgeMs) {
    reject('CLOCK_SKEW', `device time ${facts.deviceTime} is more than ${describeMs(READINGS_LIMITS.maxAgeMs)} before the transaction time ${tx.timestamp}`);
  }
}

function meterIdOf(facts: ReadingFacts, declared: string | undefined): string {
  if (facts.meterId !== null) {
    if (declared !== undefined && declared !== facts.meterId) {
      reject('METER_ID_MISMATCH', `the request names meter ${declared} but the signed reading names ${facts.meterId}`);
    }
    return facts.meterId;
  }
  if (declared === undefined) reject('METER_ID_MISMATCH', `a ${facts.format} reading does not name its meter: give meterId`);
  return declared;
}

function keyFor(meter: MeterRecord, facts: ReadingFacts): KeyVersionRecord {
  try {
    return meterKeyAt(meter, facts.time);
  } catch (err) {
    if (err instanceof MeterSignatureError) reject(err.code, err.message);
    throw err;
  }
}

function checkSignature(parsed: SignedReading, key: KeyVersionRecord, meterId: string): void {
  try {
    checkMeterSignature(key, meterId, { message: parsed.signedBytes, signature: parsed.signature, signatureEncoding: parsed.signatureEncoding });
  } catch (err) {
    if (err instanceof MeterSignatureError) reject(err.code, err.message);
    throw err;
  }
}

/**
 * Ordering rules for meters whose readings carry order (a sequence, a chain link or a cumulative total):
 * each reading must come after the meter's last accepted one. Returns the new head and the reset kind.
 */
function checkOrder(facts: ReadingFacts, head: ReadingHead | undefined, key: KeyVersionRecord): { head: ReadingHead; reset?: ReadingRecord['reset'] } {
  let reset: ReadingRecord['reset'];
  if (head) {
    // A chain restart (previous = zeros) may restart the device's numbering too.
    const chainRestart = facts.chain !== null && facts.chain.previous === ZERO_HASH;
    if (!chainRestart && facts.sequence !== null && head.sequence !== null && facts.sequence <= head.sequence) {
      reject('SEQUENCE_REPLAYED', `sequence ${facts.sequence} is not above the last accepted sequence ${head.sequence}`);
    }
    if (facts.time <= head.time) reject('OUT_OF_ORDER', `time ${facts.time} is not after the last accepted reading at ${head.time}`);
    if (facts.chain) {
      if (facts.chain.previous === ZERO_HASH) reset = 'chain';
      else if (facts.chain.previous !== head.chainHash) {
        reject('CHAIN_GAP', `the packet follows ${facts.chain.previous.slice(0, 16)}…, but the last accepted packet is ${(head.chainHash ?? 'none').slice(0, 16)}…`);
      }
    }
    if (facts.cumulative && head.total !== null && compareDecimals(facts.value, head.total) < 0) {
      if (head.keyVersion === key.version) reject('TOTAL_DECREASED', `total ${facts.value} is below the last accepted total ${head.total}`);
      reset = 'key-rotation';
    }
  }
  return {
    reset,
    head: {
      time: facts.time,
      sequence: facts.sequence ?? head?.sequence ?? null,
      chainHash: facts.chain?.hash ?? head?.chainHash ?? null,
      total: facts.cumulative ? facts.value : (head?.total ?? null),
      keyVersion: key.version,
    },
  };
}

/** The ledger record of an accepted reading (also the 001 baseline's, so both store the same thing). */
export function readingRecord(
  facts: ReadingFacts,
  item: Item,
  key: KeyVersionRecord,
  caller: Caller,
  tx: TxContext,
  extra: { reset?: ReadingRecord['reset']; group?: string } = {},
): ReadingRecord {
  return {
    meterId: facts.meterId ?? (item.meterId as string),
    time: facts.time,
    deviceTime: facts.deviceTime,
    value: facts.value,
    unit: facts.unit,
    sequence: facts.sequence,
    format: facts.format,
    index: facts.index,
    payload: item.payload,
    ...(item.utcOffset ? { utcOffset: item.utcOffset } : {}),
    digest: facts.digest,
    keyVersion: key.version,
    cumulative: facts.cumulative,
    ...(facts.chain ? { chain: facts.chain } : {}),
    ...(extra.reset ? { reset: extra.reset } : {}),
    ...(extra.group ? { group: extra.group } : {}),
    txId: tx.txId,
    submittedBy: actorOf(caller),
    submittedAt: tx.timestamp,
  };
}

function isOrdered(facts: ReadingFacts): boolean {
  return facts.sequence !== null || facts.chain !== null || facts.cumulative;
}

type Item = Request<'submitReadings'>['readings'][number];

/**
 * Parse one submitted item and check its signature against the meter's key valid at the reading time;
 * for callers that take one reading per transaction (the 001 baseline). Throws ReadingRejectionError.
 */
export async function verifySubmittedReading(state: StateStore, item: Item): Promise<{ facts: ReadingFacts; meter: MeterRecord; key: KeyVersionRecord }> {
  const { parsed, facts: all } = parseItem(item);
  if (all.length !== 1) reject('MALFORMED_READING', `expected one reading in the message, found ${all.length}`);
  const [facts] = all;
  const meterId = meterIdOf(facts, item.meterId);
  const meter = await readMeter(state, meterId);
  if (!meter) reject('UNKNOWN_METER', `meter ${meterId} is not registered`);
  const key = keyFor(meter, facts);
  checkSignature(parsed, key, meterId);
  return { facts, meter, key };
}

function parseItem(item: Item): { parsed: SignedReading; facts: ReadingFacts[] } {
  try {
    const parsed = parseSignedReading(item.format, item.payload);
    return { parsed, facts: interpretReading(parsed, { utcOffset: item.utcOffset }) };
  } catch (err) {
    if (err instanceof CryptoError) reject('MALFORMED_READING', err.message);
    throw err;
  }
}

/**
 * submitReadings: verify and store a batch of signed readings, with a result per reading. Rejections are
 * per reading and never stop the batch; a reading already on the ledger is a duplicate (idempotent, never
 * counted twice). Accepted readings add to per-transaction partial aggregates of their meter (and of
 * `group`), blind-written under keys that include the transaction id, so concurrent batches never
 * conflict over aggregates. Returns the result and the event to emit (undefined when nothing was accepted).
 */
export async function submitReadings(
  state: StateStore,
  caller: Caller,
  tx: TxContext,
  request: Request<'submitReadings'>,
): Promise<{ result: SubmitReadingsResult; event?: ReadingsAcceptedEvent }> {
  requireRole(caller, SUBMITTER_ROLES, 'submitReadings');
  const batch = new Batch(state);
  const txMs = parseRfc3339(tx.timestamp).epochMs;
  const outcomes: ReadingOutcome[] = [];
  const accepted: ReadingRecord[] = [];
  let readings = 0;

  for (const [itemIndex, item] of request.readings.entries()) {
    let parsedItem: { parsed: SignedReading; facts: ReadingFacts[] };
    try {
      parsedItem = parseItem(item);
    } catch (err) {
      if (!(err instanceof ReadingRejectionError)) throw err;
      outcomes.push({ item: itemIndex, index: 0, status: 'rejected', ...(item.meterId ? { meterId: item.meterId } : {}), code: err.code, message: err.message });
      continue;
    }
    readings += parsedItem.facts.length;
    if (readings > READINGS_LIMITS.maxBatchReadings) {
      throw new ChaincodeError('INVALID_ARGUMENT', `submitReadings: more than ${READINGS_LIMITS.maxBatchReadings} readings in one batch; split it`);
    }
    let signatureChecked: number | undefined; // the key version an item's one signature was checked against
    for (const facts of parsedItem.facts) {
      const base: ReadingOutcome = { item: itemIndex, index: facts.index, status: 'rejected', time: facts.time, digest: facts.digest };
      try {
        const meterId = meterIdOf(facts, item.meterId);
        base.meterId = meterId;
        const meter = await batch.meter(meterId);
        if (!meter) reject('UNKNOWN_METER', `meter ${meterId} is not registered`);
        const rkey = readingKey(meterId, facts.time);
        const previous = batch.accepted.get(rkey) ?? (await existingDigest(state, rkey));
        if (previous !== undefined) {
          if (previous === facts.digest) {
            outcomes.push({ ...base, status: 'duplicate' });
            continue;
          }
          reject('READING_CONFLICT', `meter ${meterId} already has a different reading at ${facts.time}`);
        }
        checkSkew(facts, tx, txMs);
        const windows = windowsOf(facts.time);
        const series: SeriesRef[] = [{ kind: 'm', id: meterId }, ...(request.group ? [{ kind: 'g' as const, id: request.group }] : [])];
        for (const s of series) {
          for (const level of WINDOW_LEVELS) {
            if (await batch.isSealed(s, level, windows[level])) reject('WINDOW_SEALED', `the ${level} ${windows[level]} of ${s.kind === 'm' ? 'meter' : 'group'} ${s.id} is sealed`);
          }
        }
        const key = keyFor(meter, facts);
        if (signatureChecked !== key.version) {
          checkSignature(parsedItem.parsed, key, meterId);
          signatureChecked = key.version;
        }
        let reset: ReadingRecord['reset'];
        if (isOrdered(facts)) {
          const order = checkOrder(facts, await batch.head(meterId), key);
          reset = order.reset;
          batch.heads.set(meterId, order.head);
          batch.dirtyHeads.add(meterId);
        }
        const record = readingRecord(facts, item, key, caller, tx, { reset, group: request.group });
        await state.put(rkey, toBytes(record));
        await state.put(valueIndexKey(meterId, windows.day, valueKey(facts.value), facts.time), new Uint8Array([0]));
        if (request.group) {
          const chunk = batch.groupEntries.get(windows.minute) ?? [];
          chunk.push({ time: facts.time, meterId, value: facts.value, digest: facts.digest });
          batch.groupEntries.set(windows.minute, chunk);
        }
        for (const s of series) batch.addValue(s, windows, facts.value);
        batch.accepted.set(rkey, facts.digest);
        accepted.push(record);
        outcomes.push({ ...base, status: 'accepted' });
      } catch (err) {
        if (!(err instanceof ReadingRejectionError)) throw err;
        outcomes.push({ ...base, code: err.code, message: err.message });
      }
    }
  }

  for (const meterId of batch.dirtyHeads) await state.put(headKey(meterId), toBytes(batch.heads.get(meterId)));
  for (const p of batch.partials()) await state.put(partialKey(p.series, p.level, p.window, tx.txId), toBytes(p.aggregate));
  for (const [minute, entries] of batch.groupEntries) await state.put(groupReadingsKey(request.group as string, minute, tx.txId), toBytes(entries));

  const count = (status: ReadingOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  const result: SubmitReadingsResult = { txId: tx.txId, accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), outcomes };
  const event: ReadingsAcceptedEvent | undefined =
    accepted.length > 0
      ? { txId: tx.txId, submittedAt: tx.timestamp, readings: accepted.map((r) => ({ meterId: r.meterId, time: r.time, digest: r.digest })) }
      : undefined;
  return { result, event };
}

async function existingDigest(state: StateStore, key: string): Promise<string | undefined> {
  const bytes = await state.get(key);
  return bytes ? fromBytes<ReadingRecord>(bytes).digest : undefined;
}
