import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import mqtt from 'mqtt';
import { generateSoftwareSigner, softwareDeviceSigner } from '@meterledger/crypto';
import { SimulatedTasmotaPlug, signTasmotaMessage, tasmotaTime } from './device';
import { MeteringGateway } from './gateway';
import { MqttBridge, type ReadingSink, type SkippedMessage } from './mqtt-bridge';
import { InProcessReadingsNetwork } from './testing/in-process-readings';
import type { GatewayOutcome } from './types';

jest.setTimeout(60_000);

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bridge-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function stored(g: MeteringGateway): Promise<GatewayOutcome[]> {
  const all: GatewayOutcome[] = [];
  for await (const o of g.outcomes()) all.push(o);
  return all;
}

describe('message handling, into a gateway on the real chaincode', () => {
  it('queues good messages, skips (and acknowledges) what can never be a reading; the chaincode verifies signatures', async () => {
    const network = new InProcessReadingsNetwork();
    const meter = await network.meter('plug-1', 'ed25519');
    const gateway = await MeteringGateway.open(network.readings('operatorGateway').contract, { path: dir, maxDelayMs: 10, progressIntervalMs: 0 });
    const bridge = new MqttBridge(gateway, { url: 'mqtt://unused', clientId: 'test', devices: { plug_kitchen: { meterId: 'plug-1', utcOffset: '+01:00' } } });
    const skipped: SkippedMessage[] = [];
    bridge.on('skipped', (s) => skipped.push(s));
    const plug = new SimulatedTasmotaPlug('plug_kitchen', softwareDeviceSigner(meter.signer), { utcOffset: '+01:00' });
    const good = await plug.measure(new Date(Date.now() - 60_000), 5);
    const forged = await signTasmotaMessage(softwareDeviceSigner(generateSoftwareSigner('ed25519')), { device: 'plug_kitchen', time: tasmotaTime(new Date(Date.now() - 50_000), '+01:00'), total: '9.999' });
    const stranger = await new SimulatedTasmotaPlug('plug_garage', softwareDeviceSigner(meter.signer)).measure(new Date());
    const bytes = (s: string) => Buffer.from(s, 'utf8');

    const decisions = [
      await bridge.handleMessage(good.topic, bytes(good.payload)),
      await bridge.handleMessage(stranger.topic, bytes(stranger.payload)),
      await bridge.handleMessage(good.topic, bytes('{"Time":"2026-11-21T10:00:00",')),
      await bridge.handleMessage(good.topic, bytes(good.payload.replace(/"Signature":"[0-9a-f]+"/, '"Signature":"abcd"'))),
      await bridge.handleMessage(good.topic, Buffer.from([0xff, 0xfe])),
      await bridge.handleMessage('stat/plug_kitchen/RESULT', bytes(good.payload)),
      await bridge.handleMessage(forged.topic, bytes(forged.payload)),
    ];
    expect(decisions.map((d) => d.kind)).toEqual(['enqueued', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'enqueued']);
    expect(skipped.map((s) => s.reason)).toEqual(['UNKNOWN_DEVICE', 'MALFORMED_READING', 'MALFORMED_READING', 'NOT_UTF8', 'MALFORMED_READING']);
    expect(skipped[2].message).toMatch(/Signature/);
    expect(bridge.stats).toMatchObject({ enqueued: 2, skipped: 5 });

    await gateway.drain();
    expect((await stored(gateway)).map((o) => [o.status, o.code])).toEqual([
      ['accepted', undefined],
      ['rejected', 'SIGNATURE_MISMATCH'],
    ]);
    const [onLedger] = await network.ledgerReadings('plug-1');
    expect(onLedger).toMatchObject({ payload: good.payload, utcOffset: '+01:00', value: '0.005' });
    await gateway.close();
  });

  it('a failed durable enqueue is not acknowledged (handleMessage rejects)', async () => {
    const sink: ReadingSink = { enqueue: () => Promise.reject(new Error('disk full')) };
    const bridge = new MqttBridge(sink, { url: 'mqtt://unused', clientId: 'test', devices: { p: { meterId: 'm' } } });
    const msg = await signTasmotaMessage(softwareDeviceSigner(generateSoftwareSigner('ed25519')), { device: 'p', time: '2026-11-21T10:00:00', total: '1' });
    await expect(bridge.handleMessage(msg.topic, Buffer.from(msg.payload))).rejects.toThrow('disk full');
  });
});

