/**
 * npm run bench:registry — replays the workload of Moni et al. (Sensors 2021, Tables 3–8) on 002's
 * deployment (network/topologies/nmi-002.yaml), on a fresh network of its own started by
 * scripts/with-fresh-network.sh: for 4, 16, 36 and 64 concurrent clients × 100 meters each, every client
 * registers its meters (PTB registrar), has them approved (Inmetro registrar, second proof of possession),
 * checks one signature per meter with verifyAndRecord (Inmetro verifier, logged on the ledger, as in the
 * paper), and then with `verify` as an evaluate (a read, not ordered).
 *
 * Per phase it prints and saves: transactions, tx/s, blocks, p50/p99 latency, invalid transactions (committed
 * but marked invalid, e.g. MVCC_READ_CONFLICT) and failed ones, and the CPU time every process of the network
 * used (utime + stime from /proc of each process in $MLEDGER_STATE_DIR/run/*.pid and its descendants),
 * grouped by kind (orderer, peer, chaincode, ca) plus the benchmark process itself, per transaction — so the
 * bottleneck is named.
 *
 * A client is closed-loop: it sends its next transaction when the previous one committed (submit = endorse,
 * order, wait for the commit status), so with N clients throughput ≈ N / latency.
 *
 * Environment:
 *   BENCH_CLIENTS            client counts, default 4,16,36,64
 *   BENCH_METERS_PER_CLIENT  default 100
 *   BENCH_CONNECTIONS        shared (default): one gRPC connection per gateway peer, shared by every client
 *                            and identity; per-client: one gRPC connection per client and identity
 *   BENCH_GATEWAY_PEERS      first (default): every client of an org uses the org's first peer as gateway;
 *                            all: clients spread round-robin over the org's peers
 *   BENCH_PHASES             subset of register,approve,verifyAndRecord,verify (default all)
 *   BENCH_WARMUP             meters per client of an unrecorded register run (16 clients) before the first step,
 *                            default 0: for short experiments, so that the first recorded phase does not pay for
 *                            cold caches and connections
 *   BENCH_LABEL              free text saved with the results (what this run tries)
 *   BENCH_NO_SAVE=1          do not write bench/results/
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  connect,
  type ContractClient,
  loadNetworkProfile,
  MeterledgerError,
  newGrpcClient,
  type MeterledgerConnection,
  type NetworkProfile,
} from '@meterledger/client';
import { buildPossessionChallenge, generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import { KINDS, cpuDelta, cpuSnapshot, networkProcesses, networkUnderTest, type CpuMs } from './cpu';
import { environment, percentile, saveResults } from './report';

const STEPS = (process.env.BENCH_CLIENTS ?? '4,16,36,64').split(',').map(Number);
const METERS_PER_CLIENT = Number(process.env.BENCH_METERS_PER_CLIENT ?? 100);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? 'shared') as 'shared' | 'per-client';
const GATEWAY_PEERS = (process.env.BENCH_GATEWAY_PEERS ?? 'first') as 'first' | 'all';
const WARMUP = Number(process.env.BENCH_WARMUP ?? 0);
const PHASES = (process.env.BENCH_PHASES ?? 'register,approve,verifyAndRecord,verify').split(',');
const REGISTRY = 'registry';
const run = randomBytes(4).toString('hex');

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

// ---- the workload ----------------------------------------------------------------------------------

interface PhaseFigures {
  phase: string;
  kind: 'submit' | 'evaluate';
  clients: number;
  transactions: number;
  seconds: number;
  txPerSecond: number;
  blocks: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  invalid: number;
  failed: number;
  /** Count per error code (and validation code for invalid transactions). */
  errors: Record<string, number>;
  /** CPU ms used during the phase, per process kind, and per transaction. */
  cpuMs: CpuMs;
  cpuMsPerTx: CpuMs;
  /** Cores busy on average: cpuMs.machine / seconds / 1000. */
  machineCores: number;
}

type Work = (client: number, meter: number) => { fn: string; arg: object };

function proof(signer: SoftwareSigner, channel: string, meterId: string) {
  const nonce = randomBytes(18).toString('base64url');
  const challenge = buildPossessionChallenge({ channel, meterId, publicKey: signer.publicKey, scheme: signer.scheme, nonce });
  return { nonce, signature: Buffer.from(signer.sign(challenge)).toString('base64') };
}

