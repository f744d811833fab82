// Runs up / deploy / status / down end to end against TEST DOUBLES of the Fabric binaries
// (network/test-fixtures/fake-fabric.js) on free ports. This checks our orchestration — step
// order, files and folders, commands issued, idempotency, process handling — not Fabric: the real
// binaries cannot be installed on the CI machine (see README "Status").
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { buildCli } from './cli';
import { DEFAULT_TOPOLOGY, NETWORK_DIR } from './paths';
import type { NetworkProfile } from './profile';

const FAKE = path.join(NETWORK_DIR, 'test-fixtures', 'fake-fabric.js');
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<net.Server>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** topology.yaml with every port replaced by a free one, so the test cannot clash with anything. */
async function testTopology(dir: string): Promise<string> {
  const text = fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8');
  const doc = parse(text) as unknown;
  const ports = await freePorts(40);
  const remap = (v: unknown, key = ''): unknown => {
    if (Array.isArray(v)) return v.map((x) => remap(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, remap(x, k)]));
    return typeof v === 'number' && /port$|^[A-Z]/i.test(key) && v > 1000 ? ports.shift() : v;
  };
  const file = path.join(dir, 'topology.yaml');
  fs.writeFileSync(file, stringify(remap(doc), { aliasDuplicateObjects: false }));
  return file;
}

function link(dir: string, names: string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const n of names) fs.symlinkSync(FAKE, path.join(dir, n));
}

