/**
 * npm run bench:weighing — 004's experiment scaled up, on network/topologies/weighing-004.yaml (a fresh network
 * of its own, scripts/with-fresh-network.sh): 2 customers × 10 stations × 4 weighbridges × 4 load cells. Every
 * station's terminal key is registered (PTB) and approved (Inmetro) in the meter registry; then every station
 * submits signed tickets (closed loop: its next batch when the previous one committed) into its customer's
 * private collection until BENCH_TICKETS were accepted. Then, on that ledger, a customer user runs the
 * three-attribute filter's first page (station + weighbridge + minimum gross) and the grouping of a day by
 * weighbridge, each repeated.
 *
 * Prints and saves: accepted tickets/s, transactions, p50/p99 commit latency, invalid and failed
 * transactions, CPU per process kind and per ticket; p50/p95 of the filter's first page and of the grouping.
 * Goals (issue 8): ≥ 50 tickets/s, first page p95 ≤ 200 ms, grouping ≤ 500 ms.
 *
 * Environment:
 *   BENCH_TICKETS    tickets to accept, default 100000
 *   BENCH_BATCH      tickets per transaction, default 20
 *   BENCH_QUERIES    measured repetitions of each query, default 200 (grouping: a fifth of it), after 5 warm-up
 *                    queries on a new connection once the network is at rest (their times are saved apart)
 *   BENCH_LABEL      free text saved with the results
 *   BENCH_NO_SAVE=1  do not write bench/results/
 */
import { randomBytes } from 'node:crypto';
import { connect, loadNetworkProfile, MeterledgerError, type MeterledgerConnection } from '@meterledger/client';
import { generateSoftwareSigner, softwareDeviceSigner, type WeighingTicket } from '@meterledger/crypto';
import { AuthorityClient, softwareProver } from '@meterledger/authority';
import { CustomerClient, StationClient, newTicketId } from '@meterledger/weighing';
import { KINDS, cpuDelta, cpuSnapshot, networkProcesses, networkUnderTest } from './cpu';
import { environment, percentile, saveResults } from './report';

const TARGET = Number(process.env.BENCH_TICKETS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 20);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const WARMUP = 5;
const CUSTOMERS = ['CustomerA', 'CustomerB'];
const STATIONS = 10;
const WEIGHBRIDGES = 4;
const CELLS = 4;
const run = randomBytes(3).toString('hex');
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Station {
  customer: string;
  station: string;
  terminal: string;
  client: StationClient;
  restart: number;
  lastMs: number;
}

function weighing(s: Station, random: () => number): WeighingTicket {
  const ms = Math.max(Date.now(), s.lastMs + 1);
  s.lastMs = ms;
  const wb = `wb${1 + Math.floor(random() * WEIGHBRIDGES)}`;
  const gross = 10_000 + Math.floor(random() * 35_000);
  const tare = 8_000 + Math.floor(random() * 7_000);
  const cells = Array.from({ length: CELLS }, (_, i) => ({ cellSerialNumber: `LC-${run}-${s.customer}-${s.station}-${wb}-${i + 1}`, cellWeight: String(gross / CELLS) }));
  return {
    format: 'weighing-ticket-v1',
    ticketID: newTicketId({ customer: `${s.customer}-${run}`, station: s.station, weighbridge: wb }, ms),
    terminalSerialNumber: s.terminal,
    terminalRestartValue: s.restart,
    timestamp: new Date(ms).toISOString(),
    scaleSerialNumber: `SC-${s.station}-${wb}`,
    scaleStatus: random() < 0.95 ? 'OK' : 'MOTION',
    scaleGross: String(gross),
    scaleNet: String(Math.max(0, gross - tare)),
    cells,
    station: s.station,
    weighbridge: wb,
    unit: 'kg',
  };
}

