/**
 * The slice of the Fabric ledger API that the domain logic needs. The contract adapts the real
 * ChaincodeStub to it (FabricStateStore); unit tests use MemoryLedger from ../testing.
 * Keeping the domain on this interface makes every rule testable without a peer.
 */
export interface StateEntry {
  key: string;
  value: Uint8Array;
}

export interface StatePage {
  entries: StateEntry[];
  /** Opaque; '' when there are no more entries. */
  bookmark: string;
}

export interface StateStore {
  /** The committed value (a transaction does not see its own writes, as on Fabric). */
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Up to `limit` committed entries with `startKey <= key < endKey`, in key order (UTF-8 byte order). */
  range(startKey: string, endKey: string, limit: number): Promise<StateEntry[]>;
  /**
   * State-based endorsement: from now on, a change of `key` is valid only if endorsed by a peer of every
   * org in `mspIds` (`AND('<MSP>.peer', ...)`), whatever the chaincode-level policy says.
   */
  setEndorsers(key: string, mspIds: readonly string[]): Promise<void>;
}

/** Facts about the executing transaction; the only source of time and identity (determinism). */
export interface TxContext {
  txId: string;
  /** Transaction timestamp as RFC 3339 UTC with millisecond precision. */
  timestamp: string;
  channel: string;
}
