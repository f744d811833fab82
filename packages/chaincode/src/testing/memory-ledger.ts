import type { StateEntry, StateStore, TxContext } from '../ledger/state-store';

/** Outcome of committing a transaction, named as Fabric's TxValidationCode. */
export type ValidationCode = 'VALID' | 'ENDORSEMENT_POLICY_FAILURE' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT';

export interface TxOptions {
  /** Transaction time; default: one second after the previous transaction. */
  at?: string;
  txId?: string;
}

/** Keys compare as their UTF-8 bytes, as in LevelDB (not as JavaScript's UTF-16 string order). */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * In-memory ledger for unit tests, faithful to the Fabric rules that bite: a transaction does not read
 * its own writes, a rejected transaction writes nothing, a transaction whose reads (keys, or the keys a
 * range query returned) changed since it was simulated is MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT,
 * and (when the endorsing orgs are given) a transaction that changes a key with a key-level endorsement
 * policy is invalid unless a peer of every org the policy names endorsed it. Not used by any deployed code.
 */
export class MemoryLedger {
  private readonly committed = new Map<string, Uint8Array>();
  /** The commit that last wrote each key (Fabric's version: block and transaction number). */
  private readonly versions = new Map<string, number>();
  private commits = 0;
  /** Key-level endorsement policies (state-based endorsement): key → the orgs whose peers must endorse. */
  private readonly policies = new Map<string, string[]>();
  private clock = Date.parse('2026-01-01T00:00:00.000Z');
  private txCounter = 0;

  constructor(readonly channel = 'nmichannel') {}

  /** Run `fn` as one transaction; its writes are applied only if it resolves. */
  async transact<T>(fn: (state: StateStore, tx: TxContext) => Promise<T>, at?: string | TxOptions): Promise<T> {
    const txn = this.begin(typeof at === 'string' ? { at } : at);
    const result = await fn(txn, txn.tx);
    this.commit(txn);
    return result;
  }

  /** Start a transaction: reads see the committed state, writes are buffered until {@link commit}. */
  begin(options: TxOptions = {}): MemoryTransaction {
    this.clock += 1000;
    this.txCounter += 1;
    const tx: TxContext = {
      txId: options.txId ?? `tx${String(this.txCounter).padStart(6, '0')}`,
      timestamp: options.at ?? new Date(this.clock).toISOString(),
      channel: this.channel,
    };
    return new MemoryTransaction(tx, this.committed, this.policies, this.versions);
  }

  /**
   * Validate and apply a transaction's writes. With `endorsedBy` (the MSP ids of the endorsing peers'
   * orgs), every written key whose committed key-level policy names an org outside it makes the whole
   * transaction ENDORSEMENT_POLICY_FAILURE, and nothing is applied. Without it, only the chaincode-level
   * policy applies, which the tests assume satisfied.
   */
  commit(txn: MemoryTransaction, endorsedBy?: readonly string[]): ValidationCode {
    for (const [key, version] of txn.reads) if (this.versions.get(key) !== version) return 'MVCC_READ_CONFLICT';
    for (const r of txn.rangeReads) {
      const now = txn.keysIn(r.start, r.end, r.last).map((k) => `${k}@${this.versions.get(k)}`);
      if (now.join('\u0001') !== r.seen.join('\u0001')) return 'PHANTOM_READ_CONFLICT';
    }
    if (endorsedBy) {
      const written = new Set([...txn.writes.keys(), ...txn.policyWrites.keys()]);
      for (const key of written) {
        const required = this.policies.get(key);
        if (required && !required.every((org) => endorsedBy.includes(org))) return 'ENDORSEMENT_POLICY_FAILURE';
      }
    }
    this.commits += 1;
    for (const [key, value] of txn.writes) {
      this.versions.set(key, this.commits);
      if (value === null) {
        this.committed.delete(key);
        this.policies.delete(key);
      } else {
        this.committed.set(key, value);
      }
    }
    for (const [key, orgs] of txn.policyWrites) if (txn.writes.get(key) !== null) this.policies.set(key, orgs);
    return 'VALID';
  }

  /** The key-level endorsement policy of `key`: the orgs whose peers must endorse a change (undefined: none). */
  endorsers(key: string): string[] | undefined {
    return this.policies.get(key);
  }

  /** The committed value of `key`. */
  get(key: string): Uint8Array | undefined {
    return this.committed.get(key);
  }

  /** A deep copy of the committed state and policies, for "nothing changed" assertions. */
  snapshot(): { state: Map<string, string>; endorsers: Map<string, string[]> } {
    return {
      state: new Map([...this.committed].map(([k, v]) => [k, Buffer.from(v).toString('hex')])),
      endorsers: new Map([...this.policies].map(([k, v]) => [k, [...v]])),
    };
  }
}

/** One transaction's view: committed reads, buffered writes. */
export class MemoryTransaction implements StateStore {
  readonly writes = new Map<string, Uint8Array | null>();
  readonly policyWrites = new Map<string, string[]>();
  /** The chaincode event the transaction set (ChaincodeStub.setEvent), delivered only if it commits. */
  event?: { name: string; payload: Uint8Array };
  /** The read set: key → the version read (undefined: absent). */
  readonly reads = new Map<string, number | undefined>();
  /** Range queries: what they returned, as `key@version`, up to the last key read when cut short by the limit. */
  readonly rangeReads: { start: string; end: string; last?: string; seen: string[] }[] = [];

  constructor(
    readonly tx: TxContext,
    private readonly committed: ReadonlyMap<string, Uint8Array>,
    private readonly policies: ReadonlyMap<string, string[]>,
    private readonly versions: ReadonlyMap<string, number> = new Map(),
  ) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    if (!this.reads.has(key)) this.reads.set(key, this.versions.get(key));
    return this.committed.get(key);
  }

  /** Committed keys in [start, end), or in [start, last] when `last` is given, in key order. */
  keysIn(start: string, end: string, last?: string): string[] {
    return [...this.committed.keys()]
      .filter((k) => compareKeys(k, start) >= 0 && compareKeys(k, end) < 0 && (last === undefined || compareKeys(k, last) <= 0))
      .sort(compareKeys);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    if (key.length === 0) throw new Error('key must not be empty');
    this.writes.set(key, Uint8Array.from(value));
  }

  async delete(key: string): Promise<void> {
    this.writes.set(key, null);
  }

  async range(startKey: string, endKey: string, limit: number): Promise<StateEntry[]> {
    const all = this.keysIn(startKey, endKey);
    const keys = all.slice(0, limit);
    const last = keys.length < all.length ? keys[keys.length - 1] : undefined;
    this.rangeReads.push({ start: startKey, end: endKey, last, seen: keys.map((k) => `${k}@${this.versions.get(k)}`) });
    return keys.map((key) => ({ key, value: this.committed.get(key) as Uint8Array }));
  }

  async setEndorsers(key: string, mspIds: readonly string[]): Promise<void> {
    const orgs = [...new Set(mspIds)].sort();
    if (orgs.length === 0) throw new Error('a key-level endorsement policy needs at least one org');
    this.policyWrites.set(key, orgs);
  }

  /** The committed key-level policy of `key` (what getStateValidationParameter reads). */
  committedEndorsers(key: string): string[] | undefined {
    return this.policies.get(key);
  }
}
