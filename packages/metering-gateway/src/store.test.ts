import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DurableQueue, type NewEntry } from './store';
import type { GatewayOutcome } from './types';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-store-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const entry = (i: number, meter = 'm-1'): NewEntry => ({ reading: { format: 'meterledger-v1', payload: `payload-${i}` }, meterKey: meter, weight: 1 });

function outcome(seq: number, index = 0): GatewayOutcome {
  return { seq, index, format: 'meterledger-v1', status: 'accepted', txId: `tx-${seq}`, resubmitted: false, enqueuedAt: '', decidedAt: '' };
}

it('keeps what was appended across close and reopen, in order, and continues the numbering', async () => {
  const q = await DurableQueue.open(dir);
  const a = await q.append([entry(1), entry(2)]);
  const b = await q.append([entry(3)]);
  expect([...a, ...b].map((e) => e.seq)).toEqual([1, 2, 3]);
  await q.close();

  const again = await DurableQueue.open(dir);
  expect(again.size).toBe(3);
  expect([...again.window()].map((e) => e.reading.payload)).toEqual(['payload-1', 'payload-2', 'payload-3']);
  expect((await again.append([entry(4)]))[0].seq).toBe(4);
  await again.close();
});

it('moves finished items to outcomes atomically; they stay gone after reopening', async () => {
  const q = await DurableQueue.open(dir);
  const items = await q.append([entry(1), entry(2), entry(3)]);
  await q.markAttempt(items.slice(0, 2));
  await q.complete(items.slice(0, 2), [outcome(1), outcome(2, 0), outcome(2, 1)]);
  await q.close();

  const again = await DurableQueue.open(dir);
  expect([...again.window()].map((e) => e.seq)).toEqual([3]);
  const all: GatewayOutcome[] = [];
  for await (const o of again.outcomes()) all.push(o);
  expect(all.map((o) => [o.seq, o.index])).toEqual([[1, 0], [2, 0], [2, 1]]);
  expect((await again.outcomesOf(2)).length).toBe(2);
  expect(await again.outcomesOf(3)).toEqual([]);
  // Numbering continues after the highest item ever seen, also once the queue is empty.
  await again.complete([...again.window()], [outcome(3)]);
  await again.close();
  const third = await DurableQueue.open(dir);
  expect((await third.append([entry(9)]))[0].seq).toBe(4);
  await third.pruneOutcomes(2);
  const left: number[] = [];
  for await (const o of third.outcomes()) left.push(o.seq);
  expect(left).toEqual([3]);
  await third.close();
});

it('an attempt recorded before a crash is there after reopening (a duplicate then is most likely our own)', async () => {
  const q = await DurableQueue.open(dir);
  const items = await q.append([entry(1)]);
  await q.markAttempt(items);
  await q.close();
  const again = await DurableQueue.open(dir);
  expect([...again.window()][0].attempts).toBe(1);
  await again.close();
});

it('group-commits concurrent appends and keeps a bounded window, reading the rest from disk as it drains', async () => {
  const q = await DurableQueue.open(dir, { windowSize: 4 });
  const seqs = (await Promise.all(Array.from({ length: 11 }, (_, i) => q.append([entry(i, `m-${i % 3}`)])))).flat().map((e) => e.seq);
  expect(seqs).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  expect(q.size).toBe(11);
  const seen: number[] = [];
  while (q.size > 0) {
    const window = [...q.window()];
    expect(window.length).toBeLessThanOrEqual(4);
    const take = window.slice(0, 3);
    seen.push(...take.map((e) => e.seq));
    await q.complete(take, take.map((e) => outcome(e.seq)));
  }
  expect(seen).toEqual(seqs);
  await q.close();
});

it('refuses appends once closed', async () => {
  const q = await DurableQueue.open(dir);
  await q.close();
  await expect(q.append([entry(1)])).rejects.toThrow('closed');
});
