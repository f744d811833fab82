import type { ChaincodeStub } from 'fabric-shim';
import { endorsementPolicyOf, endorsersOfPolicy } from '../ledger/fabric-state-store';
import type { MemoryTransaction } from './memory-ledger';
import type { MemoryPrivateTransaction } from './memory-private-data';
import type { TestIdentity } from './identities';

/**
 * The part of fabric-shim's ChaincodeStub that fabric-contract-api, ClientIdentity and the registry use,
 * over one MemoryLedger transaction. Key-level endorsement policies go through the real
 * KeyEndorsementPolicy bytes (setStateValidationParameter decodes them), so what the chaincode sets is
 * what a peer would validate.
 */
export class MemoryStub {
  readonly #txn: MemoryTransaction;
  readonly #args: Buffer[];
  readonly #creator: TestIdentity;
  readonly #private: MemoryPrivateTransaction | undefined;
  readonly #transient: Map<string, Uint8Array>;

  constructor(
    txn: MemoryTransaction,
    args: readonly (string | Uint8Array)[],
    creator: TestIdentity,
    options: { privateData?: MemoryPrivateTransaction; transient?: Record<string, string | Uint8Array> } = {},
  ) {
    this.#txn = txn;
    this.#args = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'utf8') : Buffer.from(a)));
    this.#creator = creator;
    this.#private = options.privateData;
    this.#transient = new Map(Object.entries(options.transient ?? {}).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)]));
  }

  getTransient(): Map<string, Uint8Array> {
    return this.#transient;
  }

  #privateData(): MemoryPrivateTransaction {
    if (!this.#private) throw new Error('this in-process network has no private data collections');
    return this.#private;
  }

  async getPrivateData(collection: string, key: string): Promise<Uint8Array> {
    return (await this.#privateData().get(collection, key)) ?? new Uint8Array();
  }

  async putPrivateData(collection: string, key: string, value: Uint8Array): Promise<void> {
    await this.#privateData().put(collection, key, value);
  }

  async getPrivateDataHash(collection: string, key: string): Promise<Uint8Array> {
    return (await this.#privateData().hash(collection, key)) ?? new Uint8Array();
  }

  /** Like fabric-shim 2.5: resolves to `{ iterator }` (getStateByRange resolves to the iterator itself). */
  async getPrivateDataByRange(collection: string, startKey: string, endKey: string) {
    const entries = this.#privateData().rangeEntries(collection, startKey, endKey);
    let i = 0;
    const iterator = {
      next: async () => (i < entries.length ? { done: false, value: entries[i++] } : { done: true, value: undefined }),
      close: async () => undefined,
    };
    return { iterator };
  }

  getBufferArgs(): Buffer[] {
    return this.#args;
  }

  getArgs(): string[] {
    return this.#args.map((a) => a.toString('utf8'));
  }

  getStringArgs(): string[] {
    return this.getArgs();
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.getArgs();
    return { fcn, params };
  }

  getTxID(): string {
    return this.#txn.tx.txId;
  }

  getChannelID(): string {
    return this.#txn.tx.channel;
  }

  getCreator(): { mspid: string; idBytes: Buffer } {
    return { mspid: this.#creator.mspId, idBytes: Buffer.from(this.#creator.certificate, 'utf8') };
  }

  getTxTimestamp(): { seconds: { toString(): string }; nanos: number } {
    const ms = Date.parse(this.#txn.tx.timestamp);
    return { seconds: { toString: () => String(Math.floor(ms / 1000)) }, nanos: (ms % 1000) * 1_000_000 };
  }

  async getState(key: string): Promise<Uint8Array> {
    return (await this.#txn.get(key)) ?? new Uint8Array();
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    await this.#txn.put(key, value);
  }

  async deleteState(key: string): Promise<void> {
    await this.#txn.delete(key);
  }

  /** Like the shim: keys starting with U+0000 (composite keys) are refused; results close like an iterator. */
  async getStateByRange(startKey: string, endKey: string) {
    if (startKey.startsWith('\u0000') || endKey.startsWith('\u0000')) {
      throw new Error(`first character of the key [${startKey}] contains a null character which is not allowed`);
    }
    const entries = await this.#txn.range(startKey || '\u0001', endKey, Number.MAX_SAFE_INTEGER);
    let i = 0;
    return {
      next: async () => (i < entries.length ? { done: false, value: entries[i++] } : { done: true, value: undefined }),
      close: async () => undefined,
    };
  }

  async setStateValidationParameter(key: string, policy: Uint8Array): Promise<void> {
    await this.#txn.setEndorsers(key, endorsersOfPolicy(policy));
  }

  async getStateValidationParameter(key: string): Promise<Uint8Array | undefined> {
    const orgs = this.#txn.committedEndorsers(key);
    return orgs ? endorsementPolicyOf(orgs) : undefined;
  }

  /** Like the shim: one event per transaction, the last one set wins. */
  setEvent(name: string, payload: Uint8Array): void {
    if (!name) throw new Error('event name must be a non-empty string');
    this.#txn.event = { name, payload: Uint8Array.from(payload) };
  }

  /** For code that wants the shim's type. */
  asChaincodeStub(): ChaincodeStub {
    return this as unknown as ChaincodeStub;
  }
}
