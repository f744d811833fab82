// The Fabric installation the network runs on: the binaries in <state>/bin (put there by
// scripts/install-fabric.sh, the ONE place that knows how to install and verify them) and the
// default core.yaml/orderer.yaml, which are read at runtime from Fabric's own sampleconfig and
// copied into <state>/config (never committed to this repository).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INSTALL_SCRIPT, type StatePaths } from './paths';
import { StepError } from './process';

/** Keep in step with FABRIC_VERSION / FABRIC_CA_VERSION in scripts/install-fabric.sh (a unit test checks it). */
export const FABRIC_VERSION = '2.5.16';
export const FABRIC_CA_VERSION = '1.5.21';

/** The programs the network needs (cryptogen is linked too when present, but unused: our CAs issue all certs). */
export const REQUIRED_BINARIES = ['peer', 'orderer', 'configtxgen', 'configtxlator', 'osnadmin', 'discover', 'fabric-ca-server', 'fabric-ca-client'] as const;
export type FabricBinary = (typeof REQUIRED_BINARIES)[number];

export function bin(paths: StatePaths, name: FabricBinary): string {
  return path.join(paths.bin, name);
}

export function missingBinaries(paths: StatePaths): string[] {
  return REQUIRED_BINARIES.filter((b) => {
    try {
      fs.accessSync(bin(paths, b), fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Runs scripts/install-fabric.sh (fast when the binaries are cached). On failure its message —
 * what failed, the Go proxy's answer, how to supply FABRIC_BIN_DIR — becomes the error.
 */
export function ensureBinaries(paths: StatePaths, env: NodeJS.ProcessEnv = process.env, script = INSTALL_SCRIPT): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env: { ...env, MLEDGER_STATE_DIR: paths.root }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', (e) => reject(new StepError('checking Fabric binaries', undefined, e.message)));
    child.once('close', (code) => {
      if (code === 0) resolve(out.trim().split('\n').pop() ?? '');
      else reject(new StepError('checking Fabric binaries', undefined, `${script} exited with code ${code}\n${(err || out).trimEnd()}`));
    });
  });
}

/** The Fabric installation <state>/bin was linked from (written by install-fabric.sh), if any. */
export function installedFabricHome(paths: StatePaths): string | undefined {
  try {
    return fs.readFileSync(path.join(paths.bin, '.installed'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where Fabric's default core.yaml/orderer.yaml can be found, best first:
 *   1. MLEDGER_FABRIC_CONFIG_DIR (explicit);
 *   2. config/ of the installation install-fabric.sh linked into <state>/bin (release tarball layout);
 *   3. $FABRIC_BIN_DIR/../config.
 */
export function sampleConfigCandidates(paths: StatePaths, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  if (env.MLEDGER_FABRIC_CONFIG_DIR) out.push(path.resolve(env.MLEDGER_FABRIC_CONFIG_DIR));
  const home = installedFabricHome(paths);
  if (home) out.push(path.join(home, 'config'));
  if (env.FABRIC_BIN_DIR) out.push(path.resolve(env.FABRIC_BIN_DIR, '..', 'config'));
  return out;
}

export function findSampleConfig(paths: StatePaths, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = sampleConfigCandidates(paths, env);
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'core.yaml')) && fs.existsSync(path.join(d, 'orderer.yaml')));
  if (found) return found;
  throw new StepError(
    'preparing Fabric config',
    undefined,
    `no core.yaml/orderer.yaml found (looked in: ${candidates.join(', ') || 'nothing to look in'}).\n` +
      '  They come with the release tarball (config/ next to bin/), which scripts/install-fabric.sh installs;\n' +
      '  set MLEDGER_FABRIC_CONFIG_DIR to a folder holding them.',
  );
}

/** Copies Fabric's default core.yaml and orderer.yaml into <state>/config (FABRIC_CFG_PATH). */
export function installFabricConfig(paths: StatePaths, sampleConfigDir: string): void {
  fs.mkdirSync(paths.config, { recursive: true });
  for (const f of ['core.yaml', 'orderer.yaml']) fs.copyFileSync(path.join(sampleConfigDir, f), path.join(paths.config, f));
}