describe('up / deploy / status / down against fake Fabric binaries', () => {
  jest.setTimeout(120_000);
  const work = tmp('orch-');
  const state = path.join(work, 'state');
  const fakeBin = path.join(work, 'fabric', 'bin');
  const chaincodeDir = path.join(work, 'chaincode');
  let topology = '';
  let env: NodeJS.ProcessEnv = {};
  const calls = () => fs.readFileSync(path.join(state, 'fake', 'calls.log'), 'utf8');

  async function cli(...args: string[]): Promise<string> {
    let out = '';
    await buildCli((s) => (out += s), env).exitOverride().parseAsync(['node', 'cli', '--topology', topology, ...args]);
    return out;
  }

  beforeAll(async () => {
    fs.chmodSync(FAKE, 0o755);
    link(fakeBin, ['peer', 'orderer', 'configtxgen', 'osnadmin', 'cryptogen', 'fabric-ca-server', 'fabric-ca-client']);
    const cfg = path.join(work, 'fabric', 'config');
    fs.mkdirSync(cfg);
    fs.writeFileSync(path.join(cfg, 'core.yaml'), 'peer: {}\n');
    fs.writeFileSync(path.join(cfg, 'orderer.yaml'), 'General: {}\n');
    fs.mkdirSync(path.join(chaincodeDir, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(chaincodeDir, 'dist', 'index.js'), '');
    link(path.join(chaincodeDir, 'node_modules', '.bin'), ['fabric-chaincode-node']);
    topology = await testTopology(work);
    // FABRIC_BIN_DIR's ../config is where the release tarball keeps core.yaml / orderer.yaml
    env = { PATH: process.env.PATH, HOME: os.tmpdir(), MLEDGER_STATE_DIR: state, FABRIC_BIN_DIR: fakeBin, MLEDGER_CHAINCODE_DIR: chaincodeDir };
  });

  afterAll(async () => {
    await cli('down').catch(() => undefined);
  });

  it('up runs the 10 steps and writes network.json', async () => {
    const out = await cli('up');
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(10);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^\\[${i + 1}/10\\] .* \\.\\.\\. ok`)));
    expect(out).toContain('joining orderers to nmichannel ... ok');

    const profile = JSON.parse(fs.readFileSync(path.join(state, 'network.json'), 'utf8')) as NetworkProfile;
    expect(profile.chaincode).toEqual({ name: 'meterledger', sequence: 1, version: '1' });
    for (const org of Object.values(profile.orgs)) {
      for (const i of Object.values(org.identities)) {
        expect(fs.existsSync(i.certPath)).toBe(true);
        expect(fs.existsSync(i.keyPath)).toBe(true);
      }
      expect(fs.existsSync(org.peers[0].tlsRootCertPath)).toBe(true);
      expect(fs.readFileSync(org.ca.tlsCertPath, 'utf8')).toMatch(/^TLS .*127\.0\.0\.1\nROOT/);
    }
  });

  it('up laid out MSP folders, configtx.yaml and the genesis block, and registered roles as attributes', () => {
    for (const f of [
      'config/core.yaml',
      'config/configtx.yaml',
      'channel/nmichannel.block',
      'orgs/PTB/msp/config.yaml',
      'orgs/PTB/msp/cacerts/ca.pem',
      'orgs/PTB/msp/tlscacerts/tlsca.pem',
      'orgs/PTB/nodes/peer0.ptb.meterledger.local/tls/server.key',
      'orgs/OrdererOrg/nodes/orderer3.meterledger.local/tls/server.crt',
      'orgs/Inmetro/users/orgadmin/msp/config.yaml',
    ]) {
      expect(fs.existsSync(path.join(state, f))).toBe(true);
    }
    expect(calls()).toMatch(/register .*--id.name ptb-registrar .*--id.type client --id.attrs meterledger.role=registrar:ecert/);
    expect(calls()).toMatch(/register .*--id.name inmetro-norole .*--id.type client --caname/);
  });

  it('up on a running network changes nothing', async () => {
    const before = calls();
    const out = await cli('up');
    expect(out).toMatch(/starting CAs .* ok: 3 already running/);
    expect(out).toContain('enrolling nodes and identities ... ok: 3 orgs already enrolled');
    expect(out).toContain('ok: 3 already running');
    expect(out).toContain('genesis block ... ok: already created');
    expect(out).toContain('joining orderers to nmichannel ... ok: 3 already joined');
    expect(out).toContain('joining peers to nmichannel ... ok: 2 already joined');
    expect(calls()).toBe(before); // no enroll, register or configtxgen call
  });

  it('deploy installs, starts one chaincode server per org, approves for each org and commits sequence 1', async () => {
    const out = await cli('deploy');
    expect(out).toContain('nothing committed; deploying version 1, sequence 1');
    expect(out).toContain('packaging the chaincode (one package per org) ... ok: meterledger_ptb_1, meterledger_inmetro_1');
    expect(calls()).toMatch(/lifecycle approveformyorg PTBMSP 1 meterledger_ptb_1:[0-9a-f]{64}/);
    expect(calls()).toMatch(/lifecycle approveformyorg InmetroMSP 1 meterledger_inmetro_1:[0-9a-f]{64}/);
    expect(calls()).toMatch(/lifecycle commit PTBMSP 1/);
    const status = await cli('status');
    expect(status).toMatch(/chaincode-PTB +chaincode +up/);
    expect(status).toContain('chaincode meterledger: committed, version 1, sequence 1');
    expect(status).toContain('nmichannel height on peer0.ptb.meterledger.local: 3');
  });

  it('deploy again keeps the committed definition', async () => {
    const out = await cli('deploy');
    expect(out).toContain('keeping it (use --upgrade to deploy new code)');
    expect(out).toContain('ok: 2 already installed');
    expect(out).toContain('starting one chaincode server per org ... ok: 2 already running');
    expect(out).toContain('approving the definition for each org ... ok: already committed');
  });

  it('deploy --upgrade bumps version and sequence and restarts the servers with the new packages', async () => {
    const out = await cli('deploy', '--upgrade');
    expect(out).toContain('committed: version 1, sequence 1; deploying version 2, sequence 2');
    expect(out).toContain('ok: 2 restarted with the new package');
    expect(out).toContain('committing the definition ... ok: version 2, sequence 2');
    const profile = JSON.parse(fs.readFileSync(path.join(state, 'network.json'), 'utf8')) as NetworkProfile;
    expect(profile.chaincode).toEqual({ name: 'meterledger', sequence: 2, version: '2' });
    expect(fs.readFileSync(path.join(state, 'logs', 'chaincode-PTB.log'), 'utf8')).toMatch(/serving meterledger_ptb_2:/);
  });

  it('down stops every process; status then shows them down; a second down is fine', async () => {
    const out = await cli('down');
    expect(out).toContain('stopping chaincode servers ... ok');
    expect(out).toContain('stopping CAs ... ok');
    expect(fs.readdirSync(path.join(state, 'run')).filter((f) => f.endsWith('.pid'))).toEqual([]);
    const status = await cli('status');
    expect(status).not.toMatch(/ up /);
    expect(await cli('down')).toContain('stopping peers ... ok: 2 were not running');
  });
});
