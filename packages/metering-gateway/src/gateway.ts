import { EventEmitter } from 'node:events';
import {
  MeterledgerError,
  connect,
  isTransient,
  toMeterledgerError,
  withRetry,
  type ConnectOptions,
  type ContractClient,
  type MeterledgerConnection,
} from '@meterledger/client';
import {
  READINGS_CONTRACT,
  READINGS_LIMITS,
  REQUEST_SCHEMAS,
  submittedReadingSchema,
  type ReadingOutcome,
  type SubmitReadingsResult,
  type SubmittedReading,
} from '@meterledger/contract-api';
import { interpretReading, parseSignedReading } from '@meterledger/crypto';
import { DurableQueue, type NewEntry, type QueuedReading } from './store';
import type { BatchReport, GatewayEvents, GatewayLogger, GatewayOutcome, ProgressReport } from './types';

/** The part of a ContractClient (for the `readings` contract) the gateway uses. */
export type ReadingsContract = Pick<ContractClient, 'submitWithTxId'>;

export interface MeteringGatewayOptions {
  /** Folder of the gateway's LevelDB (queue and outcomes). One gateway process per folder. */
  path: string;
  /** Also aggregate every accepted reading under this group (the site), see submitReadings. */
  group?: string;
  /** Items per submitReadings; default and maximum READINGS_LIMITS.maxBatchItems. */
  maxBatchItems?: number;
  /** Readings per submitReadings after OCMF messages are expanded; default and maximum READINGS_LIMITS.maxBatchReadings. */
  maxBatchReadings?: number;
  /** The longest a queued reading waits for its batch to fill (default 1000 ms). */
  maxDelayMs?: number;
  /** Batches in flight at once (default 4); a meter is in at most one of them. */
  maxInFlight?: number;
  /**
   * Backoff of one batch's retries of transient failures (read conflicts, peers or orderers unreachable,
   * unknown commit outcomes): full-jitter exponential, as @meterledger/client's withRetry. Defaults:
   * 6 attempts, 200 ms base, 5 s cap. After the last one the batch stays queued and submissions pause
   * for `holdMs`.
   */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Pause after a batch failed for good (retries used up, or refused for a reason of the caller: UNAUTHORIZED, ...); default 15 s. */
  holdMs?: number;
  /** fsync each write to the queue (default true). */
  sync?: boolean;
  /** Queued items kept in memory (default 20,000); a larger backlog is read from disk as it drains. */
  windowSize?: number;
  logger?: GatewayLogger;
  /** Log and emit a 'progress' report this often (default 10 s; 0: never). */
  progressIntervalMs?: number;
}

export interface ConnectGatewayOptions extends MeteringGatewayOptions, Partial<Omit<ConnectOptions, 'org' | 'identity'>> {
  /** Profile org (default `Operator`). */
  org?: string;
  /** Profile identity with the meterledger.role=gateway attribute (default `gateway`). */
  identity?: string;
}

/** Codes worth another attempt of the same batch: resubmission is safe (the chaincode answers `duplicate`). */
const RETRYABLE = new Set(['COMMIT_STATUS_UNAVAILABLE', 'UNAVAILABLE', 'TRANSACTION_INVALID', 'ENDORSEMENT_FAILED', 'SUBMIT_FAILED', 'UNKNOWN']);

export function isRetryableSubmitError(err: unknown): boolean {
  return isTransient(err) || RETRYABLE.has(toMeterledgerError(err).code);
}

const silentLogger: GatewayLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function isConnection(target: unknown): target is MeterledgerConnection {
  return typeof target === 'object' && target !== null && 'gateway' in target && 'network' in target && typeof (target as MeterledgerConnection).contract === 'function';
}

/** Which meter an item's readings belong to, and how many readings it holds, for ordering and batch sizing. */
function describe(reading: SubmittedReading): { meterId: string | undefined; weight: number } {
  let meterId = reading.meterId;
  let weight = 1;
  try {
    const parsed = parseSignedReading(reading.format, reading.payload);
    if (meterId === undefined && (parsed.format === 'meterledger-v1' || parsed.format === 'chained-v1')) meterId = parsed.fields.meterId;
    if (parsed.format === 'ocmf' && Array.isArray(parsed.fields.RD)) weight = parsed.fields.RD.length;
  } catch {
    // Malformed: the chaincode rejects it as MALFORMED_READING and that outcome is recorded like any other.
  }
  return { meterId, weight };
}

