import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { findTransaction, gatewayLedgerTarget, type ContractClient, type GatewayConnection } from '@meterledger/client';
import { READINGS_CONTRACT, type RangeAggregate, type SubmittedReading } from '@meterledger/contract-api';
import { generateSoftwareSigner, softwareDeviceSigner, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
import { MeteringGateway, readingV1, type BatchReport, type RetryReport } from '@meterledger/metering-gateway';
import { authority, closeAll, connection, softwareProver, ledgerReadings, uniqueId } from './support';

/**
 * The metering gateway on the real network: batches of signed readings through the Operator org's
 * `gateway` identity into the readings contract, read back by an auditor. A gateway process SIGKILLed
 * mid-batch and restarted leaves every reading on the ledger exactly once; several gateways submitting
 * readings of the same meters in the same minute commit without a single invalid transaction.
 */
jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(ROOT, 'packages/metering-gateway/src/testing/gateway-process.ts');
let dir: string;
let auditor: ContractClient;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-it-'));
  auditor = (await connection('PTB', 'auditor')).contract(READINGS_CONTRACT);
});
afterAll(() => {
  closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A meter registered by PTB and approved by Inmetro, each with proof of possession. */
async function activeMeter(scheme: SignatureScheme = 'ecdsa-p256-sha256'): Promise<{ meterId: string; signer: SoftwareSigner }> {
  const meterId = uniqueId('gw-meter');
  const signer = generateSoftwareSigner(scheme);
  const metadata = { manufacturer: 'ACME', model: 'E350', serial: meterId, typeApprovalRef: 'PTB-22.11-4711' };
  await (await authority('PTB', 'registrar')).registerWithPossession({ meterId, scheme, publicKey: signer.publicKey, metadata, prover: softwareProver(signer) });
  await (await authority('Inmetro', 'registrar')).approveWithPossession({ meterId, prover: softwareProver(signer) });
  return { meterId, signer };
}


interface WorkerEvent {
  event: string;
  [k: string]: unknown;
}

/** Run the gateway process; `onEvent` may kill it. Resolves with its events and exit signal/code. */
function runWorker(queue: string, readingsFile: string | undefined, onEvent: (e: WorkerEvent, child: ChildProcess) => void = () => undefined) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, queue, ...(readingsFile ? [readingsFile] : [])], {
    cwd: ROOT,
    env: { ...process.env, MLEDGER_GATEWAY_BATCH: '20', MLEDGER_GATEWAY_IN_FLIGHT: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    let e: WorkerEvent;
    try {
      e = JSON.parse(line) as WorkerEvent;
    } catch {
      return;
    }
    events.push(e);
    onEvent(e, child);
  });
  return new Promise<{ events: WorkerEvent[]; code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => setImmediate(() => resolve({ events, code, signal, stderr }))),
  );
}

it('a gateway process killed mid-batch and restarted: every reading on the ledger exactly once', async () => {
  const meters = [await activeMeter(), await activeMeter('ed25519')];
  const start = Date.now() + 2000;
  const items: SubmittedReading[] = [];
  const per = 60;
  for (const [k, m] of meters.entries()) {
    const signer = softwareDeviceSigner(m.signer);
    // Ordered readings (a sequence): a resubmitted batch must come back as duplicates, not as replays.
    for (let i = 0; i < per; i++) {
      items.push(await readingV1(signer, { meterId: m.meterId, time: new Date(start + i * 200 + k).toISOString(), value: `${i}.25`, unit: 'Cel', sequence: i + 1 }));
    }
  }
  const file = path.join(dir, 'readings.json');
  fs.writeFileSync(file, JSON.stringify(items));
  const queue = path.join(dir, 'killed-queue');

  // Killed once the first batch committed and more are being submitted: one or two batches in flight.
  let batches = 0;
  const first = await runWorker(queue, file, (e, child) => {
    if (e.event === 'batch') batches++;
    if (e.event === 'submitting' && batches >= 1) child.kill('SIGKILL');
  });
  expect(first.signal).toBe('SIGKILL');
  expect(first.events.some((e) => e.event === 'enqueued')).toBe(true);
  expect(first.events.some((e) => e.event === 'drained')).toBe(false);

  const second = await runWorker(queue, undefined);
  expect({ code: second.code, stderr: second.code === 0 ? '' : second.stderr }).toEqual({ code: 0, stderr: '' });
  const opened = second.events.find((e) => e.event === 'opened') as unknown as { queued: number };
  expect(opened.queued).toBeGreaterThan(0);
  expect(opened.queued).toBeLessThan(items.length);
  const drained = second.events.find((e) => e.event === 'drained') as unknown as { outcomes: Record<string, number>; rejections: string[] };
  expect(drained.rejections).toEqual([]);
  expect(drained.outcomes.rejected).toBe(0);
  // Every reading decided exactly once in the queue: accepted in either run, or a duplicate of the killed run's commit.
  expect(drained.outcomes.accepted + drained.outcomes.duplicate).toBe(items.length);

  for (const m of meters) {
    const ledger = await ledgerReadings(m.meterId);
    expect(ledger.map((r) => r.sequence)).toEqual(Array.from({ length: per }, (_, i) => i + 1));
    expect(new Set(ledger.map((r) => r.digest)).size).toBe(per);
  }
});

