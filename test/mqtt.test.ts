import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mqtt from 'mqtt';
import { loadNetworkProfile } from '@meterledger/client';
import { generateSoftwareSigner, softwareDeviceSigner } from '@meterledger/crypto';
import { MeteringGateway, MqttBridge, SimulatedTasmotaPlug, type GatewayOutcome, type TasmotaMessage } from '@meterledger/metering-gateway';
import { restartBrokerFromEnv } from '../network/src/mqtt';
import { authority, closeAll, connection, softwareProver, stateDir, ledgerReadings, uniqueId } from './support';

/**
 * BC4P Tasmota plugs → the network's MQTT broker (Mosquitto, started by `network up`; its URL is
 * network.json's mqtt.url) → MqttBridge → MeteringGateway → the readings contract, read back by an auditor.
 * The broker is restarted mid-stream: every message the broker acknowledged to the plug reaches the ledger,
 * exactly once.
 */
jest.setTimeout(300_000);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-mqtt-it-'));
});
afterAll(() => {
  closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

function brokerUrl(): string {
  const url = loadNetworkProfile(path.join(stateDir(), 'network.json')).mqtt?.url;
  if (!url) throw new Error(`network.json of ${stateDir()} has no mqtt.url: the network has no MQTT broker`);
  return url;
}


async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('plug → MQTT → bridge → chaincode → auditor, with the broker restarted mid-stream and nothing acknowledged lost', async () => {
  const url = brokerUrl();
  const meterId = uniqueId('plug');
  const device = `tasmota_${meterId.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const key = generateSoftwareSigner('ed25519');
  const metadata = { manufacturer: 'BC4P', model: 'Tasmota plug', serial: device, typeApprovalRef: 'none' };
  await (await authority('PTB', 'registrar')).registerWithPossession({ meterId, scheme: 'ed25519', publicKey: key.publicKey, metadata, prover: softwareProver(key) });
  await (await authority('Inmetro', 'registrar')).approveWithPossession({ meterId, prover: softwareProver(key) });

  const gateway = await MeteringGateway.open(await connection('Operator', 'gateway'), { path: path.join(dir, 'queue'), maxDelayMs: 200, progressIntervalMs: 0 });
  const outcomes: GatewayOutcome[] = [];
  gateway.on('outcome', (o) => outcomes.push(o));
  const bridge = new MqttBridge(gateway, { url, clientId: `bridge-${meterId}`, devices: { [device]: { meterId, utcOffset: '+01:00' } }, reconnectPeriodMs: 200 });
  const skipped: string[] = [];
  bridge.on('skipped', (s) => skipped.push(s.reason));
  await bridge.start();

  // The plug: QoS 1, publishing each message until the broker acknowledged it (it retries across the restart).
  const plug = new SimulatedTasmotaPlug(device, softwareDeviceSigner(key), { utcOffset: '+01:00', total: '12.000' });
  const client = await mqtt.connectAsync(url, { clientId: `plug-${meterId}`, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 200 });
  const acknowledged: TasmotaMessage[] = [];
  const start = Math.ceil(Date.now() / 1000) * 1000 + 2000; // Tasmota prints whole seconds: one message per second of device time
  const total = 30;
  try {
    for (let i = 0; i < total; i++) {
      const message = await plug.measure(new Date(start + i * 1000), 7);
      await client.publishAsync(message.topic, message.payload, { qos: 1 });
      acknowledged.push(message);
      if (i === 9) await client.publishAsync(message.topic, '{"Time":"garbage"', { qos: 1 }); // a bad message is skipped, never fatal
      if (i === 14) await restartBrokerFromEnv(); // mid-stream, with the bridge and the plug connected
    }
    // Every acknowledged message accepted once (redelivered copies come back as duplicates), or a rejection.
    const accepted = () => outcomes.filter((o) => o.status === 'accepted').length;
    await waitFor(() => accepted() >= total || outcomes.some((o) => o.status === 'rejected'), `${total} accepted readings (have ${accepted()})`);
  } finally {
    await client.endAsync();
    await bridge.stop();
    await gateway.close();
  }

  expect(skipped).toEqual(['MALFORMED_READING']);
  expect(bridge.stats.connects).toBeGreaterThanOrEqual(2); // it reconnected after the restart
  expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  const ledger = await ledgerReadings(meterId);
  // Exactly once: every acknowledged message, none twice (a redelivered message is at most a `duplicate`).
  expect(ledger.map((r) => r.payload).sort()).toEqual(acknowledged.map((m) => m.payload).sort());
  expect(ledger.map((r) => r.value)).toEqual(acknowledged.map((_, i) => ((12_000 + (i + 1) * 7) / 1000).toFixed(3)));
  expect(ledger.every((r) => r.format === 'bc4p-tasmota' && r.utcOffset === '+01:00' && r.cumulative)).toBe(true);
});
