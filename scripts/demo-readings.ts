/**
 * The readings part of the demo (scripts/demo.ts runs it after the registry part), end to end on the
 * running network: a simulated BC4P Tasmota plug, registered and approved in the registry with its Ed25519
 * key, publishes signed tele/<device>/SENSOR messages to the Mosquitto broker `network up` started (its URL
 * is network.json's mqtt.url); the MqttBridge hands them to the MeteringGateway (durable queue, batches),
 * which submits them to the readings contract as the Operator's gateway; then an auditor reads them back,
 * verifies them and prints a report for the meter.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mqtt from 'mqtt';
import { AuditorClient } from '@meterledger/auditor';
import { AuthorityClient, softwareProver } from '@meterledger/authority';
import { connect, loadNetworkProfile, type MeterledgerConnection } from '@meterledger/client';
import { generateSoftwareSigner, softwareDeviceSigner } from '@meterledger/crypto';
import { MeteringGateway, MqttBridge, SimulatedTasmotaPlug, type GatewayOutcome } from '@meterledger/metering-gateway';

export interface DemoOutput {
  step(text: string): void;
  show(label: string, value: unknown): void;
}

const READINGS = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const short = (hex: string) => `${hex.slice(0, 12)}…`;

async function waitFor(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

export async function readingsDemo({ step, show }: DemoOutput): Promise<void> {
  const broker = loadNetworkProfile().mqtt?.url;
  if (!broker) throw new Error('network.json names no MQTT broker (mqtt.url): the topology has no mqtt section');

  const stamp = Date.now().toString(36);
  const meterId = `demo-plug-${stamp}`;
  const device = `tasmota_demo_${stamp}`;
  const utcOffset = '+01:00'; // Tasmota prints local time without an offset; the bridge declares it
  const group = 'demo-site';
  const queueDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meterledger-demo-gateway-'));
  const connections: MeterledgerConnection[] = [];
  const open = async (org: string, identity: string) => {
    const c = await connect({ org, identity });
    connections.push(c);
    return c;
  };

  try {
    step(`Signed meter readings: a simulated Tasmota plug ${device} with its own Ed25519 key`);
    const key = generateSoftwareSigner('ed25519'); // the plug's key (a real BC4P plug makes it at first boot)
    const ptb = new AuthorityClient(await open('PTB', 'registrar'));
    const inmetro = new AuthorityClient(await open('Inmetro', 'registrar'));
    await ptb.registerWithPossession({
      meterId,
      scheme: key.scheme,
      publicKey: key.publicKey,
      metadata: { manufacturer: 'BC4P', model: 'Tasmota plug', serial: device, typeApprovalRef: 'none' },
      prover: softwareProver(key),
    });
    const active = await inmetro.approveWithPossession({ meterId, prover: softwareProver(key) });
    show('registered (PTB) + approved', `${meterId}: ${active.status}, key v1 ${active.keys[0].scheme} valid from ${active.keys[0].validFrom}`);

    step(`The Operator's metering gateway and its MQTT bridge subscribe to tele/+/SENSOR on ${broker}`);
    const gateway = await MeteringGateway.open(await open('Operator', 'gateway'), { path: queueDir, group, maxDelayMs: 300, progressIntervalMs: 0 });
    const outcomes: GatewayOutcome[] = [];
    gateway.on('outcome', (o) => {
      outcomes.push(o);
      show(`  ledger: ${o.status}`, `${o.time}  tx ${short(o.txId)}${o.code ? `  ${o.code}` : ''}`);
    });
    const bridge = new MqttBridge(gateway, { url: broker, clientId: `demo-bridge-${stamp}`, devices: { [device]: { meterId, utcOffset } } });
    bridge.on('enqueued', (e) => show('  bridge: queued', `${e.topic} → ${e.meterId} (queue #${e.seq})`));
    bridge.on('skipped', (s) => show('  bridge: skipped', `${s.reason}: ${s.message.slice(0, 70)}`));
    await bridge.start();
    show('gateway queue (LevelDB)', queueDir);
    show('device → meter', `${device} → ${meterId} (UTC offset ${utcOffset}, group ${group})`);

    step(`The plug measures once a second and publishes ${READINGS} signed messages (MQTT QoS 1); one garbled message in between`);
    const plug = new SimulatedTasmotaPlug(device, softwareDeviceSigner(key), { utcOffset, total: '12.000' });
    const client = await mqtt.connectAsync(broker, { clientId: `demo-plug-${stamp}`, protocolVersion: 5 });
    // The key is valid from its activation on; Tasmota prints whole seconds: start in the next whole second.
    await sleep(Math.max(0, Math.ceil(Date.parse(active.keys[0].validFrom as string) / 1000) * 1000 + 50 - Date.now()));
    let first = '';
    try {
      for (let i = 0; i < READINGS; i++) {
        const message = await plug.measure(new Date(), 3 + ((i * 5) % 7)); // 3–9 Wh per second
        first ||= message.payload;
        await client.publishAsync(message.topic, message.payload, { qos: 1 });
        show(`plug → ${message.topic}`, message.payload.replace(/"Signature":"([0-9a-f]{16})[0-9a-f]+"/, '"Signature":"$1…"'));
        if (i === 3) await client.publishAsync(message.topic, '{"Time":"2026-01-01T00:00:00","ENERGY":{"Total":', { qos: 1 });
        if (i < READINGS - 1) await sleep(1000);
      }
      await waitFor(() => outcomes.length >= READINGS, `${READINGS} ledger outcomes (have ${outcomes.length})`);
    } finally {
      await client.endAsync();
      await bridge.stop();
      await gateway.close();
    }
    const byStatus = (s: string) => outcomes.filter((o) => o.status === s).length;
    show('outcomes', `${byStatus('accepted')} accepted, ${byStatus('duplicate')} duplicate, ${byStatus('rejected')} rejected, in ${new Set(outcomes.map((o) => o.txId)).size} transaction(s)`);
    if (byStatus('accepted') !== READINGS) throw new Error(`expected ${READINGS} accepted readings, got ${JSON.stringify(outcomes)}`);

    step("An auditor (PTB, role auditor) reads the meter's history back and checks it");
    const auditor = new AuditorClient(await open('PTB', 'auditor'));
    const times = outcomes.map((o) => o.time as string).sort();
    const from = times[0];
    const to = new Date(Date.parse(times[times.length - 1]) + 1000).toISOString();
    for await (const r of auditor.listAllReadings({ meterId, from, to })) {
      show(`  ${r.time}`, `${r.value.padStart(7)} ${r.unit}  device time ${r.deviceTime} (${r.utcOffset})  key v${r.keyVersion}  ${r.format}`);
    }
    const q3 = await auditor.aggregateRange({ meterId, from, to });
    show('Q3 aggregate [first, last]', `count ${q3.count}, min ${q3.min}, max ${q3.max}, avg ${q3.avg} kWh (${q3.cost.windows} windows, ${q3.cost.rawReadings} raw readings read)`);
    const middle = times[Math.floor(times.length / 2)];
    const q4 = await auditor.countReadings({ meterId, at: middle });
    show('Q4 count around the middle', `${q4.before} before ${middle}, ${q4.after} from then on`);
    const [firstRecord] = (await auditor.getReadingsAt({ meterId, times: [from] })).readings;
    show('first reading, as published', firstRecord.payload === first ? 'the signed message, byte for byte' : 'DIFFERENT');
    show('verifyOffline (registry key)', await auditor.verifyOffline(firstRecord));
    show('verifyOnChain (registry)', await auditor.verifyOnChain(firstRecord));
    show('record with altered value', await auditor.verifyOffline({ ...firstRecord, value: '99.999' }));

    step(`The auditor's report for ${meterId} over the period`);
    const report = await auditor.report(meterId, from, to, { expectedIntervalMs: 5_000 });
    show('readings / verified', `${report.readings} / ${report.verified}`);
    show('verification failures', report.verificationFailures.length === 0 ? 'none' : report.verificationFailures);
    show('gaps (sequence, time > 5 s)', report.gaps.length === 0 ? 'none' : report.gaps);
    show('resets / key changes', `${report.resets.length} / ${report.keyChanges.length}`);
    show('clock problems', report.clockProblems.length === 0 ? 'none' : report.clockProblems.map((c) => `${c.kind} ${c.deviceTime} (${c.delayMs} ms)`));
    show('first', `${report.first?.time} (tx ${short(report.first?.txId ?? '')})`);
    show('last', `${report.last?.time} (tx ${short(report.last?.txId ?? '')})`);
  } finally {
    for (const c of connections) c.close();
    fs.rmSync(queueDir, { recursive: true, force: true });
  }
}
