// scripts/install-fabric.sh, run against stand-in binaries, a temporary cache and a local HTTP server
// playing GitHub's release downloads (no internet needed). Nothing here runs Fabric.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FABRIC_CA_VERSION, FABRIC_VERSION, REQUIRED_BINARIES } from './fabric';
import { INSTALL_SCRIPT } from './paths';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

/** Executables printing Fabric-style version output, in <dir>/bin, with <dir>/config beside them (release layout). */
function releaseDir(fabricVersion = '2.5.16', caVersion = '1.5.21', skip: string[] = []): string {
  const dir = tmp('fabric-release-');
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'config'));
  for (const b of [...REQUIRED_BINARIES, 'cryptogen']) {
    if (skip.includes(b)) continue;
    const v = b.startsWith('fabric-ca') ? caVersion : fabricVersion;
    fs.writeFileSync(path.join(dir, 'bin', b), `#!/bin/sh\nprintf '${b}:\\n Version: ${v}\\n Commit SHA: abc\\n'\n`, { mode: 0o755 });
  }
  for (const f of ['core.yaml', 'orderer.yaml', 'configtx.yaml']) fs.writeFileSync(path.join(dir, 'config', f), `# ${f}\n`);
  return dir;
}

function env(extra: Record<string, string>) {
  return { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), MLEDGER_FABRIC_CACHE: tmp('fabric-cache-'), MLEDGER_STATE_DIR: tmp('fabric-state-'), ...extra };
}

function install(e: Record<string, string>, ...args: string[]) {
  const r = spawnSync('bash', [INSTALL_SCRIPT, ...args], { env: e, encoding: 'utf8' });
  return { ...r, home: path.join(e.MLEDGER_FABRIC_CACHE, FABRIC_VERSION), bin: path.join(e.MLEDGER_STATE_DIR, 'bin') };
}

