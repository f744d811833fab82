import { ClassicLevel } from 'classic-level';
import type { SubmittedReading } from '@meterledger/contract-api';
import type { GatewayOutcome } from './types';

/**
 * The gateway's durable state in one LevelDB (classic-level):
 *
 *   q!<seq>           a queued reading (QueuedReading JSON), until its outcome is known
 *   o!<seq>!<index>   the outcome of reading <index> of queued item <seq> (GatewayOutcome JSON)
 *   m!seq             the highest sequence number handed out
 *
 * `append` resolves once the entries are written (with `sync`, fsynced: they survive a crash of the
 * machine, not only of the process). A finished batch moves from q! to o! in one atomic LevelDB batch, so
 * after any crash an item is either still queued (and is submitted again: the chaincode answers
 * `duplicate` for a reading already on the ledger) or has its outcome recorded, never both or neither.
 * Appends are group-committed: those that arrive while a write is running go together in the next one.
 */
export interface QueuedReading {
  seq: number;
  reading: SubmittedReading;
  /** Readings of one meter go in order, at most one batch at a time: the meter id, or `#<seq>` when unknown. */
  meterKey: string;
  /** Readings the item expands to on the ledger (OCMF: RD entries); 1 otherwise. */
  weight: number;
  enqueuedAt: string;
  /** Times the item was handed to a submission (recorded before each); > 0 after a restart means "maybe on the ledger already". */
  attempts: number;
}

export type NewEntry = Pick<QueuedReading, 'reading' | 'meterKey' | 'weight'>;

const SEQ_DIGITS = 16;
const seqKey = (seq: number) => String(seq).padStart(SEQ_DIGITS, '0');
const queueKey = (seq: number) => `q!${seqKey(seq)}`;
const outcomeKey = (seq: number, index: number) => `o!${seqKey(seq)}!${String(index).padStart(6, '0')}`;
const SEQ_META = 'm!seq';

interface AppendRequest {
  entries: NewEntry[];
  resolve: (queued: QueuedReading[]) => void;
  reject: (err: unknown) => void;
}

export interface DurableQueueOptions {
  /** fsync every write (default true): what was acknowledged survives a power loss, not only a crash. */
  sync?: boolean;
  /** Queued items held in memory at most (default 20,000); the rest is read from disk as the window drains. */
  windowSize?: number;
  /** Clock for enqueuedAt. */
  now?: () => Date;
}

export class DurableQueue {
  readonly #db: ClassicLevel<string, string>;
  readonly #sync: boolean;
  readonly #windowSize: number;
  readonly #now: () => Date;
  /** Queued items in memory, in sequence order (a prefix of what is on disk, see #unloadedFrom). */
  readonly #window = new Map<number, QueuedReading>();
  /** When set, queued items from this sequence number on are on disk only. */
  #unloadedFrom: number | undefined;
  #lastSeq = 0;
  #queued = 0;
  #appends: AppendRequest[] = [];
  /** The running write (appends, loads and completions are serialized through it). */
  #chain: Promise<unknown> = Promise.resolve();
  #writing = false;
  #closed = false;

