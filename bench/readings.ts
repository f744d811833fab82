/**
 * npm run bench:readings — signed readings on the real network (issue 7), 001's workload:
 *
 *   50 sensors (odd: temperature, even: humidity, 001 §5.1.1 formulas), each reading stamped with the wall
 *   clock when it is made and signed by the sensor's registered P-256 key. 001's sensors log once a second;
 *   these log as fast as the network takes them (a reading cannot predate its key's approval, so a backlog
 *   cannot be back-dated), which packs hundreds of readings of a sensor into each minute. Submitted in
 *   batches by concurrent gateways until BENCH_READINGS are accepted; then, for BENCH_BASELINE_SECONDS,
 *   001's Algorithm 1 (one reading per transaction, read-modify-write of the five aggregates) with as many
 *   concurrent submitters; then every series is sealed and Q1–Q4 are timed through the indexes and by one
 *   pass over the raw history, and the answers compared (they must be equal). Also times the chaincode's
 *   per-reading verification path against a bare node:crypto verify. Prints a table and saves
 *   bench/results/readings-<time>.json.
 *
 *   BENCH_READINGS=1000000  BENCH_SUBMITTERS=8  BENCH_BATCH=500  BENCH_SENSORS=50
 *   BENCH_BASELINE_SECONDS=60  BENCH_NO_SAVE=1
 *   BENCH_RESUME_RUN=<run id>: with MLEDGER_STATE_DIR/MLEDGER_NETWORK of a kept network whose run ingested
 *   and sealed, time only the scan and the queries again (the ingest figures stay in that run's log)
 */
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { connect, loadNetworkProfile, MeterledgerError, type ContractClient, type MeterledgerConnection } from '@meterledger/client';
import {
  BASELINE_CONTRACT,
  READINGS_CONTRACT,
  READINGS_LIMITS,
  REGISTRY_CONTRACT,
  type ReadingRecord,
  type SubmitReadingsResult,
  type SubmittedReading,
} from '@meterledger/contract-api';
import {
  buildPossessionChallenge,
  canonicalJson,
  encodeReadingV1,
  generateSoftwareSigner,
  interpretReading,
  parseSignedReading,
  verifySignature,
  type SoftwareSigner,
} from '@meterledger/crypto';
// The exact decimal arithmetic the chaincode uses, for the brute-force answer.
import { aggregateOf } from '@meterledger/contract-api';
import { KINDS, cpuDelta, cpuSnapshot, networkProcesses, networkUnderTest, type CpuMs } from './cpu';
import { environment, percentile, saveResults } from './report';

const TARGET = Number(process.env.BENCH_READINGS ?? 1_000_000);
const SUBMITTERS = Number(process.env.BENCH_SUBMITTERS ?? 8);
const BATCH = Math.min(Number(process.env.BENCH_BATCH ?? 500), READINGS_LIMITS.maxBatchItems);
const SENSORS = Number(process.env.BENCH_SENSORS ?? 50);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 60);
/** Resume a run whose ingest and sealing finished on a network still on disk: only the scan and queries again. */
const RESUME = process.env.BENCH_RESUME_RUN;
const GROUP = `bench-site-${RESUME ?? randomBytes(3).toString('hex')}`;
const run = GROUP.slice('bench-site-'.length);
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const interactive = process.stdout.isTTY === true;

// ---- 001's sensors --------------------------------------------------------------------------------

/** 001 §5.1.1: temperature for odd sensor ids, humidity for even ones (d: weekday, h: hour, m: minute). */
function sensorValue(sensor: number, at: Date): string {
  const d = at.getUTCDay();
  const h = at.getUTCHours();
  const m = at.getUTCMinutes();
  const rand = Math.random();
  const value =
    sensor % 2 === 1
      ? 10 + Math.sin((Math.PI / 12) * (h + m / 60 - 10)) + 0.5 * Math.sin(d * (Math.PI / 3.5)) * (1 + (rand - 0.5) / 70)
      : (60 + Math.cos((Math.PI / 12) * (h + m / 60 - 10) + Math.PI)) * (1 + (rand - 0.5) / 70);
  return value.toFixed(3);
}

