import type { ChaincodeStub, Iterators } from 'fabric-shim';
import type { PrivateStore } from './private-store';
import type { StateEntry } from './state-store';

/** PrivateStore over the real stub (getPrivateData, putPrivateData, getPrivateDataHash, getPrivateDataByRange). */
export class FabricPrivateStore implements PrivateStore {
  constructor(private readonly stub: ChaincodeStub) {}

  async get(collection: string, key: string): Promise<Uint8Array | undefined> {
    const value = await this.stub.getPrivateData(collection, key);
    return value && value.length > 0 ? value : undefined;
  }

  async put(collection: string, key: string, value: Uint8Array): Promise<void> {
    await this.stub.putPrivateData(collection, key, value);
  }

  async hash(collection: string, key: string): Promise<Uint8Array | undefined> {
    const value = await this.stub.getPrivateDataHash(collection, key);
    return value && value.length > 0 ? value : undefined;
  }

  async scan(collection: string, startKey: string, endKey: string, visit: (entry: StateEntry) => boolean): Promise<number> {
    // fabric-shim 2.5 resolves getPrivateDataByRange to { iterator } (unlike getStateByRange, which it unwraps).
    const result = (await this.stub.getPrivateDataByRange(collection, startKey, endKey)) as unknown as { iterator?: Iterators.StateQueryIterator } & Iterators.StateQueryIterator;
    const iterator = result.iterator ?? result;
    let visited = 0;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done || !next.value) break;
        visited += 1;
        if (!visit({ key: next.value.key, value: next.value.value })) break;
      }
    } finally {
      await iterator.close();
    }
    return visited;
  }
}
