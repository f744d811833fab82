/**
 * npm run bench:registry — replays the workload of Moni et al. (Sensors 2021, Tables 3–8) on the real
 * network started by network/: for 4, 16, 36 and 64 concurrent clients × 100 meters each, every client
 * registers its meters (PTB registrar), has them approved (Inmetro registrar, second proof of possession),
 * then checks one signature per meter with verifyAndRecord (logged on the ledger, as in the paper).
 * Per phase it prints and saves: transactions, tx/s, blocks, p50/p99 latency and invalid transactions.
 *
 * Needs `network/up.sh && network/deploy.sh` first; it configures the registry with threshold 2 itself.
 */
import { connect, MeterledgerError, type ContractClient, type MeterledgerConnection } from '@meterledger/client';
import { buildPossessionChallenge, generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import { randomBytes } from 'node:crypto';
import { environment, percentile, saveResults } from './report';

const STEPS = (process.env.BENCH_CLIENTS ?? '4,16,36,64').split(',').map(Number);
const METERS_PER_CLIENT = Number(process.env.BENCH_METERS_PER_CLIENT ?? 100);
const CHANNEL = 'nmichannel';
const run = randomBytes(4).toString('hex');

interface PhaseFigures {
  phase: string;
  clients: number;
  transactions: number;
  seconds: number;
  txPerSecond: number;
  blocks: number;
  p50Ms: number;
  p99Ms: number;
  invalid: number;
  failed: number;
}

function proof(signer: SoftwareSigner, meterId: string) {
  const nonce = randomBytes(18).toString('base64url');
  const challenge = buildPossessionChallenge({ channel: CHANNEL, meterId, publicKey: signer.publicKey, scheme: signer.scheme, nonce });
  return { nonce, signature: Buffer.from(signer.sign(challenge)).toString('base64') };
}

/** Run `work(client, meterIndex)` for every client concurrently, each client sequentially over its meters. */
async function phase(
  name: string,
  contracts: ContractClient[],
  work: (contract: ContractClient, client: number, meter: number) => [string, object],
): Promise<PhaseFigures> {
  const latencies: number[] = [];
  const blocks = new Set<bigint>();
  let invalid = 0;
  let failed = 0;
  let done = 0;
  const total = contracts.length * METERS_PER_CLIENT;
  const started = performance.now();
  const progress = setInterval(() => process.stdout.write(`\r  ${name}: ${done}/${total}`), 1000);
  await Promise.all(
    contracts.map(async (contract, client) => {
      for (let meter = 0; meter < METERS_PER_CLIENT; meter++) {
        const [fn, arg] = work(contract, client, meter);
        const t0 = performance.now();
        try {
          const { blockNumber } = await contract.submitWithTxId(fn, arg);
          blocks.add(blockNumber);
          latencies.push(performance.now() - t0);
        } catch (err) {
          if (err instanceof MeterledgerError && err.code === 'TRANSACTION_INVALID') invalid++;
          else failed++;
          if (failed + invalid <= 3) console.error(`\n  ${name}: ${(err as Error).message}`);
        }
        done++;
      }
    }),
  );
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const figures = {
    phase: name,
    clients: contracts.length,
    transactions: latencies.length,
    seconds: Math.round(seconds * 100) / 100,
    txPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
    blocks: blocks.size,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    invalid,
    failed,
  };
  process.stdout.write(`\r  ${name.padEnd(9)} ${String(figures.transactions).padStart(5)} tx  ${String(figures.txPerSecond).padStart(7)} tx/s  ${String(figures.blocks).padStart(4)} blocks  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  invalid ${invalid}  failed ${failed}\n`);
  return figures;
}

async function main(): Promise<void> {
  const results: PhaseFigures[] = [];
  const connections: MeterledgerConnection[] = [];
  const open = async (org: string, identity: string) => {
    const c = await connect({ org, identity });
    connections.push(c);
    return c.contract('registry');
  };
  try {
    const admin = await open('PTB', 'admin');
    await admin.submit('configure', { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    for (const clients of STEPS) {
      console.log(`${clients} clients × ${METERS_PER_CLIENT} meters`);
      const ptb = await Promise.all(Array.from({ length: clients }, () => open('PTB', 'registrar')));
      const inmetro = await Promise.all(Array.from({ length: clients }, () => open('Inmetro', 'registrar')));
      const verifiers = await Promise.all(Array.from({ length: clients }, () => open('Inmetro', 'verifier')));
      const signers = Array.from({ length: clients }, () => Array.from({ length: METERS_PER_CLIENT }, () => generateSoftwareSigner('ecdsa-p256-sha256')));
      const meterId = (client: number, meter: number) => `bench-${run}-${clients}-${client}-${meter}`;
      const metadata = { manufacturer: `bench-${run}`, model: 'B-1', serial: 'SN', typeApprovalRef: 'BENCH' };
      const reading = '2026-11-21T10:00:00Z,1.000';

      results.push(await phase('register', ptb, (_c, client, meter) => {
        const s = signers[client][meter];
        const id = meterId(client, meter);
        return ['registerMeter', { meterId: id, scheme: s.scheme, publicKey: s.publicKey.spkiPem, metadata, proof: proof(s, id) }];
      }));
      results.push(await phase('approve', inmetro, (_c, client, meter) => {
        const id = meterId(client, meter);
        return ['approveMeter', { meterId: id, keyVersion: 1, proof: proof(signers[client][meter], id) }];
      }));
      results.push(await phase('verify', verifiers, (_c, client, meter) => [
        'verifyAndRecord',
        { meterId: meterId(client, meter), message: reading, signature: Buffer.from(signers[client][meter].sign(reading)).toString('base64') },
      ]));
      for (const c of connections.splice(0)) c.close();
    }
  } finally {
    for (const c of connections) c.close();
  }
  const env = environment();
  console.log(`machine: ${env.machine.cpu} (${env.machine.cores} cores), node ${env.machine.node}; commit ${env.commit}${env.dirty ? ' (dirty)' : ''}`);
  console.log(`saved ${saveResults('registry', results)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
