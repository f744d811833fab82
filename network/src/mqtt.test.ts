import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  BROKER_PROCESS,
  brokerProcess,
  brokerTarget,
  connackProblem,
  connectPacket,
  findMosquitto,
  mqttReadiness,
  renderMosquittoConf,
  restartBroker,
  startBroker,
  stopBroker,
} from './mqtt';
import { DEFAULT_TOPOLOGY, statePaths } from './paths';
import { runningPid } from './process';
import { loadTopology, parseTopology, type Topology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

describe('mosquitto.conf', () => {
  const conf = renderMosquittoConf(t, statePaths('/s'), { user: 'alice' });

  it('listens on the topology host and port only, anonymous clients allowed', () => {
    expect(conf.split('\n')).toEqual(expect.arrayContaining(['listener 1883 127.0.0.1', 'allow_anonymous true', 'user alice', 'log_dest stdout']));
    expect(conf.match(/^listener /gm)).toHaveLength(1);
    expect(conf).not.toMatch(/^port /m);
  });

  it('persists retained messages and queued QoS 1 messages in its own folder of the state (trailing slash, as mosquitto wants)', () => {
    expect(conf).toContain('persistence true\npersistence_location /s/mqtt/data/\n');
    expect(conf).toMatch(/^autosave_interval 1$/m);
    expect(conf).toMatch(/^max_queued_messages 100000$/m);
  });

  it('follows the port offset', () => {
    expect(renderMosquittoConf(loadTopology(DEFAULT_TOPOLOGY, { portOffset: 500 }), statePaths('/s'), { user: 'u' })).toContain('listener 2383 127.0.0.1\n');
  });

  it('is run as `mosquitto -c <state>/mqtt/mosquitto.conf`; a changed config changes the fingerprint (up restarts it)', () => {
    const a = brokerProcess(t, statePaths('/s'), '/usr/sbin/mosquitto', conf);
    expect(a).toMatchObject({ name: 'mosquitto', bin: '/usr/sbin/mosquitto', args: ['-c', '/s/mqtt/mosquitto.conf'], port: 1883, host: '127.0.0.1' });
    const b = brokerProcess(t, statePaths('/s'), '/usr/sbin/mosquitto', conf + '# changed\n');
    expect(a.env).not.toEqual(b.env);
  });
});

describe('MQTT readiness probe', () => {
  it('sends an MQTT 3.1.1 CONNECT with a clean session', () => {
    expect(connectPacket('p').toString('hex')).toBe('100d00044d5154540402000a000170');
  });

  it('accepts only a CONNACK with return code 0', () => {
    expect(connackProblem(Buffer.from([0x20, 0x02, 0x00, 0x00]))).toBeNull();
    expect(connackProblem(Buffer.from([0x20, 0x02, 0x00, 0x05]))).toBe('connection refused: not authorized');
    expect(connackProblem(Buffer.from([0x30, 0x02, 0x00, 0x00]))).toMatch(/not a CONNACK/);
    expect(connackProblem(Buffer.from([0x20]))).toMatch(/short answer/);
  });

  it('says why a closed port is not a broker', async () => {
    const port = await freePort();
    expect(await mqttReadiness(withBrokerPort(port), 1000)).toMatch(new RegExp(`MQTT broker 127.0.0.1:${port}: .*ECONNREFUSED`));
  });

  it('is not fooled by a port that listens but does not speak MQTT', async () => {
    const server = net.createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      expect(await mqttReadiness(withBrokerPort((server.address() as net.AddressInfo).port), 1000)).toMatch(/not a CONNACK/);
    } finally {
      server.close();
    }
  });
});