interface Sensor {
  id: string;
  signer: SoftwareSigner;
  unit: string;
  /** Device time of the sensor's last reading. */
  lastMs: number;
}

/** The next reading of a sensor, at the wall clock (strictly increasing per sensor), signed by its key. */
function nextReading(sensor: Sensor, index: number): SubmittedReading {
  const ms = Math.max(Date.now(), sensor.lastMs + 1);
  sensor.lastMs = ms;
  const fields = { meterId: sensor.id, time: new Date(ms).toISOString(), value: sensorValue(index, new Date(ms)), unit: sensor.unit, sequence: null };
  const signature = Buffer.from(sensor.signer.sign(encodeReadingV1(fields))).toString('base64');
  return { format: 'meterledger-v1', payload: canonicalJson({ format: 'meterledger-v1', ...fields, scheme: sensor.signer.scheme, signature }) };
}

// ---- phases -----------------------------------------------------------------------------------------

interface IngestFigures {
  design: string;
  submitters: number;
  seconds: number;
  transactions: number;
  invalidTransactions: number;
  failedTransactions: number;
  acceptedReadings: number;
  readingsPerSecond: number;
  p50CommitMs: number;
  p99CommitMs: number;
  errors: Record<string, number>;
  cpuMs: CpuMs;
  cpuMsPerReading: CpuMs;
}

function codeOf(err: unknown): string {
  const e = err instanceof MeterledgerError ? err : undefined;
  return e ? (e.validationCode ? `${e.code}:${e.validationCode}` : e.code) : 'UNKNOWN';
}

async function ingest(
  design: string,
  contracts: ContractClient[],
  step: (contract: ContractClient) => Promise<number>,
  done: (accepted: number, elapsedS: number) => boolean,
  roots: Map<string, number>,
): Promise<IngestFigures> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let accepted = 0;
  let invalid = 0;
  let failed = 0;
  const cpu0 = cpuSnapshot(roots);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const report = () => {
    const line = `  ${design}: ${accepted} readings accepted, ${Math.round(accepted / elapsed())}/s, ${latencies.length} tx, invalid ${invalid}, failed ${failed}, ${Math.round(elapsed())} s`;
    process.stdout.write(interactive ? `\r${line}` : `${line}\n`);
  };
  const progress = setInterval(report, interactive ? 1000 : 15_000);
  await Promise.all(
    contracts.map(async (contract) => {
      while (!done(accepted, elapsed())) {
        const t0 = performance.now();
        try {
          const n = await step(contract); // not `accepted += await …`: that reads `accepted` before the await
          accepted += n;
          latencies.push(performance.now() - t0);
        } catch (err) {
          const code = codeOf(err);
          errors[code] = (errors[code] ?? 0) + 1;
          if (err instanceof MeterledgerError && err.code === 'TRANSACTION_INVALID') invalid++;
          else failed++;
          if (failed <= 3 && !(err instanceof MeterledgerError && err.code === 'TRANSACTION_INVALID')) console.error(`\n  ${design}: ${(err as Error).message}`);
        }
      }
    }),
  );
  clearInterval(progress);
  report();
  process.stdout.write('\n');
  const seconds = elapsed();
  const cpuMs = cpuDelta(cpu0, cpuSnapshot(roots));
  latencies.sort((a, b) => a - b);
  return {
    design,
    submitters: contracts.length,
    seconds: round(seconds),
    transactions: latencies.length + invalid,
    invalidTransactions: invalid,
    failedTransactions: failed,
    acceptedReadings: accepted,
    readingsPerSecond: round(accepted / seconds, 1),
    p50CommitMs: Math.round(percentile(latencies, 50)),
    p99CommitMs: Math.round(percentile(latencies, 99)),
    errors,
    cpuMs: Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, Math.round(v)])) as CpuMs,
    cpuMsPerReading: Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, round(v / Math.max(1, accepted), 3)])) as CpuMs,
  };
}

