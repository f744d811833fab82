// scripts/install-fabric.sh, run against fake binaries and a fake `go` (no network needed).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FABRIC_COMMIT, REQUIRED_BINARIES } from './fabric';
import { INSTALL_SCRIPT } from './paths';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

/** Executables printing Fabric-style version output. */
function fakeBinDir(fabricVersion = '2.5.9', caVersion = '1.5.17', skip: string[] = []): string {
  const dir = tmp('fabric-bin-');
  for (const b of [...REQUIRED_BINARIES, 'cryptogen']) {
    if (skip.includes(b)) continue;
    const v = b.startsWith('fabric-ca') ? caVersion : fabricVersion;
    fs.writeFileSync(path.join(dir, b), `#!/bin/sh\nprintf '${b}:\\n Version: ${v}\\n Commit SHA: abc\\n'\n`, { mode: 0o755 });
  }
  return dir;
}

function install(env: Record<string, string>, ...args: string[]) {
  const state = env.MLEDGER_STATE_DIR ?? tmp('fabric-state-');
  const started = Date.now();
  const r = spawnSync('bash', [INSTALL_SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env, MLEDGER_STATE_DIR: state }, encoding: 'utf8' });
  return { ...r, state, ms: Date.now() - started };
}

describe('scripts/install-fabric.sh', () => {
  it('pins the same Fabric commit as fabric.ts', () => {
    expect(fs.readFileSync(INSTALL_SCRIPT, 'utf8')).toContain(`FABRIC_REF=\${FABRIC_REF:-${FABRIC_COMMIT}}`);
  });

  it('links verified FABRIC_BIN_DIR binaries into <state>/bin, then finds them cached in well under seconds', () => {
    const src = fakeBinDir();
    const first = install({ FABRIC_BIN_DIR: src });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('linked');
    for (const b of REQUIRED_BINARIES) expect(fs.readlinkSync(path.join(first.state, 'bin', b))).toBe(path.join(src, b));
    const second = install({ FABRIC_BIN_DIR: src, MLEDGER_STATE_DIR: first.state });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('cached');
    expect(second.ms).toBeLessThan(3000);
    expect(install({ FABRIC_BIN_DIR: src, MLEDGER_STATE_DIR: first.state }, '--check').status).toBe(0);
  });

  it('rejects FABRIC_BIN_DIR binaries of the wrong version or missing ones, saying why', () => {
    const r = install({ FABRIC_BIN_DIR: fakeBinDir('2.4.9', '1.4.9', ['osnadmin']) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("peer: version '2.4.9', need 2.5.x");
    expect(r.stderr).toContain("fabric-ca-client: version '1.4.9', need 1.5.x");
    expect(r.stderr).toContain('osnadmin: missing or not executable');
    expect(fs.existsSync(path.join(r.state, 'bin', 'peer'))).toBe(false);
  });

  it('when go install fails, says what failed, the proxy’s answer and what to do, and exits 1', () => {
    const fakeGo = tmp('fake-go-');
    fs.writeFileSync(
      path.join(fakeGo, 'go'),
      `#!/bin/sh\necho "go: github.com/hyperledger/fabric/cmd/peer@${FABRIC_COMMIT}: invalid version: reading https://proxy.golang.org/github.com/hyperledger/fabric/cmd/peer/@v/${FABRIC_COMMIT}.info: 403 Forbidden" >&2\necho "\tserver response: This module version is not available." >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    const r = install({ PATH: `${fakeGo}:${process.env.PATH}` });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`what failed : go install github.com/hyperledger/fabric/cmd/{peer,orderer,configtxgen,osnadmin,cryptogen}@${FABRIC_COMMIT}`);
    expect(r.stderr).toMatch(/answer {6}: .*403 Forbidden.*This module version is not available/);
    expect(r.stderr).toContain('FABRIC_BIN_DIR=/path/to/bin');
    expect(r.stderr).toContain(`full log    : ${path.join(r.state, 'logs', 'install-fabric.log')}`);
  });

  it('--check never installs and fails when nothing is installed', () => {
    const r = install({}, '--check');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not installed');
    expect(fs.existsSync(path.join(r.state, 'bin'))).toBe(false);
  });

  it('rejects unknown arguments', () => {
    expect(install({}, '--bogus').status).toBe(2);
  });
});
