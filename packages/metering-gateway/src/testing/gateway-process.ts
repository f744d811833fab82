/**
 * A metering gateway as a process of its own, for the integration tests that kill it (test/gateway*.test.ts):
 *
 *   node --import tsx gateway-process.ts <queue folder> [<readings.json>]
 *
 * Connects with the network profile (org Operator, identity gateway; MLEDGER_STATE_DIR / MLEDGER_TRANSPORT
 * from the environment), enqueues the SubmittedReadings of <readings.json> if given, drains the queue and
 * exits 0. Writes one JSON line per event to stdout: {"event":"enqueued","count"}, {"event":"submitting",
 * "items"} (just before each submitReadings), {"event":"batch",...}, {"event":"retry",...},
 * {"event":"drained","outcomes":{accepted,duplicate,rejected},"resubmitted"}.
 */
import * as fs from 'node:fs';
import { READINGS_CONTRACT, type SubmittedReading } from '@meterledger/contract-api';
import { connect, type ContractArgument } from '@meterledger/client';
import { MeteringGateway, type ReadingsContract } from '../gateway';
import type { GatewayOutcome } from '../types';

const say = (event: string, fields: object = {}) => process.stdout.write(JSON.stringify({ event, ...fields }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');

async function main(): Promise<void> {
  const [queuePath, readingsFile] = process.argv.slice(2);
  if (!queuePath) throw new Error('usage: gateway-process.ts <queue folder> [<readings.json>]');
  const connection = await connect({ org: process.env.MLEDGER_GATEWAY_ORG ?? 'Operator', identity: process.env.MLEDGER_GATEWAY_IDENTITY ?? 'gateway' });
  const readings = connection.contract(READINGS_CONTRACT);
  const announced: ReadingsContract = {
    submitWithTxId: ((fn: string, ...args: ContractArgument[]) => {
      say('submitting', { items: (args[0] as { readings: unknown[] }).readings.length });
      return readings.submitWithTxId(fn, ...args);
    }) as ReadingsContract['submitWithTxId'],
  };
  const gateway = await MeteringGateway.open(announced, {
    path: queuePath,
    maxBatchItems: Number(process.env.MLEDGER_GATEWAY_BATCH ?? 25),
    maxInFlight: Number(process.env.MLEDGER_GATEWAY_IN_FLIGHT ?? 2),
    maxDelayMs: 50,
    progressIntervalMs: 0,
  });
  gateway.on('batch', (b) => say('batch', b));
  gateway.on('retry', (r) => say('retry', r));
  gateway.on('batchFailed', (f) => say('batchFailed', f));
  say('opened', { queued: gateway.queued });
  if (readingsFile) {
    const items = JSON.parse(fs.readFileSync(readingsFile, 'utf8')) as SubmittedReading[];
    await gateway.enqueue(items);
    say('enqueued', { count: items.length });
  }
  await gateway.drain();
  const counts = { accepted: 0, duplicate: 0, rejected: 0 };
  let resubmitted = 0;
  const outcomes: GatewayOutcome[] = [];
  for await (const o of gateway.outcomes()) {
    counts[o.status]++;
    if (o.resubmitted) resubmitted++;
    outcomes.push(o);
  }
  say('drained', { outcomes: counts, resubmitted, rejections: outcomes.filter((o) => o.status === 'rejected').map((o) => `${o.code}: ${o.message}`).slice(0, 5) });
  await gateway.close();
  connection.close();
}

main().catch((err: unknown) => {
  say('failed', { message: (err as Error).message, code: (err as { code?: string }).code });
  process.exit(1);
});