async function main(): Promise<void> {
  const env = environment();
  const { stateDir } = networkUnderTest();
  const profile = loadNetworkProfile();
  for (const c of CUSTOMERS) if (!profile.orgs[c]) throw new Error(`the network has no org ${c}: run on network/topologies/weighing-004.yaml (npm run bench:weighing)`);
  console.log(`bench:weighing — ${CUSTOMERS.length} customers × ${STATIONS} stations × ${WEIGHBRIDGES} weighbridges × ${CELLS} load cells, ${TARGET} tickets in batches of ${BATCH}; commit ${env.commit.slice(0, 12)}${env.dirty ? ' (dirty)' : ''}`);
  const connections: MeterledgerConnection[] = [];
  const open = async (org: string, identity: string) => {
    const c = await connect({ org, identity, transport: 'gateway' });
    connections.push(c);
    return c;
  };

  // ---- terminals in the registry -------------------------------------------------------------------
  const ptb = new AuthorityClient(await open('PTB', 'registrar'));
  const inmetro = new AuthorityClient(await open('Inmetro', 'registrar'));
  const stations: Station[] = [];
  const setupStart = Date.now();
  for (const customer of CUSTOMERS) {
    for (let i = 1; i <= STATIONS; i++) {
      const station = `st${String(i).padStart(2, '0')}`;
      const terminal = `SBX-${customer}-${station}-${run}`;
      const signer = generateSoftwareSigner('ecdsa-p256-sha256');
      const metadata = { manufacturer: 'ACME Weighing', model: 'SmartBox 2', serial: terminal, typeApprovalRef: 'PTB-7.51-0815' };
      await ptb.registerWithPossession({ meterId: terminal, scheme: signer.scheme, publicKey: signer.publicKey, metadata, prover: softwareProver(signer) });
      await inmetro.approveWithPossession({ meterId: terminal, prover: softwareProver(signer) });
      const connection = await open(customer, `station${String(i).padStart(2, '0')}`);
      stations.push({ customer, station, terminal, client: new StationClient(connection, { terminal: softwareDeviceSigner(signer), saltSecret: randomBytes(32) }), restart: 1, lastMs: 0 });
    }
  }
  console.log(`  ${stations.length} terminals registered and approved in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);
  await new Promise((r) => setTimeout(r, 1000)); // tickets strictly after the keys' activation

  // ---- ingest ------------------------------------------------------------------------------------------
  const roots = networkProcesses(stateDir);
  const cpuBefore = cpuSnapshot(roots);
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let accepted = 0;
  let rejected = 0;
  let duplicates = 0;
  let transactions = 0;
  let invalid = 0;
  let issued = 0;
  const start = Date.now();
  let lastReport = start;
  const acceptedBy: Record<string, number> = Object.fromEntries(CUSTOMERS.map((c) => [c, 0]));
  const days = new Set<string>();

  const seed = (n: number) => () => ((n = (n * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  await Promise.all(
    stations.map(async (s, index) => {
      const random = seed(index + 1);
      while (issued < TARGET) {
        const n = Math.min(BATCH, TARGET - issued);
        issued += n;
        const tickets = Array.from({ length: n }, () => weighing(s, random));
        const records = await Promise.all(tickets.map((t) => s.client.sign(t)));
        const t0 = Date.now();
        try {
          const result = await s.client.submit(records);
          latencies.push(Date.now() - t0);
          transactions++;
          accepted += result.accepted;
          acceptedBy[s.customer] += result.accepted;
          duplicates += result.duplicates;
          rejected += result.rejected;
          for (const t of tickets) days.add(t.timestamp.slice(0, 10));
        } catch (err) {
          issued -= n; // not counted toward the target: the tickets were not taken
          const code = err instanceof MeterledgerError ? err.code : 'UNKNOWN';
          if (code === 'TRANSACTION_INVALID') invalid++;
          failures.set(code, (failures.get(code) ?? 0) + 1);
        }
        if (Date.now() - lastReport >= 10_000) {
          lastReport = Date.now();
          const seconds = (lastReport - start) / 1000;
          console.log(`  ${seconds.toFixed(0)} s: ${accepted} accepted (${(accepted / seconds).toFixed(1)}/s), ${transactions} tx, ${invalid} invalid, ${[...failures.values()].reduce((a, b) => a + b, 0)} failed`);
        }
      }
    }),
  );
  const seconds = (Date.now() - start) / 1000;
  const cpu = cpuDelta(cpuBefore, cpuSnapshot(roots));
  latencies.sort((a, b) => a - b);
  const ingest = {
    acceptedTickets: accepted,
    rejected,
    duplicates,
    seconds: round(seconds, 1),
    ticketsPerSecond: round(accepted / seconds, 1),
    transactions,
    invalidTransactions: invalid,
    failedTransactions: Object.fromEntries(failures),
    commitLatencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
    cpuMs: Object.fromEntries([...KINDS, 'other'].map((k) => [k, Math.round(cpu[k as keyof typeof cpu])])),
    cpuMsPerTicket: Object.fromEntries([...KINDS, 'total'].map((k) => [k, round(cpu[k as keyof typeof cpu] / Math.max(1, accepted))])),
    acceptedByCustomer: acceptedBy,
  };
  console.log(`ingest: ${accepted} tickets in ${seconds.toFixed(0)} s = ${ingest.ticketsPerSecond} tickets/s; ${transactions} tx, p50 ${ingest.commitLatencyMs.p50} ms, p99 ${ingest.commitLatencyMs.p99} ms; ${invalid} invalid; failed ${JSON.stringify(ingest.failedTransactions)}`);
  console.log(`  CPU per ticket (ms): ${JSON.stringify(ingest.cpuMsPerTicket)}`);

  // ---- queries at that size ---------------------------------------------------------------------------
  // Measured on the ledger at rest, as a customer's user meets it: first wait until the peers have committed
  // and compacted what the ingest left (the network's processes idle), then open the connection and run a few
  // queries that are reported as cold (TLS handshake, the chaincode's JIT, LevelDB's caches), then the runs.
  const settled = await settle(roots);
  console.log(`network at rest after ${settled.seconds} s (${settled.busyPercent}% of one core)`);
  const user = new CustomerClient(await open('CustomerA', 'user'));
  const random = seed(99);
  const threeAttributeFilter = () => ({ station: `st${String(1 + Math.floor(random() * STATIONS)).padStart(2, '0')}`, weighbridge: `wb${1 + Math.floor(random() * WEIGHBRIDGES)}`, grossMin: String(20_000 + Math.floor(random() * 20_000)) });
  const cold: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    const t0 = performance.now();
    await user.queryTickets({ filter: threeAttributeFilter(), pageSize: 50 });
    cold.push(performance.now() - t0);
  }
  const firstPage: number[] = [];
  let hits = 0;
  let scanned = 0;
  for (let i = 0; i < QUERIES; i++) {
    const filter = threeAttributeFilter();
    const t0 = performance.now();
    const page = await user.queryTickets({ filter, pageSize: 50 });
    firstPage.push(performance.now() - t0);
    hits += page.items.length;
    scanned += page.scanned;
  }
  firstPage.sort((a, b) => a - b);
  const grouping: number[] = [];
  const [day] = [...days].sort();
  let grouped = 0;
  let source = '';
  for (let i = 0; i < Math.max(5, Math.floor(QUERIES / 5)); i++) {
    const from = `${day}T00:00:00Z`;
    const to = new Date(Date.parse(from) + 86_400_000).toISOString();
    const t0 = performance.now();
    const result = await user.groupTickets({ filter: { from, to }, by: 'weighbridge' });
    grouping.push(performance.now() - t0);
    grouped = result.groups.reduce((n, g) => n + g.count, 0);
    source = result.source;
  }
  grouping.sort((a, b) => a - b);
  const queries = {
    threeAttributeFirstPage: { filter: 'station + weighbridge + grossMin, pageSize 50', warmupMs: cold.map((ms) => round(ms, 1)), runs: QUERIES, meanHits: round(hits / QUERIES, 1), meanScanned: round(scanned / QUERIES, 1), p50Ms: round(percentile(firstPage, 50), 1), p95Ms: round(percentile(firstPage, 95), 1), maxMs: round(firstPage[firstPage.length - 1], 1) },
    groupDayByWeighbridge: { day, runs: grouping.length, ticketsGrouped: grouped, source, p50Ms: round(percentile(grouping, 50), 1), p95Ms: round(percentile(grouping, 95), 1), maxMs: round(grouping[grouping.length - 1], 1) },
  };
  console.log(`queries (CustomerA, ${acceptedBy.CustomerA} tickets): three-attribute first page p50 ${queries.threeAttributeFirstPage.p50Ms} ms, p95 ${queries.threeAttributeFirstPage.p95Ms} ms (${queries.threeAttributeFirstPage.meanHits} hits, ${queries.threeAttributeFirstPage.meanScanned} index entries scanned on average; warm-up ${queries.threeAttributeFirstPage.warmupMs.join(', ')} ms); group ${day} by weighbridge (${grouped} tickets, ${source}) p50 ${queries.groupDayByWeighbridge.p50Ms} ms, max ${queries.groupDayByWeighbridge.maxMs} ms`);
  const goals = {
    ticketsPerSecond: { goal: 50, measured: ingest.ticketsPerSecond, met: ingest.ticketsPerSecond >= 50 },
    firstPageP95Ms: { goal: 200, measured: queries.threeAttributeFirstPage.p95Ms, met: queries.threeAttributeFirstPage.p95Ms <= 200 },
    groupingMs: { goal: 500, measured: queries.groupDayByWeighbridge.maxMs, met: queries.groupDayByWeighbridge.maxMs <= 500 },
    invalidTransactions: { goal: 0, measured: invalid, met: invalid === 0 },
  };
  for (const [name, g] of Object.entries(goals)) console.log(`  goal ${name}: ${g.measured} (goal ${g.goal}) ${g.met ? 'met' : 'NOT met'}`);
  for (const c of connections) c.close();
  if (process.env.BENCH_NO_SAVE !== '1') {
    const file = saveResults('weighing', { label: process.env.BENCH_LABEL ?? '', workload: { customers: CUSTOMERS.length, stations: STATIONS, weighbridges: WEIGHBRIDGES, cells: CELLS, target: TARGET, batch: BATCH }, ingest, queries, goals });
    console.log(`saved ${file}`);
  }
}

/**
 * Wait (at most two minutes) until the network's processes use under 25% of one core over two seconds (an idle
 * weighing-004 network, gossip and all, uses about 12%).
 */
async function settle(roots: Map<string, number>): Promise<{ seconds: number; busyPercent: number }> {
  const started = performance.now();
  for (;;) {
    const a = cpuSnapshot(roots);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const busy = cpuDelta(a, cpuSnapshot(roots));
    const busyPercent = round(((busy.total - busy.bench) / 2000) * 100, 1);
    const seconds = round((performance.now() - started) / 1000, 0);
    if (busyPercent < 25 || seconds >= 120) return { seconds, busyPercent };
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
