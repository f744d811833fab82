import type { ChaincodeStub } from 'fabric-shim';
import type { StatePage, StateStore, TxContext } from './state-store';

export class FabricStateStore implements StateStore {
  constructor(private readonly stub: ChaincodeStub) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.stub.getState(key);
    return value && value.length > 0 ? value : undefined;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.stub.putState(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.stub.deleteState(key);
  }

  compositeKey(objectType: string, attributes: string[]): string {
    return this.stub.createCompositeKey(objectType, attributes);
  }

  async pageByPrefix(objectType: string, attributes: string[], pageSize: number, bookmark: string): Promise<StatePage> {
    const { iterator, metadata } = await this.stub.getStateByPartialCompositeKeyWithPagination(
      objectType,
      attributes,
      pageSize,
      bookmark,
    );
    const entries = [];
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        entries.push({ key: next.value.key, value: next.value.value });
      }
    } finally {
      await iterator.close();
    }
    return { entries, bookmark: entries.length < pageSize ? '' : metadata.bookmark };
  }
}

export function txContextOf(stub: ChaincodeStub): TxContext {
  const ts = stub.getTxTimestamp();
  const millis = Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1_000_000);
  return { txId: stub.getTxID(), timestamp: new Date(millis).toISOString(), channel: stub.getChannelID() };
}