/** Async variant: the download test's HTTP server runs in this process, so the script must not block it. */
function installAsync(e: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [INSTALL_SCRIPT], { env: e });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('scripts/install-fabric.sh', () => {
  it('pins the same versions as fabric.ts', () => {
    const script = fs.readFileSync(INSTALL_SCRIPT, 'utf8');
    expect(script).toContain(`FABRIC_VERSION=${FABRIC_VERSION}\n`);
    expect(script).toContain(`FABRIC_CA_VERSION=${FABRIC_CA_VERSION}\n`);
  });

  it('records a verified FABRIC_BIN_DIR in the cache, so later runs need no variable', () => {
    const release = releaseDir();
    const e = env({});
    const first = install({ ...e, FABRIC_BIN_DIR: path.join(release, 'bin') });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    for (const b of REQUIRED_BINARIES) expect(fs.realpathSync(path.join(first.bin, b))).toBe(fs.realpathSync(path.join(release, 'bin', b)));
    expect(fs.readFileSync(path.join(first.home, 'config', 'core.yaml'), 'utf8')).toBe('# core.yaml\n');

    // A fresh state folder, no FABRIC_BIN_DIR: found in the cache.
    const second = install({ ...e, MLEDGER_STATE_DIR: tmp('fabric-state-') });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`linked ${second.home}`);
    const third = install({ ...e, MLEDGER_STATE_DIR: second.bin.slice(0, -'/bin'.length) });
    expect(third.stdout).toContain('cached');
    expect(install(e, '--check').status).toBe(0);
  });

  it('uses a cache filled by hand in the release layout', () => {
    const e = env({});
    const release = releaseDir();
    fs.renameSync(release, path.join(e.MLEDGER_FABRIC_CACHE, FABRIC_VERSION));
    const r = install(e);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(r.bin, '.installed'), 'utf8').trim()).toBe(r.home);
  });

  it('rejects FABRIC_BIN_DIR binaries of the wrong version or missing ones, saying why', () => {
    const release = releaseDir('2.4.9', '1.4.9', ['osnadmin']);
    fs.rmSync(path.join(release, 'config', 'orderer.yaml'));
    const r = install(env({ FABRIC_BIN_DIR: path.join(release, 'bin') }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("peer: version '2.4.9', need 2.5.x");
    expect(r.stderr).toContain("fabric-ca-client: version '1.4.9', need 1.5.x");
    expect(r.stderr).toContain('osnadmin: missing or not executable');
    expect(r.stderr).toContain('config/orderer.yaml: missing');
    expect(fs.existsSync(path.join(r.bin, 'peer'))).toBe(false);
  });

  describe('downloading the release tarballs', () => {
    let server: http.Server;
    let base: string;
    const assets = new Map<string, Buffer>();
    const digests = new Map<string, string>();

    beforeAll(async () => {
      const release = releaseDir();
      const tarball = (name: string, members: string[]) => {
        const file = path.join(tmp('tarball-'), name);
        spawnSync('tar', ['-czf', file, '-C', release, ...members]);
        assets.set(name, fs.readFileSync(file));
        digests.set(name, createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
      };
      const fabricBins = [...REQUIRED_BINARIES, 'cryptogen'].filter((b) => !b.startsWith('fabric-ca')).map((b) => `bin/${b}`);
      tarball(`hyperledger-fabric-linux-amd64-${FABRIC_VERSION}.tar.gz`, [...fabricBins, 'config']);
      tarball(`hyperledger-fabric-ca-linux-amd64-${FABRIC_CA_VERSION}.tar.gz`, ['bin/fabric-ca-server', 'bin/fabric-ca-client']);
      server = http.createServer((req, res) => {
        const url = req.url ?? '';
        const api = /^\/api\/(fabric|fabric-ca)\/releases\/tags\/v([\d.]+)$/.exec(url);
        if (api) {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ assets: [...digests].map(([name, d]) => ({ name, digest: `sha256:${d}` })) }));
          return;
        }
        const dl = /^\/dl\/(fabric|fabric-ca)\/releases\/download\/v[\d.]+\/(.+)$/.exec(url);
        const body = dl && assets.get(dl[2]);
        if (body) res.end(body);
        else res.writeHead(404).end('not found');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => server.close());

    const urls = () => ({ MLEDGER_FABRIC_RELEASES_URL: `${base}/dl`, MLEDGER_GITHUB_API_URL: `${base}/api` });

    it('downloads both tarballs into the cache after verifying their published digests', async () => {
      const e = env(urls());
      const r = await installAsync(e);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const home = path.join(e.MLEDGER_FABRIC_CACHE, FABRIC_VERSION);
      for (const b of REQUIRED_BINARIES) expect(fs.existsSync(path.join(home, 'bin', b))).toBe(true);
      expect(fs.existsSync(path.join(home, 'config', 'core.yaml'))).toBe(true);
    });

    it('refuses a tarball whose digest does not match and installs nothing', async () => {
      const name = `hyperledger-fabric-linux-amd64-${FABRIC_VERSION}.tar.gz`;
      const good = digests.get(name) as string;
      digests.set(name, '0'.repeat(64));
      try {
        const e = env(urls());
        const r = await installAsync(e);
        expect(r.status).toBe(1);
        expect(r.stderr).toContain(`what failed : verifying ${name}`);
        expect(r.stderr).toContain(`but the release publishes ${'0'.repeat(64)}`);
        expect(fs.existsSync(path.join(e.MLEDGER_FABRIC_CACHE, FABRIC_VERSION, 'bin', 'peer'))).toBe(false);
      } finally {
        digests.set(name, good);
      }
    });
  });

  it('with no source available, says in one message what failed and what to do', () => {
    const r = install(env({ MLEDGER_FABRIC_RELEASES_URL: 'http://127.0.0.1:1', MLEDGER_GITHUB_API_URL: 'http://127.0.0.1:1' }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no usable Hyperledger Fabric ${FABRIC_VERSION} installation`);
    expect(r.stderr).toContain('what failed : reading the release');
    expect(r.stderr).toContain('FABRIC_BIN_DIR=/path/to/bin');
  });

  it('--check never installs and fails when nothing is installed', () => {
    const r = install(env({}), '--check');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not installed');
    expect(fs.existsSync(r.bin)).toBe(false);
  });

  it('rejects unknown arguments', () => {
    expect(install(env({}), '--bogus').status).toBe(2);
  });
});
