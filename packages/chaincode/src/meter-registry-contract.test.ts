import 'reflect-metadata';
import { generateSoftwareSigner } from '@meterledger/crypto';
import type { Context } from 'fabric-contract-api';
import { MeterRegistryContract } from './meter-registry-contract';
import { callers, registration } from './testing/fixtures';
import type { Caller } from './ledger/caller';

/** A minimal stand-in for the shim's ChaincodeStub and ClientIdentity, enough to check the wiring. */
function fakeContext(store: Map<string, Uint8Array>, caller: Caller, seconds: number): Context {
  const stub = {
    getState: async (key: string) => store.get(key) ?? new Uint8Array(),
    putState: async (key: string, value: Uint8Array) => void store.set(key, value),
    deleteState: async (key: string) => void store.delete(key),
    createCompositeKey: (type: string, attrs: string[]) => `\u0000${[type, ...attrs].join('\u0000')}\u0000`,
    getStateByPartialCompositeKeyWithPagination: async (type: string, attrs: string[], pageSize: number) => {
      const prefix = `\u0000${[type, ...attrs].join('\u0000')}\u0000`;
      const kvs = [...store.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)).slice(0, pageSize);
      let i = 0;
      const iterator = {
        next: async () => (i < kvs.length ? { done: false, value: { key: kvs[i][0], value: kvs[i++][1] } } : { done: true, value: undefined }),
        close: async () => undefined,
      };
      return { iterator, metadata: { fetchedRecordsCount: kvs.length, bookmark: '' } };
    },
    getTxTimestamp: () => ({ seconds: { toString: () => String(seconds) }, nanos: 123_456_789 }),
    getTxID: () => `tx-${seconds}`,
    getChannelID: () => 'nmichannel',
  };
  const clientIdentity = { getMSPID: () => caller.mspId, getID: () => caller.id, getAttributeValue: () => caller.role };
  return { stub, clientIdentity } as unknown as Context;
}

describe('MeterRegistryContract', () => {
  it('exposes every public method as a decorated transaction, queries as evaluate-only', () => {
    const transactions: { name: string; tag: string[] }[] = Reflect.getMetadata('fabric:transactions', MeterRegistryContract.prototype);
    const declared = Object.getOwnPropertyNames(MeterRegistryContract.prototype).filter((n) => n !== 'constructor');
    expect(transactions.map((t) => t.name).sort()).toEqual(declared.sort());
    const evaluate = transactions.filter((t) => t.tag.includes('EVALUATE')).map((t) => t.name).sort();
    expect(evaluate).toEqual(['getConfig', 'getKeyHistory', 'getMeter', 'listMeters', 'listVerifications', 'verify']);
  });

  it('runs a registration end to end through the stub adapter and returns canonical JSON', async () => {
    const contract = new MeterRegistryContract();
    const store = new Map<string, Uint8Array>();
    await contract.configure(fakeContext(store, callers.ptbAdmin, 1_767_225_600), JSON.stringify({ approvalThreshold: 1, authorityMspIds: ['PTBMSP'] }));
    const signer = generateSoftwareSigner('ed25519');
    const out = await contract.registerMeter(fakeContext(store, callers.ptbRegistrar, 1_767_225_601), JSON.stringify(registration(signer, 'm-1')));
    const meter = JSON.parse(out);
    expect(meter).toMatchObject({ meterId: 'm-1', status: 'active', registeredAt: '2026-01-01T00:00:01.123Z' });
    expect(Object.keys(meter)).toEqual([...Object.keys(meter)].sort());

    const listed = JSON.parse(await contract.listMeters(fakeContext(store, callers.verifier, 1_767_225_602), JSON.stringify({ by: 'status', value: 'active' })));
    expect(listed.items.map((m: { meterId: string }) => m.meterId)).toEqual(['m-1']);
    await expect(contract.getMeter(fakeContext(store, callers.verifier, 1_767_225_603), 'm-2')).rejects.toThrow(/^UNKNOWN_METER: /);
  });
});