  private constructor(db: ClassicLevel<string, string>, options: DurableQueueOptions) {
    this.#db = db;
    this.#sync = options.sync ?? true;
    this.#windowSize = options.windowSize ?? 20_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Open (or create) the store at `location` and load the head of the queue. */
  static async open(location: string, options: DurableQueueOptions = {}): Promise<DurableQueue> {
    const db = new ClassicLevel<string, string>(location, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    await db.open();
    const queue = new DurableQueue(db, options);
    await queue.#load();
    return queue;
  }

  async #load(): Promise<void> {
    const meta = await this.#db.get(SEQ_META);
    let last = meta === undefined ? 0 : Number(meta);
    for await (const key of this.#db.keys({ gte: 'q!', lt: 'q"', reverse: true, limit: 1 })) last = Math.max(last, Number(key.slice(2)));
    for await (const key of this.#db.keys({ gte: 'o!', lt: 'o"', reverse: true, limit: 1 })) last = Math.max(last, Number(key.slice(2, 2 + SEQ_DIGITS)));
    this.#lastSeq = last;
    let count = 0;
    for await (const key of this.#db.keys({ gte: 'q!', lt: 'q"' })) if (key) count++; // counted, not held: a backlog may be large
    this.#queued = count;
    await this.#loadWindow(0);
  }

  /** Read queued items with seq >= from into the window, up to its size. */
  async #loadWindow(from: number): Promise<void> {
    this.#unloadedFrom = undefined;
    for await (const [key, value] of this.#db.iterator({ gte: queueKey(from), lt: 'q"' })) {
      const seq = Number(key.slice(2));
      if (this.#window.size >= this.#windowSize) {
        this.#unloadedFrom = seq;
        break;
      }
      if (!this.#window.has(seq)) this.#window.set(seq, JSON.parse(value) as QueuedReading);
    }
  }

  /** Items queued and not finished (in memory or on disk). */
  get size(): number {
    return this.#queued;
  }

  /** The queued items in memory, in order. Treat as read-only. */
  window(): IterableIterator<QueuedReading> {
    return this.#window.values();
  }

  /** Append items; resolves once they are durable, with their sequence numbers. */
  append(entries: NewEntry[]): Promise<QueuedReading[]> {
    if (this.#closed) return Promise.reject(new Error('the queue is closed'));
    if (entries.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#appends.push({ entries, resolve, reject });
      if (!this.#writing) void this.#flushAppends();
    });
  }

  async #flushAppends(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#appends.length > 0) {
        const requests = this.#appends.splice(0);
        await this.#serial(async () => {
          const enqueuedAt = this.#now().toISOString();
          const assigned = requests.map((r) => r.entries.map((e): QueuedReading => ({ ...e, seq: ++this.#lastSeq, enqueuedAt, attempts: 0 })));
          const all = assigned.flat();
          const ops = all.map((q) => ({ type: 'put' as const, key: queueKey(q.seq), value: JSON.stringify(q) }));
          ops.push({ type: 'put', key: SEQ_META, value: String(this.#lastSeq) });
          try {
            await this.#db.batch(ops, { sync: this.#sync });
          } catch (err) {
            // Nothing was acknowledged; the sequence numbers are simply skipped.
            for (const r of requests) r.reject(err);
            return;
          }
          this.#queued += all.length;
          for (const q of all) {
            if (this.#unloadedFrom === undefined && this.#window.size < this.#windowSize) this.#window.set(q.seq, q);
            else if (this.#unloadedFrom === undefined) this.#unloadedFrom = q.seq;
          }
          requests.forEach((r, i) => r.resolve(assigned[i]));
        });
      }
    } finally {
      this.#writing = false;
    }
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn, fn);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Record that these items are being submitted (attempts + 1). */
  markAttempt(items: QueuedReading[]): Promise<void> {
    return this.#serial(async () => {
      for (const q of items) q.attempts += 1;
      await this.#db.batch(
        items.map((q) => ({ type: 'put' as const, key: queueKey(q.seq), value: JSON.stringify(q) })),
        { sync: false }, // only informative (`resubmitted`); losing it in a power cut costs nothing
      );
    });
  }

  /** Atomically remove finished items from the queue and record their outcomes. */
  complete(items: QueuedReading[], outcomes: GatewayOutcome[]): Promise<void> {
    return this.#serial(async () => {
      const ops: ({ type: 'del'; key: string } | { type: 'put'; key: string; value: string })[] = items.map((q) => ({ type: 'del' as const, key: queueKey(q.seq) }));
      for (const o of outcomes) ops.push({ type: 'put', key: outcomeKey(o.seq, o.index), value: JSON.stringify(o) });
      await this.#db.batch(ops, { sync: this.#sync });
      for (const q of items) this.#window.delete(q.seq);
      this.#queued -= items.length;
      if (this.#unloadedFrom !== undefined && this.#window.size < this.#windowSize / 2) await this.#loadWindow(this.#unloadedFrom);
    });
  }

  /** Recorded outcomes in sequence order, from item `after + 1` on. */
  async *outcomes(options: { after?: number; limit?: number } = {}): AsyncGenerator<GatewayOutcome> {
    const gte = outcomeKey((options.after ?? 0) + 1, 0);
    for await (const value of this.#db.values({ gte, lt: 'o"', ...(options.limit !== undefined ? { limit: options.limit } : {}) })) {
      yield JSON.parse(value) as GatewayOutcome;
    }
  }

  /** The outcomes of one queued item (several for an OCMF message); [] while it is queued. */
  async outcomesOf(seq: number): Promise<GatewayOutcome[]> {
    const found: GatewayOutcome[] = [];
    for await (const value of this.#db.values({ gte: outcomeKey(seq, 0), lt: `o!${seqKey(seq)}"` })) found.push(JSON.parse(value) as GatewayOutcome);
    return found;
  }

  /** Delete recorded outcomes of items up to and including `seq` (the consumer has them). */
  pruneOutcomes(upTo: number): Promise<void> {
    return this.#serial(() => this.#db.clear({ gte: 'o!', lt: `o!${seqKey(upTo)}"` }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#appends.splice(0)) r.reject(new Error('the queue is closed'));
    await this.#chain;
    await this.#db.close();
  }
}
