/**
 * The slice of the Fabric ledger API that the domain logic needs. The contract adapts the real
 * ChaincodeStub to it (FabricStateStore); unit tests use MemoryStateStore from ../testing.
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
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  compositeKey(objectType: string, attributes: string[]): string;
  /** Paginated scan of a composite-key prefix; only valid in evaluate (read-only) transactions. */
  pageByPrefix(objectType: string, attributes: string[], pageSize: number, bookmark: string): Promise<StatePage>;
}

/** Facts about the executing transaction; the only source of time and identity (determinism). */
export interface TxContext {
  txId: string;
  /** Transaction timestamp as RFC 3339 UTC with millisecond precision. */
  timestamp: string;
  channel: string;
}