/** The UTC time of an item's (first) reading, or undefined when it does not parse (the chaincode will say why). */
function readingTime(reading: SubmittedReading): string | undefined {
  try {
    return interpretReading(parseSignedReading(reading.format, reading.payload), { utcOffset: reading.utcOffset })[0]?.time;
  } catch {
    return undefined;
  }
}

/**
 * A batch's items with each meter's readings in reading-time order (meters in order of first appearance).
 * Brokers do not always deliver in publication order: Mosquitto, restarted with queued messages for a
 * persistent session, can deliver new messages before the restored ones. An ordered meter (sequence,
 * chain, cumulative register) would then see an older reading after a newer one (OUT_OF_ORDER); readings
 * that reach one batch are put back in order here. Stable: equal or unknown times keep queue order.
 */
export function inReadingOrder(items: readonly QueuedReading[]): QueuedReading[] {
  const byMeter = new Map<string, { q: QueuedReading; time: string | undefined; at: number }[]>();
  items.forEach((q, at) => {
    const key = q.meterKey || `#${q.seq}`;
    const list = byMeter.get(key) ?? [];
    list.push({ q, time: readingTime(q.reading), at });
    byMeter.set(key, list);
  });
  const order = (a: { time: string | undefined; at: number }, b: { time: string | undefined; at: number }) =>
    a.time !== undefined && b.time !== undefined && a.time !== b.time ? (a.time < b.time ? -1 : 1) : a.at - b.at;
  return [...byMeter.values()].flatMap((list) => list.sort(order).map((e) => e.q));
}

/**
 * A metering gateway: takes signed readings from devices, keeps them in a durable on-disk queue and
 * submits them in batches to the `readings` contract, recording every reading's outcome.
 *
 * - Durable: `enqueue` resolves once the readings are written (fsynced) to LevelDB. They leave the queue
 *   only in the same atomic write that records their outcome. After a crash, whatever was in flight is
 *   submitted again; the chaincode answers `duplicate` for readings already on the ledger, so nothing is
 *   lost and nothing is counted twice.
 * - Ordered: readings of one meter are submitted in enqueue order (within a batch, in reading-time order:
 *   see inReadingOrder), and at most one batch per meter is in flight (readings with a sequence, a chain or
 *   a cumulative register are checked against the meter's last accepted one, and two batches of one meter
 *   would conflict on it).
 * - Batches of up to READINGS_LIMITS items, after at most `maxDelayMs`; up to `maxInFlight` batches of
 *   different meters at once; transient failures retried with exponential backoff.
 * - Outcomes: the 'outcome' event, and durably `outcomes()` / `outcomesOf(seq)`.
 */
export class MeteringGateway extends EventEmitter<GatewayEvents> {
  readonly #contract: ReadingsContract;
  readonly #queue: DurableQueue;
  readonly #connection: MeterledgerConnection | undefined;
  readonly #group: string | undefined;
  readonly #maxItems: number;
  readonly #maxReadings: number;
  readonly #maxDelayMs: number;
  readonly #maxInFlight: number;
  readonly #retry: Required<NonNullable<MeteringGatewayOptions['retry']>>;
  readonly #holdMs: number;
  readonly #log: GatewayLogger;
  /** Meters with a batch in flight. */
  readonly #busyMeters = new Set<string>();
  /** Items in flight, by seq. */
  readonly #inFlight = new Set<number>();
  readonly #batches = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #progressTimer: NodeJS.Timeout | undefined;
  #pausedUntil = 0;
  #flushing = false;
  #closing = false;
  #closed = false;
  #drainWaiters: (() => void)[] = [];
  readonly #stats = { enqueued: 0, accepted: 0, duplicates: 0, rejected: 0, batches: 0, retries: 0 };
  #lastProgress = { at: Date.now(), decided: 0, enqueued: 0 };