// ---- against a real broker (Eclipse Mosquitto), when installed ------------------------------------------

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => fs.existsSync(p));
const withBroker = MOSQUITTO ? describe : describe.skip;
if (!MOSQUITTO) console.warn('mqtt-bridge.test: mosquitto not installed (scripts/install-mosquitto.sh); the tests against a real broker are skipped');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

class Broker {
  #proc: ChildProcess | undefined;
  constructor(
    readonly port: number,
    readonly folder: string,
  ) {
    fs.mkdirSync(path.join(folder, 'data'), { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'mosquitto.conf'),
      [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${folder}/data/`, 'autosave_interval 1', `user ${os.userInfo().username}`, ''].join('\n'),
    );
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#proc = spawn(MOSQUITTO as string, ['-c', path.join(this.folder, 'mosquitto.conf')], { stdio: 'ignore' });
    const end = Date.now() + 10_000;
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const s = net.connect(this.port, '127.0.0.1', () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      if (up) return;
      if (Date.now() > end) throw new Error('mosquitto did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM: mosquitto writes its persistence file and exits. */
  async stop(): Promise<void> {
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
}

withBroker.each([5, 4] as const)('through a real MQTT broker, MQTT protocol version %s', (protocolVersion) => {
  let broker: Broker;
  const bridges: MqttBridge[] = [];
  beforeEach(async () => {
    broker = new Broker(await freePort(), path.join(dir, 'broker'));
    await broker.start();
  });
  afterEach(async () => {
    for (const b of bridges.splice(0)) await b.stop();
    await broker.stop();
  });
  function newBridge(sink: ReadingSink, options: Omit<ConstructorParameters<typeof MqttBridge>[1], 'protocolVersion'>): MqttBridge {
    const bridge = new MqttBridge(sink, { ...options, protocolVersion });
    bridges.push(bridge);
    return bridge;
  }

  /** A device publishing with QoS 1 until the broker acknowledged each message (PUBACK). */
  async function publishAll(messages: { topic: string; payload: string }[]): Promise<void> {
    const device = await mqtt.connectAsync(broker.url, { clientId: `device-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 100 });
    try {
      for (const m of messages) await device.publishAsync(m.topic, m.payload, { qos: 1 });
    } finally {
      await device.endAsync();
    }
  }

  async function messages(n: number) {
    const signer = softwareDeviceSigner(generateSoftwareSigner('ed25519'));
    const plug = new SimulatedTasmotaPlug('plug_1', signer);
    const out = [];
    for (let i = 0; i < n; i++) out.push(await plug.measure(new Date(Date.UTC(2026, 10, 21, 10, 0, i)), 1));
    return out;
  }

  it('acknowledges only after the durable enqueue: a refused enqueue is delivered again', async () => {
    const queued: string[] = [];
    let refuse = 1;
    const sink: ReadingSink = {
      enqueue: async (r) => {
        if (refuse-- > 0) throw new Error('store unavailable');
        queued.push((Array.isArray(r) ? r[0] : r).payload);
        return [queued.length];
      },
    };
    const bridge = newBridge(sink, { url: broker.url, clientId: 'bridge-acks', devices: { plug_1: { meterId: 'm-1' } }, reconnectPeriodMs: 100 });
    await bridge.start();
    const sent = await messages(5);
    await publishAll(sent);
    await waitFor(() => new Set(queued).size === 5);
    expect(bridge.stats.enqueueFailures).toBe(1);
    expect(bridge.stats.connects).toBeGreaterThanOrEqual(2);
    expect(new Set(queued)).toEqual(new Set(sent.map((m) => m.payload)));
    await bridge.stop();
  });

  it('a persistent session: messages published while the bridge is away, and across a broker restart, all arrive', async () => {
    const queued: string[] = [];
    const sink: ReadingSink = { enqueue: async (r) => (queued.push((Array.isArray(r) ? r[0] : r).payload), [queued.length]) };
    const options = { url: broker.url, clientId: 'bridge-session', devices: { plug_1: { meterId: 'm-1' } }, reconnectPeriodMs: 100 };
    let bridge = newBridge(sink, options);
    await bridge.start();
    const sent = await messages(12);
    await publishAll(sent.slice(0, 4));
    await waitFor(() => queued.length >= 4);
    await bridge.stop(); // away: the broker queues for the session
    await publishAll(sent.slice(4, 8));
    await broker.stop(); // restart with 4 messages queued for the absent session
    await broker.start();
    bridge = newBridge(sink, options);
    await bridge.start();
    await publishAll(sent.slice(8));
    await waitFor(() => new Set(queued).size === 12);
    expect(new Set(queued)).toEqual(new Set(sent.map((m) => m.payload)));
    await bridge.stop();
  });
});

async function waitFor(condition: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