async function timed<T>(fn: () => Promise<T>, repeat = 5): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], value };
}

async function allPages<T>(fetch: (bookmark: string) => Promise<{ items: T[]; bookmark: string }>): Promise<T[]> {
  const out: T[] = [];
  let bookmark = '';
  do {
    const page = await fetch(bookmark);
    out.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark);
  return out;
}

/** The chaincode's per-reading crypto path (parse, interpret, verify with a cached key) against a bare node:crypto verify. */
function verificationSpeed(sensor: Sensor): { rawPerSecond: number; chaincodePathPerSecond: number; ratio: number } {
  const items = Array.from({ length: 2000 }, (_, i) => nextReading(sensor, 1 + i));
  const parsed = items.map((item) => parseSignedReading(item.format, item.payload));
  const key = createPublicKey(sensor.signer.publicKey.spkiPem);
  const rate = (fn: () => void) => {
    fn();
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      fn();
      best = Math.min(best, performance.now() - t0);
    }
    return items.length / (best / 1000);
  };
  const raw = rate(() => {
    for (const p of parsed) if (!nodeVerify('sha256', p.signedBytes, { key, dsaEncoding: 'der' }, p.signature)) throw new Error('raw verify failed');
  });
  const path = rate(() => {
    for (const item of items) {
      const p = parseSignedReading(item.format, item.payload);
      interpretReading(p);
      if (!verifySignature({ scheme: sensor.signer.scheme, publicKey: sensor.signer.publicKey.spkiPem, message: p.signedBytes, signature: p.signature, signatureEncoding: p.signatureEncoding })) throw new Error('verify failed');
    }
  });
  return { rawPerSecond: Math.round(raw), chaincodePathPerSecond: Math.round(path), ratio: round(path / raw, 3) };
}

