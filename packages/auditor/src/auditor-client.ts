import { MeterledgerError, allPages, assertSubmittable, type ContractArgument, type ContractClient, type MeterledgerConnection } from '@meterledger/client';
import {
  READINGS_CONTRACT,
  REGISTRY_CONTRACT,
  type AggregateRangeQuery,
  type CountReadingsQuery,
  type GetSealQuery,
  type KeyVersionRecord,
  type ListAggregatesQuery,
  type ListReadingsQuery,
  type Page,
  type ReadingRecord,
  type ReadingsAtQuery,
  type ReadingsByValueQuery,
  type ReadingsResults,
  type ReadingsTransaction,
  type RegistryResults,
  type SealWindowsRequest,
  type SubmitReadingsRequest,
  type VerificationResult,
  type WindowLevel,
} from '@meterledger/contract-api';
import { parseRfc3339 } from '@meterledger/crypto';
import { compareWindow, rawEntryOf, type AggregateCheck, type RawEntry } from './aggregate-check';
import { followReadingsEvents, type ChaincodeEventSource, type FollowReadingsOptions, type FollowSummary, type FollowedReadings } from './follow';
import { analyseReadings, type AuditReport, type ReportOptions } from './report';
import { verifyReadingOffline, verifyRequestOf, type OfflineVerification } from './verification';
import { levelOfWindow, windowEnd, windowStart } from '@meterledger/contract-api';

/** The part of a ContractClient the AuditorClient uses. */
export type ContractLike = Pick<ContractClient, 'submit' | 'evaluate'>;

/** Contracts to use when not constructed from a connection (tests, custom setups). */
export interface AuditorTargets {
  readings: ContractLike;
  registry: ContractLike;
  /** For followReadings: fabric-gateway's Network (or anything with its getChaincodeEvents) and the chaincode name. */
  events?: { source: ChaincodeEventSource; chaincodeName: string };
}

export interface AuditorClientOptions {
  /** Contract names when constructed from a connection; defaults `readings` and `registry`. */
  readingsContract?: string;
  registryContract?: string;
}

/** A series as the readings contract names it: one meter, or a group of meters (a gateway's site). */
export type SeriesRef = { meterId: string; group?: undefined } | { group: string; meterId?: undefined };

/**
 * checkAggregate's series. A group has no raw-reading query of its own: name the meters whose readings
 * were submitted under the group, and their readings carrying that group are used.
 */
export type CheckedSeries = { meterId: string } | { group: string; meterIds: readonly string[] };

function isConnection(target: AuditorTargets | MeterledgerConnection): target is MeterledgerConnection {
  return 'transport' in target && typeof (target as MeterledgerConnection).contract === 'function';
}

/** An RFC 3339 time as the chaincode stores it (UTC, ms); anything else as it is, for the chaincode to refuse. */
function utcOrAsIs(time: string): string {
  try {
    return parseRfc3339(time).utc;
  } catch {
    return time;
  }
}

function localError(code: string, message: string): MeterledgerError {
  return new MeterledgerError({ code, message: `${code}: ${message}` });
}

/**
 * Typed access to the `readings` contract for auditors (role `auditor`, any org), with the registry's key
 * history for offline verification: the queries Q1–Q4, window aggregates, seals, audit reports, checks of
 * aggregates and seals against the raw readings, and a resumable follower of accepted readings. The
 * gateway-side calls (submitReadings, sealWindows) are here too, so that one client covers the contract.
 */
export class AuditorClient {
  readonly #readings: ContractLike;
  readonly #registry: ContractLike;
  readonly #readingsContract: string;
  readonly #events: AuditorTargets['events'] | string;
  readonly #keyCache = new Map<string, Promise<KeyVersionRecord[]>>();

  constructor(target: MeterledgerConnection | AuditorTargets, options: AuditorClientOptions = {}) {
    this.#readingsContract = options.readingsContract ?? READINGS_CONTRACT;
    if (isConnection(target)) {
      this.#readings = target.contract(this.#readingsContract);
      this.#registry = target.contract(options.registryContract ?? REGISTRY_CONTRACT);
      if (target.transport === 'gateway') {
        this.#events = { source: target.network, chaincodeName: target.chaincodeName };
      } else {
        this.#events = 'followReadings needs the gateway transport (fabric-gateway chaincode events); this connection uses fabric-network';
      }
    } else {
      this.#readings = target.readings;
      this.#registry = target.registry;
      this.#events = target.events;
    }
  }

