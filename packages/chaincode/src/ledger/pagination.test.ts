import { MemoryLedger } from '../testing/memory-ledger';
import { MemoryStub } from '../testing/memory-stub';
import { IDENTITIES } from '../testing/identities';
import { FabricStateStore } from './fabric-state-store';
import { encodeBookmark, pageByPrefix } from './pagination';
import { stateKey } from './state-key';
import type { StateStore } from './state-store';

const ledger = new MemoryLedger();
const ids = ['a', 'b', 'c', 'd', 'e', 'ä', '電'];

beforeAll(async () => {
  await ledger.transact(async (state) => {
    for (const id of ids) await state.put(stateKey('meter', [id]), Buffer.from(id));
    await state.put(stateKey('meterx', ['z']), Buffer.from('other type'));
    await state.put(stateKey('metea', ['z']), Buffer.from('other type'));
  });
});

/** The same pages through the in-memory store and through FabricStateStore over the shim's stub surface. */
const stores: [string, () => StateStore][] = [
  ['MemoryLedger', () => ledger.begin()],
  ['FabricStateStore', () => new FabricStateStore(new MemoryStub(ledger.begin(), [], IDENTITIES.ptbAdmin).asChaincodeStub())],
];

describe.each(stores)('pageByPrefix over %s', (_name, store) => {
  it('pages a prefix in UTF-8 key order and resumes right after the bookmark', async () => {
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await pageByPrefix(store(), 'meter', [], 3, bookmark);
      seen.push(...page.entries.map((e) => Buffer.from(e.value).toString()));
      bookmark = page.bookmark;
      pages += 1;
    } while (bookmark);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it('ends with an empty bookmark when the last page is exactly full', async () => {
    const page = await pageByPrefix(store(), 'meter', [], ids.length, '');
    expect(page.entries).toHaveLength(ids.length);
    expect(page.bookmark).toBe('');
  });

  it('refuses bookmarks of other queries and garbage', async () => {
    await expect(pageByPrefix(store(), 'meter', [], 3, encodeBookmark(stateKey('meterx', ['z'])))).rejects.toThrow(/^INVALID_ARGUMENT: bookmark/);
    await expect(pageByPrefix(store(), 'meter', [], 3, 'bm90IGEga2V5')).rejects.toThrow(/^INVALID_ARGUMENT: bookmark/);
  });
});