it('several gateways submitting unordered readings of the same meters in the same minute: no invalid transaction', async () => {
  const meters = [await activeMeter(), await activeMeter(), await activeMeter('ed25519')];
  const gateways = 3;
  const perGatewayPerMeter = 40;
  // The next full minute (readings may be up to 5 min ahead of the transaction time).
  const minute = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
  const batches: BatchReport[] = [];
  const retries: RetryReport[] = [];
  const opened: MeteringGateway[] = [];
  const connections: GatewayConnection[] = [];
  try {
    for (let g = 0; g < gateways; g++) {
      const c = await connection('Operator', 'gateway');
      if (c.transport === 'gateway') connections.push(c);
      const gw = await MeteringGateway.open(c, { path: path.join(dir, `concurrent-${g}`), maxBatchItems: 20, maxInFlight: 3, maxDelayMs: 20, progressIntervalMs: 0 });
      gw.on('batch', (b) => batches.push(b));
      gw.on('retry', (r) => retries.push(r));
      opened.push(gw);
    }
    // Gateway g gets every reading whose position ≡ g (mod gateways): same meters, same minute, distinct times.
    const work: SubmittedReading[][] = Array.from({ length: gateways }, () => []);
    for (const m of meters) {
      const signer = softwareDeviceSigner(m.signer);
      for (let i = 0; i < gateways * perGatewayPerMeter; i++) {
        // meterledger-v1 without a sequence and with a non-energy unit: unordered (no per-meter head to conflict on).
        work[i % gateways].push(await readingV1(signer, { meterId: m.meterId, time: new Date(minute + i * 100).toISOString(), value: `${230 + (i % 7)}.1`, unit: 'V' }));
      }
    }
    await Promise.all(opened.map((gw, g) => gw.enqueue(work[g])));
    await Promise.all(opened.map((gw) => gw.drain()));
  } finally {
    for (const gw of opened) await gw.close();
  }

  // Every submit's commit status was VALID: an invalid one would have been a TRANSACTION_INVALID retry.
  expect(retries.filter((r) => r.code === 'TRANSACTION_INVALID')).toEqual([]);
  expect(batches.reduce((n, b) => n + b.accepted, 0)).toBe(meters.length * gateways * perGatewayPerMeter);
  expect(batches.reduce((n, b) => n + b.duplicates + b.rejected, 0)).toBe(0);
  // ... and so the ledger says (qscc, through the Gateway transport's peer).
  if (connections.length > 0) {
    const target = gatewayLedgerTarget('gateway peer', connections[0].network);
    for (const b of batches) {
      const answer = await findTransaction([target], connections[0].channel, b.txId);
      expect(answer.status === 'found' && answer.transaction.validationCodeName).toBe('VALID');
    }
  }
  for (const m of meters) {
    expect((await ledgerReadings(m.meterId)).length).toBe(gateways * perGatewayPerMeter);
    const minuteAggregate: RangeAggregate = await auditor.evaluate('aggregateRange', {
      meterId: m.meterId,
      from: new Date(minute).toISOString(),
      to: new Date(minute + 60_000).toISOString(),
    });
    expect(minuteAggregate.count).toBe(gateways * perGatewayPerMeter);
  }
});
