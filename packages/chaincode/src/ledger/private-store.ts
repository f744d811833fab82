import type { StateEntry } from './state-store';

/**
 * The slice of Fabric's private data API the weighing domain needs, one collection per call. The contract
 * adapts the ChaincodeStub to it (FabricPrivateStore); unit tests use MemoryPrivateData from ../testing.
 *
 * Fabric's rules, which the memory version enforces too: reads see committed data only (not this
 * transaction's writes); `get` and `scan` work only for members of the collection, `hash` for every org
 * of the channel; a transaction that scans private data may write nothing, and one that wrote may not scan.
 */
export interface PrivateStore {
  get(collection: string, key: string): Promise<Uint8Array | undefined>;
  put(collection: string, key: string, value: Uint8Array): Promise<void>;
  /** SHA-256 of the committed value, readable by any org of the channel; undefined when there is none. */
  hash(collection: string, key: string): Promise<Uint8Array | undefined>;
  /**
   * Visit committed entries with `startKey <= key < endKey` in key order until `visit` returns false.
   * Returns the number of entries visited.
   */
  scan(collection: string, startKey: string, endKey: string, visit: (entry: StateEntry) => boolean): Promise<number>;
}