  // ---- typed calls -------------------------------------------------------------------------------

  #evaluate<F extends ReadingsTransaction>(fn: F, request: ContractArgument): Promise<ReadingsResults[F]> {
    return this.#readings.evaluate<ReadingsResults[F]>(fn, request);
  }

  #submit<F extends ReadingsTransaction>(fn: F, request: ContractArgument): Promise<ReadingsResults[F]> {
    assertSubmittable(fn, this.#readingsContract);
    return this.#readings.submit<ReadingsResults[F]>(fn, request);
  }

  // ---- gateway side ------------------------------------------------------------------------------

  /** submitReadings (role `gateway`): a batch of signed readings; one outcome per reading. */
  submitReadings(request: SubmitReadingsRequest): Promise<ReadingsResults['submitReadings']> {
    return this.#submit('submitReadings', request);
  }

  /** sealWindows (role `gateway` or `auditor`): freeze the closed windows of a series up to `until`. */
  sealWindows(request: SealWindowsRequest): Promise<ReadingsResults['sealWindows']> {
    return this.#submit('sealWindows', request);
  }

  // ---- queries -----------------------------------------------------------------------------------

  /** Q1: a meter's readings at the given instants, and the instants with none. */
  getReadingsAt(query: ReadingsAtQuery): Promise<ReadingsResults['getReadingsAt']> {
    return this.#evaluate('getReadingsAt', query);
  }

  /** Q2: readings with above < value < below in [from, to), a page at a time (value index order). */
  findReadingsByValue(query: ReadingsByValueQuery): Promise<Page<ReadingRecord>> {
    return this.#evaluate('findReadingsByValue', query);
  }

  /** Q2, every page. */
  findAllReadingsByValue(query: ReadingsByValueQuery): AsyncGenerator<ReadingRecord, void, undefined> {
    return allPages((q) => this.findReadingsByValue(q), query);
  }

  /** Q3: sum, count, min, max, avg over [from, to) of a meter or a group. */
  aggregateRange(query: AggregateRangeQuery): Promise<ReadingsResults['aggregateRange']> {
    return this.#evaluate('aggregateRange', query);
  }

  /** Q4: the number of readings before `at`, and from `at` on. */
  countReadings(query: CountReadingsQuery): Promise<ReadingsResults['countReadings']> {
    return this.#evaluate('countReadings', query);
  }

  /** The window aggregates of one level starting in [from, to), a page of windows at a time. */
  listAggregates(query: ListAggregatesQuery): Promise<ReadingsResults['listAggregates']> {
    return this.#evaluate('listAggregates', query);
  }

  listAllAggregates(query: ListAggregatesQuery) {
    return allPages((q) => this.listAggregates(q), query);
  }

  /** A meter's readings in [from, to), oldest first, a page at a time. */
  listReadings(query: ListReadingsQuery): Promise<Page<ReadingRecord>> {
    return this.#evaluate('listReadings', query);
  }

  listAllReadings(query: ListReadingsQuery): AsyncGenerator<ReadingRecord, void, undefined> {
    return allPages((q) => this.listReadings(q), query);
  }

  /** A window's seal (null when not sealed) and what its commitment covers. */
  getSeal(query: GetSealQuery): Promise<ReadingsResults['getSeal']> {
    return this.#evaluate('getSeal', query);
  }

  // ---- registry ------------------------------------------------------------------------------------

  /** The meter's key versions from the registry; cached per meter for the life of the client. */
  getKeyHistory(meterId: string, options: { refresh?: boolean } = {}): Promise<KeyVersionRecord[]> {
    let keys = this.#keyCache.get(meterId);
    if (!keys || options.refresh) {
      keys = this.#registry.evaluate<RegistryResults['getKeyHistory']>('getKeyHistory', meterId);
      this.#keyCache.set(meterId, keys);
      keys.catch(() => this.#keyCache.delete(meterId));
    }
    return keys;
  }

  // ---- verification --------------------------------------------------------------------------------

  /**
   * Verify a reading from the ledger here, with @meterledger/crypto: parse its payload in its format and
   * check the signature with the key of `reading.keyVersion` (key history from the registry, cached).
   * A key rotated since is looked up again once before the reading is called unverifiable.
   */
  async verifyOffline(reading: ReadingRecord): Promise<OfflineVerification> {
    let result = verifyReadingOffline(reading, await this.getKeyHistory(reading.meterId));
    if (!result.valid && (result.reason === 'UNKNOWN_KEY_VERSION' || result.reason === 'KEY_NOT_VALID_AT_TIME')) {
      result = verifyReadingOffline(reading, await this.getKeyHistory(reading.meterId, { refresh: true }));
    }
    return result;
  }

  /** Verify a reading through the registry's `verify` (evaluate): the signed bytes as base64, at the reading's time. */
  verifyOnChain(reading: ReadingRecord): Promise<VerificationResult> {
    let request: ReturnType<typeof verifyRequestOf>;
    try {
      request = verifyRequestOf(reading);
    } catch (err) {
      return Promise.reject(localError('MALFORMED_READING', `reading of ${reading.meterId} at ${reading.time}: ${(err as Error).message}`));
    }
    return this.#registry.evaluate<RegistryResults['verify']>('verify', request);
  }

  // ---- audits --------------------------------------------------------------------------------------

  /**
   * The audit of a meter's readings in [from, to): how many, each verified offline, gaps (sequence,
   * chain resets, time gaps beyond `expectedIntervalMs`), resets, key changes and clock problems.
   */
  async report(meterId: string, from: string, to: string, options: ReportOptions = {}): Promise<AuditReport> {
    [from, to] = [utcOrAsIs(from), utcOrAsIs(to)];
    const readings: ReadingRecord[] = [];
    for await (const r of this.listAllReadings({ meterId, from, to, pageSize: 1000 })) readings.push(r);
    const verifications = options.verify === false ? undefined : await Promise.all(readings.map((r) => this.verifyOffline(r)));
    return analyseReadings(meterId, { from, to }, readings, verifications, options);
  }

  /**
   * Recompute a window's aggregate from the raw readings (listReadings) and compare it with listAggregates
   * and with the window's seal, including the seal's commitment recomputed from the raw readings (minute
   * commitments up to the window's level). `window` is a window id (`2026-01-01T10` is an hour).
   */
  async checkAggregate(series: CheckedSeries, level: WindowLevel, window: string): Promise<AggregateCheck> {
    let start: string;
    let end: string;
    try {
      if (levelOfWindow(window) !== level) throw new RangeError(`"${window}" is a ${levelOfWindow(window)} window, not a ${level} window`);
      start = windowStart(level, window);
      end = windowEnd(level, window);
    } catch (err) {
      throw localError('INVALID_ARGUMENT', (err as Error).message);
    }
    const ref: SeriesRef = 'meterId' in series ? { meterId: series.meterId } : { group: series.group };
    const meters = 'meterId' in series ? [series.meterId] : series.meterIds;
    const entries: RawEntry[] = [];
    for (const meterId of meters) {
      for await (const r of this.listAllReadings({ meterId, from: start, to: end, pageSize: 1000 })) {
        if ('group' in series && r.group !== series.group) continue;
        entries.push(rawEntryOf(r));
      }
    }
    const [aggregates, sealView] = await Promise.all([
      this.listAggregates({ ...ref, level, from: start, to: end, pageSize: 1 }),
      this.getSeal({ ...ref, level, window }),
    ]);
    const listed = aggregates.items.find((a) => a.window === window) ?? null;
    const label = 'meterId' in series ? `meter:${series.meterId}` : `group:${series.group}`;
    return compareWindow({ series: label, level, window, start, end, entries, listed, sealView });
  }

  // ---- events --------------------------------------------------------------------------------------

  /**
   * Follow ReadingsAccepted events (fabric-gateway chaincode events, gateway transport only) with a file
   * checkpoint: `handler` is called once per accepting transaction, in ledger order; a follower restarted
   * with the same checkpoint file neither misses nor repeats one. See followReadingsEvents.
   */
  followReadings(options: FollowReadingsOptions, handler: (readings: FollowedReadings) => Promise<void> | void): Promise<FollowSummary> {
    const events = this.#events ?? 'followReadings: this client was built without an event source';
    if (typeof events === 'string') return Promise.reject(localError('INVALID_OPTION', events));
    return followReadingsEvents(events.source, events.chaincodeName, options, handler);
  }

}