const interactive = process.stdout.isTTY === true;

/** Run `work(client, meter)` for every client concurrently, each client sequentially over its meters. */
async function phase(
  name: string,
  kind: 'submit' | 'evaluate',
  contracts: ContractClient[],
  work: Work,
  roots: Map<string, number>,
  metersPerClient = METERS_PER_CLIENT,
): Promise<PhaseFigures> {
  // Build every request first: the meters' signatures are the meters' work, not the clients'.
  const requests = contracts.map((_, client) => Array.from({ length: metersPerClient }, (_m, meter) => work(client, meter)));
  const latencies: number[] = [];
  const blocks = new Set<bigint>();
  const errors: Record<string, number> = {};
  let invalid = 0;
  let failed = 0;
  let done = 0;
  const total = contracts.length * metersPerClient;
  const cpu0 = cpuSnapshot(roots);
  const started = performance.now();
  const report = () => {
    const s = (performance.now() - started) / 1000;
    const line = `  ${name}: ${done}/${total} (${Math.round(done / s)} tx/s, invalid ${invalid}, failed ${failed})`;
    process.stdout.write(interactive ? `\r${line}` : `${line}\n`);
  };
  const progress = setInterval(report, interactive ? 1000 : 10_000);
  await Promise.all(
    contracts.map(async (contract, client) => {
      for (const { fn, arg } of requests[client]) {
        const t0 = performance.now();
        try {
          if (kind === 'submit') {
            const { blockNumber } = await contract.submitWithTxId(fn, arg);
            blocks.add(blockNumber);
          } else {
            await contract.evaluate(fn, arg);
          }
          latencies.push(performance.now() - t0);
        } catch (err) {
          const e = err instanceof MeterledgerError ? err : undefined;
          const code = e ? (e.validationCode ? `${e.code}:${e.validationCode}` : e.code) : 'UNKNOWN';
          errors[code] = (errors[code] ?? 0) + 1;
          if (e?.code === 'TRANSACTION_INVALID') invalid++;
          else failed++;
          if (failed + invalid <= 3) console.error(`\n  ${name}: ${(err as Error).message}`);
        }
        done++;
      }
    }),
  );
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuDelta(cpu0, cpuSnapshot(roots));
  latencies.sort((a, b) => a - b);
  const n = latencies.length || 1;
  const perTx = Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, round(v / n)])) as CpuMs;
  const figures: PhaseFigures = {
    phase: name,
    kind,
    clients: contracts.length,
    transactions: latencies.length,
    seconds: round(seconds),
    txPerSecond: round(latencies.length / seconds, 1),
    blocks: blocks.size,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(latencies[latencies.length - 1] ?? NaN),
    invalid,
    failed,
    errors,
    cpuMs: Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, Math.round(v)])) as CpuMs,
    cpuMsPerTx: perTx,
    machineCores: round(cpuMs.machine / seconds / 1000),
  };
  const cpu = [...KINDS, 'total', 'other'].map((k) => `${k} ${perTx[k as keyof CpuMs]}`).join(', ');
  process.stdout.write(
    `${interactive ? '\r' : ''}  ${name.padEnd(15)} ${String(figures.transactions).padStart(5)} tx ${String(figures.txPerSecond).padStart(7)} tx/s ` +
      `${String(figures.blocks).padStart(4)} blocks  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  invalid ${invalid}  failed ${failed}\n` +
      `  ${''.padEnd(15)} CPU ms/tx: ${cpu}; machine ${figures.machineCores} cores busy\n`,
  );
  return figures;
}

// ---- connections -------------------------------------------------------------------------------------

type Grpc = ReturnType<typeof newGrpcClient>;

interface Opened {
  contract: ContractClient;
  close(): void;
}

/**
 * Opens the clients' contracts. `shared`: one gRPC connection per gateway peer for the whole run
 * (fabric-gateway's recommendation), one Gateway per identity and peer; every client of that identity and
 * peer uses it (a Gateway is stateless between calls). `per-client`: a gRPC connection per client.
 */