describe('finding mosquitto', () => {
  it('looks in PATH, then the sbin folders Debian uses; MLEDGER_MOSQUITTO overrides', () => {
    const dir = tmp('bin-');
    const fake = path.join(dir, 'mosquitto');
    fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
    expect(findMosquitto({ PATH: dir })).toBe(fake);
    expect(findMosquitto({ MLEDGER_MOSQUITTO: fake, PATH: '' })).toBe(fake);
    expect(findMosquitto({ MLEDGER_MOSQUITTO: path.join(dir, 'nope'), PATH: dir })).toBeNull();
  });

  it('finds the network of the environment as the CLI does', () => {
    const target = brokerTarget({ MLEDGER_STATE_DIR: '/x', MLEDGER_PORT_OFFSET: '500' });
    expect(target.url).toBe('mqtt://127.0.0.1:2383');
    expect(target.paths.mqttConfig).toBe('/x/mqtt/mosquitto.conf');
  });

  it('startBroker names the install script when mosquitto is missing', async () => {
    await expect(startBroker(t, statePaths(tmp('s-')), { PATH: tmp('empty-'), MLEDGER_MOSQUITTO: '/nonexistent/mosquitto' })).rejects.toThrow(
      /mosquitto not found .*scripts\/install-mosquitto\.sh/,
    );
  });
});

// The real broker (Debian's mosquitto, scripts/install-mosquitto.sh); skipped where it is not installed.
const mosquitto = findMosquitto();
const clients = mosquitto !== null && findOnPath('mosquitto_pub') && findOnPath('mosquitto_sub');
const live = mosquitto ? describe : describe.skip;

live('the real broker', () => {
  jest.setTimeout(60_000);
  let topology: Topology;
  let state: ReturnType<typeof statePaths>;

  beforeAll(async () => {
    topology = withBrokerPort(await freePort());
    state = statePaths(tmp('mqtt-state-'));
  });
  afterAll(async () => {
    await stopBroker(state);
  });

  it('starts once (a second start finds it running), accepts clients, and writes its config under the state folder', async () => {
    expect(await startBroker(topology, state)).toBe('started');
    expect(await startBroker(topology, state)).toBe('running');
    expect(await mqttReadiness(topology)).toBeNull();
    expect(fs.readFileSync(state.mqttConfig, 'utf8')).toContain(`listener ${topology.mqtt?.port} 127.0.0.1`);
    expect(runningPid(state, BROKER_PROCESS)).not.toBeNull();
  });

  (clients ? it : it.skip)('keeps retained messages and a persistent session’s queued QoS 1 messages across restartBroker()', async () => {
    const port = String(topology.mqtt?.port);
    const common = ['-h', '127.0.0.1', '-p', port];
    // A persistent session (clean session off) subscribes, then goes away.
    execFileSync('mosquitto_sub', [...common, '-i', 'reader', '-c', '-q', '1', '-t', 'readings/#', '-E']);
    execFileSync('mosquitto_pub', [...common, '-q', '1', '-t', 'readings/m1', '-m', 'queued while away']);
    execFileSync('mosquitto_pub', [...common, '-q', '1', '-r', '-t', 'status/gateway', '-m', 'online']);
    const before = runningPid(state, BROKER_PROCESS);

    await restartBroker(topology, state);

    expect(runningPid(state, BROKER_PROCESS)).not.toBe(before);
    expect(fs.readdirSync(state.mqttData)).toContain('mosquitto.db');
    const sub = (args: string[]) => execFileSync('mosquitto_sub', [...common, ...args, '-C', '1', '-W', '10'], { encoding: 'utf8' }).trim();
    expect(sub(['-i', 'reader', '-c', '-q', '1', '-t', 'readings/#'])).toBe('queued while away');
    expect(sub(['-t', 'status/gateway'])).toBe('online');
  });

  it('stops, and stopping again is fine', async () => {
    expect(await stopBroker(state)).toBe('stopped');
    expect(await stopBroker(state)).toBe('not running');
    expect(await mqttReadiness(topology, 500)).not.toBeNull();
  });
});

function withBrokerPort(port: number): Topology {
  const doc = parse(fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as Record<string, unknown>;
  return parseTopology({ ...doc, mqtt: { port } });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function findOnPath(program: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, program)));
}
