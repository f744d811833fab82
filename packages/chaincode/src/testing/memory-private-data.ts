import { createHash } from 'node:crypto';
import type { PrivateStore } from '../ledger/private-store';
import type { StateEntry } from '../ledger/state-store';

/**
 * Private data collections in memory, for unit tests of the weighing domain. Enforces what Fabric enforces
 * (see PrivateStore): member-only reads with Fabric's error text, hashes for everyone, committed reads,
 * no scan after a write and no write after a scan, and a collection must exist.
 */
export class MemoryPrivateData {
  readonly #data = new Map<string, Map<string, Uint8Array>>();
  readonly #members = new Map<string, readonly string[]>();

  /** Declare a collection and the MSP ids of its member orgs (the collection config). */
  define(collection: string, members: readonly string[]): this {
    this.#members.set(collection, members);
    this.#data.set(collection, new Map());
    return this;
  }

  /** A transaction executed on a peer of `peerMspId` (membership is the peer's org, as on Fabric). */
  begin(peerMspId: string): MemoryPrivateTransaction {
    return new MemoryPrivateTransaction(this.#data, this.#members, peerMspId);
  }

  /** Run `fn` in a transaction and commit its writes. */
  async transact<T>(peerMspId: string, fn: (store: PrivateStore) => Promise<T>): Promise<T> {
    const txn = this.begin(peerMspId);
    const result = await fn(txn);
    txn.commit();
    return result;
  }

  /** Every committed key and value of a collection, for "nothing changed" assertions. */
  snapshot(collection: string): Map<string, string> {
    return new Map([...(this.#data.get(collection) ?? [])].map(([k, v]) => [k, Buffer.from(v).toString('hex')]));
  }
}

export class MemoryPrivateTransaction implements PrivateStore {
  readonly #writes = new Map<string, Map<string, Uint8Array>>();
  #scanned = false;

  constructor(
    private readonly data: Map<string, Map<string, Uint8Array>>,
    private readonly members: ReadonlyMap<string, readonly string[]>,
    private readonly peerMspId: string,
  ) {}

  #collection(collection: string): Map<string, Uint8Array> {
    const c = this.data.get(collection);
    if (!c) throw new Error(`collection ${collection} could not be found`);
    return c;
  }

  #readable(collection: string): Map<string, Uint8Array> {
    const c = this.#collection(collection);
    if (!this.members.get(collection)?.includes(this.peerMspId)) {
      throw new Error(`tx creator does not have read access permission on privatedata in chaincodeName:meterledger collectionName: ${collection}`);
    }
    return c;
  }

  async get(collection: string, key: string): Promise<Uint8Array | undefined> {
    return this.#readable(collection).get(key);
  }

  async put(collection: string, key: string, value: Uint8Array): Promise<void> {
    this.#collection(collection);
    if (this.#scanned) throw new Error('txid [memory]: unsuppored transaction. Transaction has already performed queries on pvt data. Writes are not allowed');
    let w = this.#writes.get(collection);
    if (!w) this.#writes.set(collection, (w = new Map()));
    w.set(key, Uint8Array.from(value));
  }

  async hash(collection: string, key: string): Promise<Uint8Array | undefined> {
    const value = this.#collection(collection).get(key);
    return value && new Uint8Array(createHash('sha256').update(value).digest());
  }

  /** Every committed entry with startKey <= key < endKey, in UTF-8 byte order (what a range iterator yields). */
  rangeEntries(collection: string, startKey: string, endKey: string): StateEntry[] {
    if (this.#writes.size > 0) throw new Error('txid [memory]: unsuppored transaction. Queries on pvt data is supported only in a read-only transaction');
    this.#scanned = true;
    const c = this.#readable(collection);
    return [...c.keys()]
      .filter((k) => k >= startKey && k < endKey)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map((key) => ({ key, value: c.get(key) as Uint8Array }));
  }

  async scan(collection: string, startKey: string, endKey: string, visit: (entry: StateEntry) => boolean): Promise<number> {
    let visited = 0;
    for (const entry of this.rangeEntries(collection, startKey, endKey)) {
      visited += 1;
      if (!visit(entry)) break;
    }
    return visited;
  }

  /** Apply the buffered writes. */
  commit(): void {
    for (const [collection, writes] of this.#writes) {
      const c = this.#collection(collection);
      for (const [k, v] of writes) c.set(k, v);
    }
    this.#writes.clear();
  }
}