class Connections {
  readonly #profile: NetworkProfile;
  readonly #grpc = new Map<string, Grpc>();
  readonly #shared = new Map<string, Opened>();
  readonly #perClient: Opened[] = [];

  constructor(profile: NetworkProfile) {
    this.#profile = profile;
  }

  #peerFor(org: string, client: number) {
    const peers = this.#profile.orgs[org].peers;
    return GATEWAY_PEERS === 'all' ? peers[client % peers.length] : peers[0];
  }

  async contract(org: string, identity: string, client = 0): Promise<ContractClient> {
    const peer = this.#peerFor(org, client);
    const open = (grpcClient?: Grpc) => this.#open(org, identity, peer.name, grpcClient);
    if (CONNECTIONS === 'per-client') {
      const c = await open();
      this.#perClient.push(c);
      return c.contract;
    }
    const key = `${org}/${identity}/${peer.name}`;
    let c = this.#shared.get(key);
    if (!c) {
      let grpcClient = this.#grpc.get(peer.endpoint);
      if (!grpcClient) {
        grpcClient = newGrpcClient(peer.endpoint, readFileSync(peer.tlsRootCertPath), peer.hostAlias);
        this.#grpc.set(peer.endpoint, grpcClient);
      }
      c = await open(grpcClient);
      this.#shared.set(key, c);
    }
    return c.contract;
  }

  /** The SDK's connect(), as an application uses it (it signs with node:crypto, see the client README). */
  async #open(org: string, identity: string, peerName: string, grpcClient?: Grpc): Promise<Opened> {
    const c: MeterledgerConnection = await connect({ profile: this.#profile, org, identity, peer: peerName, grpcClient });
    return { contract: c.contract(REGISTRY), close: () => c.close() };
  }

  closePerClient(): void {
    for (const c of this.#perClient.splice(0)) c.close();
  }

  close(): void {
    this.closePerClient();
    for (const c of this.#shared.values()) c.close();
    for (const g of this.#grpc.values()) g.close();
  }
}

// ---- registry configuration ------------------------------------------------------------------------

/** `deploy` wrote the registry's first configuration from the topology; the bench only reports it. */
async function configurationInForce(connections: Connections, profile: NetworkProfile): Promise<string> {
  const [org] = Object.entries(profile.orgs).find(([, o]) => o.kind === 'authority') ?? [];
  if (!org) throw new Error('the network profile has no authority org');
  const { config } = await (await connections.contract(org, 'admin')).evaluate<{ config: { version: number; approvalThreshold: number; authorityMspIds: string[] } }>('getConfig');
  return `registry configuration v${config.version}: threshold ${config.approvalThreshold} of ${config.authorityMspIds.join(', ')}`;
}

// ---- main ----------------------------------------------------------------------------------------------

function markdownTable(results: PhaseFigures[]): string {
  const rows = [
    '| clients | phase | tx | tx/s | blocks | p50 ms | p99 ms | invalid | failed | CPU ms/tx: orderer | peer | chaincode | ca | bench | total | other (machine) |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const c = r.cpuMsPerTx;
    rows.push(
      `| ${r.clients} | ${r.phase}${r.kind === 'evaluate' ? ' (evaluate)' : ''} | ${r.transactions} | ${r.txPerSecond} | ${r.kind === 'submit' ? r.blocks : '–'} | ${r.p50Ms} | ${r.p99Ms} | ${r.invalid} | ${r.failed} | ${c.orderer} | ${c.peer} | ${c.chaincode} | ${c.ca} | ${c.bench} | ${c.total} | ${c.other} |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const { stateDir, profilePath } = networkUnderTest();
  const profile = loadNetworkProfile(profilePath);
  const channel = profile.channel;
  const roots = networkProcesses(stateDir);
  const results: PhaseFigures[] = [];
  const connections = new Connections(profile);
  const env = environment();
  const settings = { steps: STEPS, metersPerClient: METERS_PER_CLIENT, connections: CONNECTIONS, gatewayPeers: GATEWAY_PEERS, phases: PHASES, topology: process.env.MLEDGER_TOPOLOGY ?? 'network/topology.yaml', label: process.env.BENCH_LABEL ?? '' };
  console.log(`bench:registry run ${run}: ${JSON.stringify(settings)}`);
  console.log(`machine: ${env.machine.cpu} (${env.machine.cores} cores), node ${env.machine.node}; commit ${env.commit}${env.dirty ? ' (dirty)' : ''}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  console.log(`network: ${profilePath}; processes: ${[...roots.keys()].sort().join(', ')}`);
  try {
    console.log(await configurationInForce(connections, profile));
    if (WARMUP > 0) {
      const clients = 16;
      console.log(`warm-up (not recorded): ${clients} clients × ${WARMUP} meters`);
      const ptb = await Promise.all(Array.from({ length: clients }, (_, i) => connections.contract('PTB', 'registrar', i)));
      await phase('warm-up', 'submit', ptb, (client, meter) => {
        const s = generateSoftwareSigner('ecdsa-p256-sha256');
        const id = `bench-${run}-warmup-${client}-${meter}`;
        const metadata = { manufacturer: `bench-${run}`, model: 'B-1', serial: 'SN', typeApprovalRef: 'BENCH' };
        return { fn: 'registerMeter', arg: { meterId: id, scheme: s.scheme, publicKey: s.publicKey.spkiPem, metadata, proof: proof(s, channel, id) } };
      }, roots, WARMUP);
      connections.closePerClient();
    }
    for (const clients of STEPS) {
      console.log(`${clients} clients × ${METERS_PER_CLIENT} meters`);
      const ids = Array.from({ length: clients }, (_, i) => i);
      const ptb = await Promise.all(ids.map((i) => connections.contract('PTB', 'registrar', i)));
      const inmetro = await Promise.all(ids.map((i) => connections.contract('Inmetro', 'registrar', i)));
      const verifiers = await Promise.all(ids.map((i) => connections.contract('Inmetro', 'verifier', i)));
      const signers = ids.map(() => Array.from({ length: METERS_PER_CLIENT }, () => generateSoftwareSigner('ecdsa-p256-sha256')));
      const meterId = (client: number, meter: number) => `bench-${run}-${clients}-${client}-${meter}`;
      const metadata = { manufacturer: `bench-${run}`, model: 'B-1', serial: 'SN', typeApprovalRef: 'BENCH' };
      const reading = '2026-11-21T10:00:00Z,1.000';
      const readingSignature = (client: number, meter: number) => Buffer.from(signers[client][meter].sign(reading)).toString('base64');

      if (PHASES.includes('register')) {
        results.push(
          await phase('register', 'submit', ptb, (client, meter) => {
            const s = signers[client][meter];
            const id = meterId(client, meter);
            return { fn: 'registerMeter', arg: { meterId: id, scheme: s.scheme, publicKey: s.publicKey.spkiPem, metadata, proof: proof(s, channel, id) } };
          }, roots),
        );
      }
      if (PHASES.includes('approve')) {
        results.push(
          await phase('approve', 'submit', inmetro, (client, meter) => {
            const id = meterId(client, meter);
            return { fn: 'approveMeter', arg: { meterId: id, keyVersion: 1, proof: proof(signers[client][meter], channel, id) } };
          }, roots),
        );
      }
      if (PHASES.includes('verifyAndRecord')) {
        results.push(
          await phase('verifyAndRecord', 'submit', verifiers, (client, meter) => ({
            fn: 'verifyAndRecord',
            arg: { meterId: meterId(client, meter), message: reading, signature: readingSignature(client, meter) },
          }), roots),
        );
      }
      if (PHASES.includes('verify')) {
        results.push(
          await phase('verify', 'evaluate', verifiers, (client, meter) => ({
            fn: 'verify',
            arg: { meterId: meterId(client, meter), message: reading, signature: readingSignature(client, meter) },
          }), roots),
        );
      }
      connections.closePerClient();
    }
  } finally {
    connections.close();
  }
  console.log('');
  console.log(markdownTable(results));
  console.log('');
  console.log(`CPU ms per transaction, by process kind (${[...roots.keys()].length} network processes; "other" = the rest of the machine).`);
  if (process.env.BENCH_NO_SAVE !== '1') console.log(`saved ${saveResults('registry', { settings, results })}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