  private constructor(contract: ReadingsContract, queue: DurableQueue, options: MeteringGatewayOptions, connection?: MeterledgerConnection) {
    super();
    this.#contract = contract;
    this.#queue = queue;
    this.#connection = connection;
    this.#group = options.group;
    this.#maxItems = Math.min(options.maxBatchItems ?? READINGS_LIMITS.maxBatchItems, READINGS_LIMITS.maxBatchItems);
    this.#maxReadings = Math.min(options.maxBatchReadings ?? READINGS_LIMITS.maxBatchReadings, READINGS_LIMITS.maxBatchReadings);
    this.#maxDelayMs = options.maxDelayMs ?? 1000;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#retry = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5000, ...options.retry };
    this.#holdMs = options.holdMs ?? 15_000;
    this.#log = options.logger ?? silentLogger;
    const every = options.progressIntervalMs ?? 10_000;
    if (every > 0) {
      this.#progressTimer = setInterval(() => this.#reportProgress(), every);
      this.#progressTimer.unref();
    }
  }

  /**
   * Open the queue at `options.path` and start submitting through `target`: a ContractClient for the
   * `readings` contract (or anything with its submitWithTxId), or a connection (its `readings` contract is
   * used; the connection stays the caller's). Whatever the queue holds from an earlier run is submitted.
   */
  static async open(target: ReadingsContract | MeterledgerConnection, options: MeteringGatewayOptions, owned?: MeterledgerConnection): Promise<MeteringGateway> {
    if (options.group !== undefined) {
      const check = REQUEST_SCHEMAS.submitReadings.safeParse({ readings: [{ format: 'meterledger-v1', payload: 'x' }], group: options.group });
      if (!check.success) throw new MeterledgerError({ code: 'INVALID_OPTION', message: `INVALID_OPTION: group ${JSON.stringify(options.group)}: ${check.error.issues[0]?.message}` });
    }
    const contract = isConnection(target) ? target.contract(READINGS_CONTRACT) : target;
    const queue = await DurableQueue.open(options.path, { sync: options.sync, windowSize: options.windowSize });
    const gateway = new MeteringGateway(contract, queue, options, owned);
    if (queue.size > 0) gateway.#log.info(`metering-gateway: ${queue.size} readings queued from an earlier run; submitting them`);
    gateway.#schedule();
    return gateway;
  }

