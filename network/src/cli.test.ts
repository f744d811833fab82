import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli } from './cli';
import { renderCompose } from './compose';
import { DEFAULT_TOPOLOGY, statePaths } from './paths';
import { buildProfile } from './profile';
import { loadTopology } from './topology';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
const t = loadTopology(DEFAULT_TOPOLOGY);

async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ out: string; error?: Error }> {
  let out = '';
  try {
    await buildCli((s) => (out += s), env)
      .exitOverride()
      .parseAsync(['node', 'cli', ...args]);
    return { out };
  } catch (e) {
    return { out, error: e as Error };
  }
}

/** No cache, no FABRIC_BIN_DIR, and release downloads that cannot be reached (as on the CI machine without a cache). */
function noFabric(state: string): NodeJS.ProcessEnv {
  return {
    MLEDGER_STATE_DIR: state,
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    MLEDGER_FABRIC_CACHE: tmp('cache-'),
    MLEDGER_FABRIC_RELEASES_URL: 'http://127.0.0.1:1',
    MLEDGER_GITHUB_API_URL: 'http://127.0.0.1:1',
  };
}

describe('meterledger-network CLI', () => {
  jest.setTimeout(30_000);

  it('compose prints the docker-compose.yaml of the topology', async () => {
    expect((await cli({ MLEDGER_STATE_DIR: tmp('s-') }, 'compose')).out).toBe(renderCompose(t));
  });

  it('profile prints network.json (chaincode: the first definition until deploy has run)', async () => {
    const state = tmp('s-');
    const { out } = await cli({ MLEDGER_STATE_DIR: state }, 'profile');
    expect(JSON.parse(out)).toEqual(buildProfile(t, statePaths(state), { name: 'meterledger', version: '1', sequence: 1 }));
  });

  it('up fails at the binary check, with the install message, before doing anything else', async () => {
    const state = tmp('s-');
    const { out, error } = await cli(noFabric(state), 'up');
    expect(out).toBe('[1/14] checking Fabric binaries and mosquitto ... FAILED' + out.slice(out.indexOf(' (')));
    expect(error?.message).toContain('checking Fabric binaries failed');
    expect(error?.message).toContain('no usable Hyperledger Fabric');
    expect(error?.message).toContain('FABRIC_BIN_DIR');
    expect(fs.readdirSync(state).sort()).toEqual(['logs']); // no binaries, config, CA or crypto
  });

  it('down on a stopped network is fine, and --purge keeps bin/', async () => {
    const state = tmp('s-');
    fs.mkdirSync(path.join(state, 'bin'));
    fs.mkdirSync(path.join(state, 'orgs'));
    fs.mkdirSync(path.join(state, 'run'));
    fs.writeFileSync(path.join(state, 'run', 'ghost.pid'), '999999999\n');
    const { out, error } = await cli({ MLEDGER_STATE_DIR: state }, 'down', '--purge');
    expect(error).toBeUndefined();
    expect(out).toContain('[1/7] stopping chaincode servers ... ok: 5 were not running');
    expect(out).toContain('[2/7] stopping the MQTT broker ... ok: 1 were not running');
    expect(out).toContain('[6/7] stopping leftover processes ... ok: 1 stale pid files removed');
    expect(out).toContain(`[7/7] deleting ${state} (keeping bin/) ... ok`);
    expect(fs.readdirSync(state)).toEqual(['bin']);
  });

  it('status reports missing binaries and every process down', async () => {
    // Ports of its own, so a network running on the default ports does not change the answer.
    const { out } = await cli({ MLEDGER_STATE_DIR: tmp('s-'), MLEDGER_PORT_OFFSET: '5000' }, 'status');
    expect(out).toContain('Fabric binaries missing: peer, orderer');
    expect(out).toMatch(/peer0\.ptb\.meterledger\.local +peer +down/);
    expect(out).toMatch(/chaincode-Inmetro +chaincode +down/);
    expect(out).toMatch(/peer0\.operator\.meterledger\.local +peer +down/);
    expect(out).toMatch(/mosquitto +mqtt +down +pid - +ports 6883$/m);
    expect(out).toContain('mqtt broker: mqtt://127.0.0.1:6883');
  });

  it('reports an invalid topology file clearly', async () => {
    const file = path.join(tmp('topo-'), 't.yaml');
    fs.writeFileSync(file, 'domain: meterledger.local\n');
    const { error } = await cli({ MLEDGER_STATE_DIR: tmp('s-') }, '--topology', file, 'compose');
    expect(error?.message).toMatch(/t\.yaml is invalid:\n {2}- channel: Required/);
  });
});