// ---- main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { stateDir, profilePath } = networkUnderTest();
  const profile = loadNetworkProfile(profilePath);
  const roots = networkProcesses(stateDir);
  const env = environment();
  const settings = { target: TARGET, submitters: SUBMITTERS, batch: BATCH, sensors: SENSORS, baselineSeconds: BASELINE_SECONDS, topology: process.env.MLEDGER_TOPOLOGY ?? 'dev', group: GROUP };
  console.log(`bench:readings run ${run}: ${JSON.stringify(settings)}`);
  console.log(`machine: ${env.machine.cpu} (${env.machine.cores} cores), node ${env.machine.node}; commit ${env.commit}${env.dirty ? ' (dirty)' : ''}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  const connections: MeterledgerConnection[] = [];
  const open = async (org: string, identity: string) => {
    const c = await connect({ profile, org, identity });
    connections.push(c);
    return c;
  };
  try {
    // sensors: registered by PTB, approved by Inmetro, each with a proof of possession
    const sensors: Sensor[] = Array.from({ length: SENSORS }, (_, i) => ({
      id: `bench-${run}-sensor-${i + 1}`,
      signer: generateSoftwareSigner('ecdsa-p256-sha256'),
      unit: (i + 1) % 2 === 1 ? 'Cel' : '%RH',
      lastMs: 0,
    }));
    const auditor = (await open('PTB', 'auditor')).contract(READINGS_CONTRACT);
    // Measured first, while the heap is small: with the scanned history live (a gigabyte at 1M readings), GC
    // pauses would be charged to the allocating parse path and not to the native verify.
    const verification = verificationSpeed(sensors[0]);
    let ours: IngestFigures | undefined;
    let baseline: IngestFigures | undefined;
    let ingestEndMs: number | undefined;
    let sealTx = 0;
    let sealSeconds = 0;
    if (RESUME === undefined) {
      const ptb = (await open('PTB', 'registrar')).contract(REGISTRY_CONTRACT);
      const inmetro = (await open('Inmetro', 'registrar')).contract(REGISTRY_CONTRACT);
      const proof = (s: Sensor) => {
        const nonce = randomBytes(18).toString('base64url');
        const challenge = buildPossessionChallenge({ channel: profile.channel, meterId: s.id, publicKey: s.signer.publicKey, scheme: s.signer.scheme, nonce });
        return { nonce, signature: Buffer.from(s.signer.sign(challenge)).toString('base64') };
      };
      const metadata = { manufacturer: `bench-${run}`, model: 'S-001', serial: 'SN', typeApprovalRef: 'BENCH' };
      await Promise.all(sensors.map((s) => ptb.submit('registerMeter', { meterId: s.id, scheme: s.signer.scheme, publicKey: s.signer.publicKey.spkiPem, metadata, proof: proof(s) })));
      await Promise.all(sensors.map((s) => inmetro.submit('approveMeter', { meterId: s.id, keyVersion: 1, proof: proof(s) })));
      console.log(`${SENSORS} sensors registered and approved`);

      const gateways = await Promise.all(Array.from({ length: SUBMITTERS }, () => open('Operator', 'gateway')));
      const readings = gateways.map((g) => g.contract(READINGS_CONTRACT));
      let cursor = 0;
      let issued = 0;
      const batchOf = () => Array.from({ length: BATCH }, () => {
        const i = cursor++ % SENSORS;
        return nextReading(sensors[i], i + 1);
      });

      console.log(`ingest: ${TARGET} readings, ${SUBMITTERS} gateways, batches of ${BATCH}`);
      ours = await ingest(
        'submitReadings',
        readings,
        async (contract) => {
          issued += BATCH;
          let result: SubmitReadingsResult;
          try {
            result = (await contract.submit('submitReadings', { readings: batchOf(), group: GROUP })) as SubmitReadingsResult;
          } catch (err) {
            issued -= BATCH; // not accepted: the run goes on until TARGET readings are
            throw err;
          }
          if (result.rejected > 0) throw new Error(`rejected readings: ${JSON.stringify(result.outcomes.find((o) => o.status === 'rejected'))}`);
          return result.accepted;
        },
        () => issued >= TARGET,
        roots,
      );
      ingestEndMs = Math.max(...sensors.map((s) => s.lastMs));

      console.log(`baseline: 001's Algorithm 1 for ${BASELINE_SECONDS} s, ${SUBMITTERS} submitters, one reading per transaction`);
      const baselineContracts = gateways.map((g) => g.contract(BASELINE_CONTRACT));
      baseline = await ingest(
        'baseline-001',
        baselineContracts,
        async (contract) => {
          const i = cursor++ % SENSORS;
          await contract.submit('logReading', nextReading(sensors[i], i + 1));
          return 1;
        },
        (_accepted, seconds) => seconds >= BASELINE_SECONDS,
        roots,
      );

      // seal every series past its last reading (sealing waits out READINGS_LIMITS.sealGraceMs)
      const sealer = readings[0];
      const lastMs = Math.max(...sensors.map((s) => s.lastMs));
      const sealUntil = new Date(Math.ceil(lastMs / 60_000) * 60_000).toISOString();
      const waitMs = Math.ceil(lastMs / 60_000) * 60_000 + READINGS_LIMITS.sealGraceMs + 2000 - Date.now();
      if (waitMs > 0) {
        console.log(`sealing up to ${sealUntil} (waiting ${Math.round(waitMs / 1000)} s for the seal grace period)`);
        await new Promise((r) => setTimeout(r, waitMs));
      }
      const sealStarted = performance.now();
      sealTx = 0;
      for (const series of [...sensors.map((s) => ({ meterId: s.id })), { group: GROUP }]) {
        for (;;) {
          const r = (await sealer.submit('sealWindows', { ...series, until: sealUntil })) as { more: boolean };
          sealTx++;
          if (!r.more) break;
        }
      }
      sealSeconds = round((performance.now() - sealStarted) / 1000);
      console.log(`sealed ${SENSORS + 1} series in ${sealTx} transactions, ${sealSeconds} s`);
    }

    // one pass over the raw history (every reading of every sensor, 1000 a page)
    console.log('scan: one pass over the raw history of every sensor');
    const scanStarted = performance.now();
    const history = new Map<string, ReadingRecord[]>();
    for (const s of sensors) {
      history.set(s.id, await allPages((bookmark) => auditor.evaluate('listReadings', { meterId: s.id, pageSize: 1000, bookmark }) as Promise<{ items: ReadingRecord[]; bookmark: string }>));
    }
    const scanMs = performance.now() - scanStarted;
    const all = [...history.values()].flat();
    console.log(`scan: ${all.length} readings in ${round(scanMs / 1000)} s`);
    // (a loop: spreading a million times into Math.min overflows the stack)
    let firstMs = Infinity;
    let lastMs = -Infinity;
    for (const r of all) {
      const t = Date.parse(r.time);
      if (t < firstMs) firstMs = t;
      if (t > lastMs) lastMs = t;
    }
    const lastReadingMs = ingestEndMs ?? lastMs;

    // Q1: three instants per sensor
    const q1Times = new Map(sensors.map((s) => [s.id, [0.25, 0.5, 0.75].map((f) => history.get(s.id)![Math.floor(f * history.get(s.id)!.length)].time)]));
    const q1 = await timed(async () => {
      let n = 0;
      for (const s of sensors) n += ((await auditor.evaluate('getReadingsAt', { meterId: s.id, times: q1Times.get(s.id) })) as { readings: unknown[] }).readings.length;
      return n;
    }, 3);
    const q1Scan = all.filter((r) => q1Times.get(r.meterId)!.includes(r.time)).length;
    // Q2: a narrow value band (±0.005 around the median temperature of sensor 1), every sensor, the ingest period
    const from = new Date(firstMs).toISOString();
    const to = new Date(lastReadingMs + 1).toISOString();
    const temperatures = history.get(sensors[0].id)!.map((r) => Number(r.value)).sort((x, y) => x - y);
    const median = temperatures[Math.floor(temperatures.length / 2)];
    const band = { above: (median - 0.005).toFixed(3), below: (median + 0.005).toFixed(3) };
    const q2 = await timed(async () => {
      let n = 0;
      for (const s of sensors) n += (await allPages((bookmark) => auditor.evaluate('findReadingsByValue', { meterId: s.id, from, to, ...band, pageSize: 1000, bookmark }) as Promise<{ items: unknown[]; bookmark: string }>)).length;
      return n;
    }, 3);
    const q2Scan = all.filter((r) => Number(r.value) > Number(band.above) && Number(r.value) < Number(band.below) && r.time >= from && r.time < to).length;

    // Q3: AVG over the middle 60 % of the period, all sensors (the group); Q4: COUNT before its middle. Each
    // at whole minutes (dashboards, 001's windows) and at arbitrary instants, whose partial-minute edges are
    // read as raw readings (every reading of the group in the two edge minutes).
    const at = (f: number, aligned: boolean) => {
      const ms = firstMs + (lastReadingMs - firstMs) * f;
      return new Date(aligned ? Math.floor(ms / 60_000) * 60_000 : Math.floor(ms)).toISOString();
    };
    type Q3Answer = { count: number; sum: string; avg: string; cost: object };
    type Q4Answer = { before: number; after: number; cost: object };
    const q3At = async (aligned: boolean) => {
      const [t1, t2] = [at(0.2, aligned), at(0.8, aligned)];
      const q = await timed(async () => (await auditor.evaluate('aggregateRange', { group: GROUP, from: t1, to: t2 })) as Q3Answer);
      const scan = aggregateOf(all.filter((r) => r.time >= t1 && r.time < t2).map((r) => r.value));
      return { ...q, exact: q.value.count === scan.count && q.value.sum === scan.sum, range: `[${t1}, ${t2})` };
    };
    const q4At = async (aligned: boolean) => {
      const tm = at(0.5, aligned);
      const q = await timed(async () => (await auditor.evaluate('countReadings', { group: GROUP, at: tm })) as Q4Answer);
      return { ...q, exact: q.value.before === all.filter((r) => r.time < tm).length, range: `before ${tm}` };
    };
    const q3 = await q3At(true);
    const q3Edges = await q3At(false);
    const q4 = await q4At(true);
    const q4Edges = await q4At(false);

    const checks = { q1: q1.value === q1Scan, q2: q2.value === q2Scan, q3: q3.exact, q4: q4.exact, q3Edges: q3Edges.exact, q4Edges: q4Edges.exact };
    const queries = [
      { query: `Q1 readings at 3 instants × ${SENSORS} sensors`, indexedMs: q1.ms, answer: q1.value, exact: checks.q1 },
      { query: `Q2 ${band.above} < value < ${band.below}, ${SENSORS} sensors`, indexedMs: q2.ms, answer: q2.value, exact: checks.q2 },
      { query: 'Q3 AVG over 60 % of the period, all sensors, whole minutes', indexedMs: q3.ms, answer: q3.value.avg, range: q3.range, cost: q3.value.cost, exact: q3.exact },
      { query: 'Q3 AVG over 60 % of the period, all sensors, any instants', indexedMs: q3Edges.ms, answer: q3Edges.value.avg, range: q3Edges.range, cost: q3Edges.value.cost, exact: q3Edges.exact },
      { query: 'Q4 COUNT before the middle, all sensors, whole minute', indexedMs: q4.ms, answer: q4.value.before, range: q4.range, cost: q4.value.cost, exact: q4.exact },
      { query: 'Q4 COUNT before the middle, all sensors, any instant', indexedMs: q4Edges.ms, answer: q4Edges.value.before, range: q4Edges.range, cost: q4Edges.value.cost, exact: q4Edges.exact },
    ].map((q) => ({ ...q, indexedMs: round(q.indexedMs, 1), scanMs: Math.round(scanMs), ratio: Math.round(scanMs / q.indexedMs) }));

    const figures = {
      settings,
      ...(RESUME ? { resumedRun: RESUME } : {}),
      ingest: ours && baseline ? [ours, baseline] : null,
      ingestRatio: ours && baseline ? round(ours.readingsPerSecond / Math.max(0.001, baseline.readingsPerSecond), 1) : null,
      seal: { transactions: sealTx, seconds: sealSeconds },
      readingsOnLedger: all.length,
      queries,
      exact: checks,
      verification,
    };
    console.log('');
    console.log('| design | submitters | readings accepted | readings/s | transactions | invalidated | p50 / p99 commit ms |');
    console.log('|---|---|---|---|---|---|---|');
    if (ours && baseline) {
      for (const f of [ours, baseline]) console.log(`| ${f.design} | ${f.submitters} | ${f.acceptedReadings} | ${f.readingsPerSecond} | ${f.transactions} | ${f.invalidTransactions} | ${f.p50CommitMs} / ${f.p99CommitMs} |`);
      console.log(`\ningest ratio (submitReadings / baseline readings/s): ${figures.ingestRatio}×`);
      console.log(`CPU ms per accepted reading (submitReadings): ${KINDS.map((k) => `${k} ${ours.cpuMsPerReading[k]}`).join(', ')}`);
    } else console.log(`| (run ${RESUME} resumed after its ingest: see its log) |`);
    console.log(`\n| query (${all.length} readings on the ledger) | indexed (ms) | raw-history scan (ms) | ratio | same answer |`);
    console.log('|---|---|---|---|---|');
    for (const q of queries) console.log(`| ${q.query} | ${q.indexedMs} | ${q.scanMs} | ${q.ratio}× | ${q.exact ? 'yes' : 'NO'} |`);
    console.log(`\nverification: node:crypto ${verification.rawPerSecond}/s, chaincode path (parse + interpret + verify) ${verification.chaincodePathPerSecond}/s = ${Math.round(verification.ratio * 100)} %`);
    if (process.env.BENCH_NO_SAVE !== '1') console.log(`saved ${saveResults('readings', figures)}`);
    if (!Object.values(checks).every(Boolean)) throw new Error(`indexed and scanned answers differ: ${JSON.stringify(checks)}`);
  } finally {
    for (const c of connections) c.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
