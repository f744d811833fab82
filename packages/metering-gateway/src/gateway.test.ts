import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MeterledgerError } from '@meterledger/client';
import type { SubmittedReading } from '@meterledger/contract-api';
import { generateSoftwareSigner, softwareDeviceSigner } from '@meterledger/crypto';
import { ChainedMeter, SimulatedTasmotaPlug, readingV1, tasmotaReading } from './device';
import { MeteringGateway, type MeteringGatewayOptions, type ReadingsContract } from './gateway';
import { InProcessReadingsNetwork, type TestMeter } from './testing/in-process-readings';
import type { GatewayOutcome, RetryReport } from './types';

/**
 * The gateway against the REAL chaincode in process (registry + readings contracts over fabric-shim's
 * routing and an in-memory ledger with MVCC validation), through @meterledger/client's ContractClient.
 * Nothing is echoed: every outcome is the chaincode's, every count is read back from the ledger.
 */
jest.setTimeout(60_000);

let dir: string;
let net: InProcessReadingsNetwork;
const open: MeteringGateway[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-gateway-'));
  net = new InProcessReadingsNetwork();
});
afterEach(async () => {
  for (const g of open.splice(0)) await g.close({ abandon: true }).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function gateway(contract: ReadingsContract, options: Partial<MeteringGatewayOptions> = {}, at = dir): Promise<MeteringGateway> {
  const g = await MeteringGateway.open(contract, { path: at, maxDelayMs: 20, progressIntervalMs: 0, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...options });
  open.push(g);
  return g;
}

/** Unordered meterledger-v1 readings (no sequence, a non-energy unit), `n` of them one second apart, ending now. */
async function readings(meter: TestMeter, n: number, offsetMs = 0): Promise<SubmittedReading[]> {
  const signer = softwareDeviceSigner(meter.signer);
  const end = Math.floor(Date.now() / 1000) * 1000 - 60_000 + offsetMs;
  return Promise.all(
    Array.from({ length: n }, (_, i) => readingV1(signer, { meterId: meter.meterId, time: new Date(end - (n - i) * 1000).toISOString(), value: `${20 + i}.5`, unit: 'Cel' })),
  );
}

async function stored(g: MeteringGateway): Promise<GatewayOutcome[]> {
  const all: GatewayOutcome[] = [];
  for await (const o of g.outcomes()) all.push(o);
  return all;
}

it('submits in batches, records every outcome and puts each reading on the ledger once', async () => {
  const [a, b] = [await net.meter('m-a'), await net.meter('m-b', 'ed25519')];
  const { contract, proposals } = net.readings('operatorGateway');
  const g = await gateway(contract, { maxBatchItems: 7 });
  const batches: number[] = [];
  g.on('batch', (r) => batches.push(r.items));
  const seqs = await g.enqueue([...(await readings(a, 12)), ...(await readings(b, 9))]);
  expect(seqs).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  await g.drain();
  const outcomes = await stored(g);
  expect(outcomes.map((o) => o.seq)).toEqual(seqs);
  expect(outcomes.every((o) => o.status === 'accepted' && !o.resubmitted)).toBe(true);
  expect(Math.max(...batches)).toBeLessThanOrEqual(7);
  expect(batches.reduce((x, y) => x + y, 0)).toBe(21);
  expect(proposals.submitted.every((s) => s.code === 'VALID')).toBe(true);
  expect((await net.ledgerReadings('m-a')).length).toBe(12);
  expect((await net.ledgerReadings('m-b')).length).toBe(9);
  expect(g.progress()).toMatchObject({ queued: 0, accepted: 21, duplicates: 0, rejected: 0, enqueued: 21 });
});

it('records the chaincode rejections with their codes, and refuses what no request may hold', async () => {
  const a = await net.meter('m-a');
  const impostor = softwareDeviceSigner(generateSoftwareSigner('ecdsa-p256-sha256'));
  const { contract } = net.readings('operatorGateway');
  const g = await gateway(contract);
  const time = new Date(Date.now() - 30_000).toISOString();
  await g.enqueue([
    await readingV1(impostor, { meterId: 'm-a', time, value: '1', unit: 'Cel' }),
    await readingV1(impostor, { meterId: 'm-nobody', time, value: '1', unit: 'Cel' }),
    { format: 'meterledger-v1', payload: '{"not":"a reading"}' },
    ...(await readings(a, 1)),
  ]);
  await g.drain();
  expect((await stored(g)).map((o) => [o.status, o.code])).toEqual([
    ['rejected', 'SIGNATURE_MISMATCH'],
    ['rejected', 'UNKNOWN_METER'],
    ['rejected', 'MALFORMED_READING'],
    ['accepted', undefined],
  ]);
  const refused = await g.enqueue([{ format: 'pdf' as never, payload: 'x' }]).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(MeterledgerError);
  expect((refused as MeterledgerError).code).toBe('INVALID_ARGUMENT');
  expect(g.queued).toBe(0);
});

it('nothing enqueued is lost across close and reopen', async () => {
  const a = await net.meter('m-a');
  const { contract } = net.readings('operatorGateway');
  const first = await gateway(contract, { maxDelayMs: 3_600_000 }); // nothing leaves before the close
  await first.enqueue(await readings(a, 10));
  await first.close();
  expect(await net.ledgerReadings('m-a')).toEqual([]);

  const second = await gateway(contract);
  expect(second.queued).toBe(10);
  await second.drain();
  expect((await stored(second)).filter((o) => o.status === 'accepted').length).toBe(10);
  expect((await net.ledgerReadings('m-a')).length).toBe(10);
});

it.each(['hang-after-commit', 'hang-before-commit'] as const)(
  'killed mid-batch (%s): after a restart every reading is on the ledger exactly once',
  async (fault) => {
    const a = await net.meter('m-a');
    const { contract, proposals } = net.readings('operatorGateway');
    proposals.faults.push(fault);
    const first = await gateway(contract, { maxBatchItems: 5 });
    await first.enqueue(await readings(a, 5));
    await waitFor(() => proposals.submitted.length === 1 || fault === 'hang-before-commit');
    await new Promise((r) => setTimeout(r, 50));
    await first.close({ abandon: true }); // as SIGKILL: the batch's result never arrives, nothing more is recorded
    expect((await net.ledgerReadings('m-a')).length).toBe(fault === 'hang-after-commit' ? 5 : 0);

    const second = await gateway(contract);
    await second.enqueue(await readings(a, 2, 500)); // more readings after the restart
    await second.drain();
    const outcomes = await stored(second);
    expect(outcomes.length).toBe(7);
    const resubmitted = outcomes.filter((o) => o.seq <= 5);
    expect(resubmitted.every((o) => o.resubmitted)).toBe(true);
    expect(resubmitted.every((o) => o.status === (fault === 'hang-after-commit' ? 'duplicate' : 'accepted'))).toBe(true);
    const ledger = await net.ledgerReadings('m-a');
    expect(ledger.length).toBe(7);
    expect(new Set(ledger.map((r) => r.digest)).size).toBe(7);
  },
);

it('retries transient failures with backoff: unreachable peer, read conflict, lost commit status', async () => {
  const a = await net.meter('m-a');
  const { contract, proposals } = net.readings('operatorGateway');
  proposals.faults.push('unavailable', 'mvcc', 'lost-commit-status');
  const g = await gateway(contract);
  const retries: RetryReport[] = [];
  g.on('retry', (r) => retries.push(r));
  await g.enqueue(await readings(a, 4));
  await g.drain();
  expect(retries.map((r) => [r.code, r.validationCode])).toEqual([
    ['UNAVAILABLE', undefined],
    ['TRANSACTION_INVALID', 'MVCC_READ_CONFLICT'],
    ['COMMIT_STATUS_UNAVAILABLE', undefined],
  ]);
  // The third attempt committed without the gateway learning it; the fourth finds the readings there.
  const outcomes = await stored(g);
  expect(outcomes.map((o) => [o.status, o.resubmitted])).toEqual(Array(4).fill(['duplicate', true]));
  expect((await net.ledgerReadings('m-a')).length).toBe(4);
});

it('keeps the batch queued and pauses when retries are used up, then delivers', async () => {
  const a = await net.meter('m-a');
  const { contract, proposals } = net.readings('operatorGateway');
  proposals.faults.push('unavailable', 'unavailable', 'unavailable');
  const g = await gateway(contract, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, holdMs: 100 });
  const failures: number[] = [];
  g.on('batchFailed', (f) => failures.push(f.holdMs));
  await g.enqueue(await readings(a, 3));
  await g.drain();
  expect(failures).toEqual([100]);
  expect((await stored(g)).every((o) => o.status === 'accepted')).toBe(true);
  expect((await net.ledgerReadings('m-a')).length).toBe(3);
});

it('keeps each meter in order with at most one batch per meter in flight, and batches of different meters in parallel', async () => {
  const meters = [await net.meter('c-1'), await net.meter('c-2'), await net.meter('c-3')];
  const chains = meters.map((m) => new ChainedMeter(m.meterId, softwareDeviceSigner(m.signer), 'kWh'));
  const { contract } = net.readings('operatorGateway');
  let inFlight = new Map<string, number>();
  let maxParallel = 0;
  let overlap = false;
  const watched: ReadingsContract = {
    submitWithTxId: (async (fn: string, ...args: unknown[]) => {
      const ids = new Set((args[0] as { readings: SubmittedReading[] }).readings.map((r) => JSON.parse(JSON.parse(r.payload).payload).meterId as string));
      for (const id of ids) {
        if (inFlight.has(id)) overlap = true;
        inFlight.set(id, 1);
      }
      maxParallel = Math.max(maxParallel, inFlight.size);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await contract.submitWithTxId(fn, ...(args as [object]));
      } finally {
        for (const id of ids) inFlight.delete(id);
        inFlight = new Map(inFlight);
      }
    }) as ReadingsContract['submitWithTxId'],
  };
  const g = await gateway(watched, { maxBatchItems: 4, maxInFlight: 3 });
  const start = Date.now() - 120_000;
  // Interleaved across meters, enqueued one by one: 3 meters × 15 chained packets.
  for (let i = 0; i < 15; i++) {
    for (const [k, chain] of chains.entries()) {
      const { reading } = await chain.next({ time: new Date(start + i * 1000 + k).toISOString(), value: `${i}.000` });
      await g.enqueue(reading);
    }
  }
  await g.drain();
  const outcomes = await stored(g);
  expect(outcomes.filter((o) => o.status !== 'accepted')).toEqual([]);
  expect(overlap).toBe(false);
  expect(maxParallel).toBeGreaterThan(1);
  for (const m of meters) {
    const ledger = await net.ledgerReadings(m.meterId);
    expect(ledger.map((r) => r.sequence)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  }
});

it('two gateways submitting the same readings at once: each reading is on the ledger once, accepted by one and a duplicate for the other', async () => {
  const a = await net.meter('m-a');
  const b = await net.meter('m-b');
  const items = [...(await readings(a, 20)), ...(await readings(b, 20))];
  const [r1, r2] = [net.readings('operatorGateway'), net.readings('operatorGateway2')];
  r1.proposals.commitDelayMs = r2.proposals.commitDelayMs = 10; // endorsements overlap as on a network
  const g1 = await gateway(r1.contract, { maxBatchItems: 6, maxInFlight: 4 }, path.join(dir, 'g1'));
  const g2 = await gateway(r2.contract, { maxBatchItems: 6, maxInFlight: 4 }, path.join(dir, 'g2'));
  const retries: RetryReport[] = [];
  g1.on('retry', (r) => retries.push(r));
  g2.on('retry', (r) => retries.push(r));
  await Promise.all([g1.enqueue(items), g2.enqueue(items)]);
  await Promise.all([g1.drain(), g2.drain()]);
  const [o1, o2] = [await stored(g1), await stored(g2)];
  for (let i = 0; i < items.length; i++) {
    expect([o1[i].status, o2[i].status].sort()).toEqual(['accepted', 'duplicate']);
  }
  // Concurrent batches of the same readings conflict as on Fabric (MVCC_READ_CONFLICT); those were retried.
  expect(retries.length).toBeGreaterThan(0);
  expect(retries.every((r) => r.validationCode === 'MVCC_READ_CONFLICT')).toBe(true);
  expect([...r1.proposals.submitted, ...r2.proposals.submitted].filter((s) => s.code === 'MVCC_READ_CONFLICT').length).toBe(retries.length);
  expect((await net.ledgerReadings('m-a')).length).toBe(20);
  expect((await net.ledgerReadings('m-b')).length).toBe(20);
});

it('submits Tasmota plug readings with the device offset', async () => {
  const meter = await net.meter('plug-1', 'ed25519');
  const plug = new SimulatedTasmotaPlug('plug_kitchen', softwareDeviceSigner(meter.signer), { utcOffset: '+01:00', total: '1.5' });
  const { contract } = net.readings('operatorGateway');
  const g = await gateway(contract);
  const now = Date.now() - 60_000;
  for (let i = 0; i < 3; i++) await g.enqueue(tasmotaReading(await plug.measure(new Date(now + i * 10_000), 10), { meterId: 'plug-1', utcOffset: '+01:00' }));
  await g.drain();
  expect((await stored(g)).map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
  const ledger = await net.ledgerReadings('plug-1');
  expect(ledger.map((r) => r.value)).toEqual(['1.510', '1.520', '1.530']);
  expect(ledger[0]).toMatchObject({ format: 'bc4p-tasmota', utcOffset: '+01:00', cumulative: true });
});

it('puts a cumulative meter\'s readings that reached one batch out of order back in reading-time order', async () => {
  // A broker restarted with queued messages can deliver newer ones first (see inReadingOrder).
  const meter = await net.meter('plug-1', 'ed25519');
  const other = await net.meter('m-a');
  const plug = new SimulatedTasmotaPlug('plug_kitchen', softwareDeviceSigner(meter.signer), { utcOffset: '+01:00', total: '1.5' });
  const now = Date.now() - 60_000;
  const plugReadings = [];
  for (let i = 0; i < 4; i++) plugReadings.push(tasmotaReading(await plug.measure(new Date(now + i * 10_000), 10), { meterId: 'plug-1', utcOffset: '+01:00' }));
  const { contract } = net.readings('operatorGateway');
  const g = await gateway(contract, { maxDelayMs: 10_000 });
  const batches: number[] = [];
  g.on('batch', (r) => batches.push(r.items));
  const [x] = await readings(other, 1);
  const seqs = await g.enqueue([plugReadings[2], x, plugReadings[3], plugReadings[0], plugReadings[1]]);
  await g.drain();
  expect(batches).toEqual([5]);
  const outcomes = await stored(g);
  expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
  expect(outcomes.map((o) => o.seq).sort((a, b) => a - b)).toEqual(seqs);
  expect((await net.ledgerReadings('plug-1')).map((r) => r.value)).toEqual(['1.510', '1.520', '1.530', '1.540']);
});

it('splits a batch the contract refuses whole (INVALID_ARGUMENT), and records a lone refused item as rejected', async () => {
  const a = await net.meter('m-a');
  const { contract } = net.readings('operatorGateway');
  const items = await readings(a, 5);
  const poison = items[3].payload;
  const calls: number[] = [];
  // A contract that refuses requests of more than 2 items, and any request holding the poison item.
  const strict: ReadingsContract = {
    submitWithTxId: (async (fn: string, request: { readings: SubmittedReading[] }) => {
      calls.push(request.readings.length);
      if (request.readings.length > 2 || request.readings.some((r) => r.payload === poison)) {
        throw new MeterledgerError({ code: 'INVALID_ARGUMENT', message: 'INVALID_ARGUMENT: submitReadings: refused', transactionId: 'tx-refused' });
      }
      return contract.submitWithTxId(fn, request);
    }) as ReadingsContract['submitWithTxId'],
  };
  const g = await gateway(strict, { maxBatchItems: 5 });
  await g.enqueue(items);
  await g.drain();
  expect(calls[0]).toBe(5);
  expect((await stored(g)).map((o) => [o.seq, o.status, o.code])).toEqual([
    [1, 'accepted', undefined],
    [2, 'accepted', undefined],
    [3, 'accepted', undefined],
    [4, 'rejected', 'INVALID_ARGUMENT'],
    [5, 'accepted', undefined],
  ]);
  expect((await net.ledgerReadings('m-a')).length).toBe(4);
});

it('reports progress (counts and rates) through the logger and the progress event', async () => {
  const a = await net.meter('m-a');
  const lines: string[] = [];
  const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
  const g = await gateway(net.readings('operatorGateway').contract, { progressIntervalMs: 30, logger });
  const reports: number[] = [];
  g.on('progress', (p) => reports.push(p.accepted));
  await g.enqueue(await readings(a, 6));
  await g.drain();
  await waitFor(() => reports.includes(6));
  expect(lines.some((l) => /queued 0, 0 batches in flight; accepted 6, duplicates 0, rejected 0; [0-9.]+\/s decided/.test(l))).toBe(true);
});

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
