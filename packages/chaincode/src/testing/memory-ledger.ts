import type { StatePage, StateStore, TxContext } from '../ledger/state-store';

/**
 * In-memory ledger for unit tests, faithful to the two Fabric rules that bite: a transaction does not
 * read its own writes, and a rejected transaction writes nothing. Not used by any deployed code.
 */
export class MemoryLedger {
  private readonly committed = new Map<string, Uint8Array>();
  private clock = Date.parse('2026-01-01T00:00:00.000Z');
  private txCounter = 0;

  /** Run `fn` as one transaction; its writes are applied only if it resolves. */
  async transact<T>(fn: (state: StateStore, tx: TxContext) => Promise<T>, at?: string): Promise<T> {
    const writes = new Map<string, Uint8Array | null>();
    const tx = this.nextTx(at);
    const result = await fn(new TxStateStore(this.committed, writes), tx);
    for (const [key, value] of writes) {
      if (value === null) this.committed.delete(key);
      else this.committed.set(key, value);
    }
    return result;
  }

  /** A deep copy of the committed state, for "nothing changed" assertions. */
  snapshot(): Map<string, string> {
    return new Map([...this.committed].map(([k, v]) => [k, Buffer.from(v).toString('hex')]));
  }

  private nextTx(at?: string): TxContext {
    this.clock += 1000;
    const timestamp = at ?? new Date(this.clock).toISOString();
    this.txCounter += 1;
    return { txId: `tx${String(this.txCounter).padStart(6, '0')}`, timestamp, channel: 'nmichannel' };
  }
}

class TxStateStore implements StateStore {
  constructor(
    private readonly committed: Map<string, Uint8Array>,
    private readonly writes: Map<string, Uint8Array | null>,
  ) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.committed.get(key);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.writes.set(key, Uint8Array.from(value));
  }

  async delete(key: string): Promise<void> {
    this.writes.set(key, null);
  }

  compositeKey(objectType: string, attributes: string[]): string {
    return `\u0000${[objectType, ...attributes].join('\u0000')}\u0000`;
  }

  async pageByPrefix(objectType: string, attributes: string[], pageSize: number, bookmark: string): Promise<StatePage> {
    const prefix = this.compositeKey(objectType, attributes);
    const keys = [...this.committed.keys()].filter((k) => k.startsWith(prefix) && (bookmark === '' || k > bookmark)).sort();
    const entries = keys.slice(0, pageSize).map((key) => ({ key, value: this.committed.get(key) as Uint8Array }));
    const more = keys.length > pageSize;
    return { entries, bookmark: more ? entries[entries.length - 1].key : '' };
  }
}