  /**
   * Connect with the network profile (org `Operator`, identity `gateway` unless given; see
   * @meterledger/client's connect) and open the gateway; close() also closes the connection.
   */
  static async connect(options: ConnectGatewayOptions): Promise<MeteringGateway> {
    const { org = 'Operator', identity = 'gateway', profile, transport, peer, deadlines, resolution, grpcClient, asLocalhost, ...gatewayOptions } = options;
    const connection = await connect({
      org,
      identity,
      ...(profile !== undefined ? { profile } : {}),
      ...(transport !== undefined ? { transport } : {}),
      ...(peer !== undefined ? { peer } : {}),
      ...(deadlines !== undefined ? { deadlines } : {}),
      ...(resolution !== undefined ? { resolution } : {}),
      ...(grpcClient !== undefined ? { grpcClient } : {}),
      ...(asLocalhost !== undefined ? { asLocalhost } : {}),
    });
    try {
      return await MeteringGateway.open(connection, gatewayOptions, connection);
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  // ---- intake -----------------------------------------------------------------------------------

  /**
   * Queue signed readings. Resolves with their sequence numbers once they are durable; from then on they
   * will reach the ledger (or be recorded as rejected) even across crashes. A reading that does not fit
   * the contract's request schema (unknown format, payload too long, bad meter id or offset) is refused
   * here with INVALID_ARGUMENT and nothing of the call is queued.
   */
  async enqueue(readings: SubmittedReading | SubmittedReading[]): Promise<number[]> {
    if (this.#closed) throw new MeterledgerError({ code: 'INVALID_OPTION', message: 'INVALID_OPTION: the gateway is closed' });
    const list = Array.isArray(readings) ? readings : [readings];
    const entries: NewEntry[] = list.map((reading, i) => {
      const check = submittedReadingSchema.safeParse(reading);
      if (!check.success) {
        const issue = check.error.issues[0];
        throw new MeterledgerError({ code: 'INVALID_ARGUMENT', message: `INVALID_ARGUMENT: reading ${i}: ${issue?.path.join('.') || 'reading'}: ${issue?.message}` });
      }
      const clean = check.data as SubmittedReading;
      const { meterId, weight } = describe(clean);
      return { reading: clean, meterKey: meterId ?? '', weight };
    });
    const queued = await this.#queue.append(entries);
    this.#stats.enqueued += queued.length;
    this.#schedule();
    return queued.map((q) => q.seq);
  }

  // ---- scheduling -------------------------------------------------------------------------------

  #schedule(): void {
    if (this.#closed || this.#closing) return this.#checkDrained();
    this.#dispatch();
    this.#checkDrained();
  }

  /** Start batches while there is room: full batches at once, a partial one when its oldest reading waited maxDelayMs (or when draining). */
  #dispatch(): void {
    const now = Date.now();
    if (now < this.#pausedUntil) return this.#arm(this.#pausedUntil - now);
    while (this.#batches.size < this.#maxInFlight) {
      const { items, oldest, full } = this.#pick();
      if (items.length === 0) return;
      const wait = oldest + this.#maxDelayMs - now;
      if (!full && !this.#flushing && wait > 0) return this.#arm(wait);
      this.#start(items);
    }
  }

  /** The next batch: eligible items in sequence order, skipping meters with a batch in flight. */
  #pick(): { items: QueuedReading[]; oldest: number; full: boolean } {
    const items: QueuedReading[] = [];
    let readings = 0;
    let oldest = Infinity;
    for (const q of this.#queue.window()) {
      if (this.#inFlight.has(q.seq)) continue;
      const meter = q.meterKey || `#${q.seq}`;
      if (this.#busyMeters.has(meter)) continue;
      if (items.length >= this.#maxItems || readings + q.weight > this.#maxReadings) {
        // A meter must not be split around a later reading of its own: stop at the first item that does not fit.
        return { items, oldest, full: true };
      }
      items.push(q);
      readings += q.weight;
      oldest = Math.min(oldest, Date.parse(q.enqueuedAt));
    }
    return { items, oldest, full: items.length >= this.#maxItems };
  }

  #arm(ms: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#schedule();
    }, Math.max(1, ms));
  }

  #start(picked: QueuedReading[]): void {
    const items = inReadingOrder(picked);
    const meters = new Set(items.map((q) => q.meterKey || `#${q.seq}`));
    for (const m of meters) this.#busyMeters.add(m);
    for (const q of items) this.#inFlight.add(q.seq);
    const run: Promise<void> = this.#run(items)
      .catch((err) => this.#log.error(`metering-gateway: batch of ${items.length} failed unexpectedly: ${(err as Error).message}`))
      .finally(() => {
        this.#batches.delete(run);
        for (const m of meters) this.#busyMeters.delete(m);
        for (const q of items) this.#inFlight.delete(q.seq);
        this.#schedule();
      });
    this.#batches.add(run);
  }

  async #run(items: QueuedReading[]): Promise<void> {
    if (this.#closed) return;
    await this.#queue.markAttempt(items);
    const resubmitted = new Map(items.map((q) => [q.seq, q.attempts > 1]));
    const started = Date.now();
    let attempts = 0;
    let submitted: { result: SubmitReadingsResult; transactionId: string; blockNumber: bigint };
    try {
      submitted = await withRetry(
        async () => {
          attempts++;
          if (this.#closed) throw new MeterledgerError({ code: 'INVALID_OPTION', message: 'INVALID_OPTION: the gateway closed' });
          return this.#contract.submitWithTxId<SubmitReadingsResult>('submitReadings', {
            readings: items.map((q) => q.reading),
            ...(this.#group !== undefined ? { group: this.#group } : {}),
          });
        },
        {
          ...this.#retry,
          isRetryable: (err) => !this.#closed && isRetryableSubmitError(err),
          onRetry: (err, attempt, delayMs) => {
            const e = toMeterledgerError(err);
            // A lost commit status may have committed: the next submission's duplicates are our own.
            if (e.code === 'COMMIT_STATUS_UNAVAILABLE') for (const q of items) resubmitted.set(q.seq, true);
            this.#stats.retries++;
            this.#log.warn(`metering-gateway: batch of ${items.length} failed (${e.code}${e.validationCode ? ` ${e.validationCode}` : ''}), retry ${attempt} in ${delayMs} ms`);
            this.emit('retry', {
              attempt,
              delayMs,
              code: e.code,
              ...(e.validationCode ? { validationCode: e.validationCode } : {}),
              ...(e.transactionId ? { transactionId: e.transactionId } : {}),
              message: e.message,
              items: items.length,
            });
          },
        },
      );
    } catch (err) {
      if (this.#closed) return;
      const e = toMeterledgerError(err);
      if (e.code === 'INVALID_ARGUMENT') return this.#refused(items, e, resubmitted);
      this.#pausedUntil = Date.now() + this.#holdMs;
      this.#log.error(`metering-gateway: batch of ${items.length} not submitted (${e.code}: ${e.message}); kept queued, pausing ${this.#holdMs} ms`);
      this.emit('batchFailed', { code: e.code, message: e.message, items: items.length, holdMs: this.#holdMs });
      return;
    }
    if (this.#closed) return; // crashed or closed without waiting: the batch is submitted again on the next open
    const { result, transactionId, blockNumber } = submitted;
    const outcomes = this.#outcomes(items, result.outcomes, transactionId, resubmitted);
    await this.#record(items, outcomes);
    const report: BatchReport = {
      txId: transactionId,
      blockNumber,
      items: items.length,
      accepted: result.accepted,
      duplicates: result.duplicates,
      rejected: result.rejected,
      attempts,
      durationMs: Date.now() - started,
    };
    this.#stats.batches++;
    this.emit('batch', report);
  }

  /**
   * The contract refused the whole request (INVALID_ARGUMENT: e.g. an OCMF batch over maxBatchReadings).
   * Split it and submit the halves in order; a single refused item is recorded as rejected so that it
   * cannot block its meter forever.
   */
  async #refused(items: QueuedReading[], err: MeterledgerError, resubmitted: Map<number, boolean>): Promise<void> {
    if (items.length > 1) {
      const half = Math.ceil(items.length / 2);
      this.#log.warn(`metering-gateway: batch of ${items.length} refused (${err.message}); splitting it`);
      await this.#run(items.slice(0, half));
      await this.#run(items.slice(half));
      return;
    }
    const decidedAt = new Date().toISOString();
    const outcomes: GatewayOutcome[] = items.map((q) => ({
      seq: q.seq,
      index: 0,
      format: q.reading.format,
      status: 'rejected',
      ...(q.reading.meterId ? { meterId: q.reading.meterId } : {}),
      code: err.code,
      message: err.message,
      txId: err.transactionId ?? '',
      resubmitted: resubmitted.get(q.seq) ?? false,
      enqueuedAt: q.enqueuedAt,
      decidedAt,
    }));
    await this.#record(items, outcomes);
  }

  #outcomes(items: QueuedReading[], results: ReadingOutcome[], txId: string, resubmitted: Map<number, boolean>): GatewayOutcome[] {
    const decidedAt = new Date().toISOString();
    const outcomes: GatewayOutcome[] = [];
    const seen = new Set<number>();
    for (const r of results) {
      const q = items[r.item];
      if (!q) continue;
      seen.add(r.item);
      outcomes.push({
        seq: q.seq,
        index: r.index,
        format: q.reading.format,
        status: r.status,
        ...(r.meterId !== undefined ? { meterId: r.meterId } : q.reading.meterId ? { meterId: q.reading.meterId } : {}),
        ...(r.time !== undefined ? { time: r.time } : {}),
        ...(r.digest !== undefined ? { digest: r.digest } : {}),
        ...(r.code !== undefined ? { code: r.code } : {}),
        ...(r.message !== undefined ? { message: r.message } : {}),
        txId,
        resubmitted: resubmitted.get(q.seq) ?? false,
        enqueuedAt: q.enqueuedAt,
        decidedAt,
      });
    }
    items.forEach((q, i) => {
      if (seen.has(i)) return;
      // Cannot happen with this contract (every item gets an outcome); recorded rather than resubmitted forever.
      outcomes.push({ seq: q.seq, index: 0, format: q.reading.format, status: 'rejected', code: 'MALFORMED_RESPONSE', message: 'no outcome for this item in the result', txId, resubmitted: resubmitted.get(q.seq) ?? false, enqueuedAt: q.enqueuedAt, decidedAt });
    });
    return outcomes;
  }

  async #record(items: QueuedReading[], outcomes: GatewayOutcome[]): Promise<void> {
    if (this.#closed) return;
    await this.#queue.complete(items, outcomes);
    for (const o of outcomes) {
      if (o.status === 'accepted') this.#stats.accepted++;
      else if (o.status === 'duplicate') this.#stats.duplicates++;
      else this.#stats.rejected++;
      this.emit('outcome', o);
    }
  }

  // ---- observing ----------------------------------------------------------------------------------

  /** Recorded outcomes in queue order, from item `after + 1` on (durable across restarts). */
  outcomes(options: { after?: number; limit?: number } = {}): AsyncGenerator<GatewayOutcome> {
    return this.#queue.outcomes(options);
  }

  /** The outcomes of one queued item ([] while it is still queued). */
  outcomesOf(seq: number): Promise<GatewayOutcome[]> {
    return this.#queue.outcomesOf(seq);
  }

  /** Forget recorded outcomes up to item `seq` (once a consumer has stored them elsewhere). */
  pruneOutcomes(seq: number): Promise<void> {
    return this.#queue.pruneOutcomes(seq);
  }

  /** Items queued and not yet decided. */
  get queued(): number {
    return this.#queue.size;
  }

  progress(): ProgressReport {
    const now = Date.now();
    const decided = this.#stats.accepted + this.#stats.duplicates + this.#stats.rejected;
    const seconds = Math.max((now - this.#lastProgress.at) / 1000, 0.001);
    return {
      queued: this.#queue.size,
      batchesInFlight: this.#batches.size,
      ...this.#stats,
      decidedPerSecond: Math.round(((decided - this.#lastProgress.decided) / seconds) * 10) / 10,
      enqueuedPerSecond: Math.round(((this.#stats.enqueued - this.#lastProgress.enqueued) / seconds) * 10) / 10,
    };
  }

  #reportProgress(): void {
    const p = this.progress();
    this.#lastProgress = { at: Date.now(), decided: p.accepted + p.duplicates + p.rejected, enqueued: p.enqueued };
    this.#log.info(
      `metering-gateway: queued ${p.queued}, ${p.batchesInFlight} batches in flight; accepted ${p.accepted}, duplicates ${p.duplicates}, rejected ${p.rejected}; ` +
        `${p.decidedPerSecond}/s decided, ${p.enqueuedPerSecond}/s enqueued; ${p.batches} batches, ${p.retries} retries`,
    );
    this.emit('progress', p);
  }

  /** Submit everything queued now (partial batches do not wait for maxDelayMs) and resolve when the queue is empty. */
  async drain(): Promise<void> {
    this.#flushing = true;
    try {
      await new Promise<void>((resolve) => {
        this.#drainWaiters.push(resolve);
        this.#schedule();
      });
    } finally {
      this.#flushing = this.#drainWaiters.length > 0;
    }
  }

  #checkDrained(): void {
    if (this.#drainWaiters.length === 0 || this.#queue.size > 0 || this.#batches.size > 0) return;
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
  }

  /**
   * Stop. By default waits for the batches in flight to be decided and recorded (nothing is dropped
   * either way: what is still queued is submitted on the next open). `{ drain: true }` first submits
   * everything queued. `{ abandon: true }` does not wait for batches in flight and records nothing more,
   * as a crash would (their readings are submitted again on the next open).
   */
  async close(options: { drain?: boolean; abandon?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    if (options.drain) await this.drain();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#progressTimer) clearInterval(this.#progressTimer);
    if (!options.abandon) {
      this.#closing = true; // no new batches
      await Promise.all([...this.#batches]);
    }
    this.#closed = true;
    for (const resolve of this.#drainWaiters.splice(0)) resolve();
    await this.#queue.close();
    this.#connection?.close();
  }
}
