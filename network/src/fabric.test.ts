import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBinaries, findSampleConfig, installFabricConfig, missingBinaries, sampleConfigCandidates } from './fabric';
import { statePaths } from './paths';
import { StepError } from './process';

const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

function sampleconfig(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'core.yaml'), 'peer: {}\n');
  fs.writeFileSync(path.join(dir, 'orderer.yaml'), 'General: {}\n');
  return dir;
}

describe("Fabric's default config (core.yaml, orderer.yaml)", () => {
  const home = tmp('fabric-home-');
  const installed = sampleconfig(path.join(home, 'config'));
  const state = () => {
    const paths = statePaths(tmp('state-'));
    fs.mkdirSync(paths.bin, { recursive: true });
    fs.writeFileSync(path.join(paths.bin, '.installed'), `${home}\n`);
    return paths;
  };

  it('is looked up in MLEDGER_FABRIC_CONFIG_DIR, in the installation linked into <state>/bin, then next to FABRIC_BIN_DIR', () => {
    expect(sampleConfigCandidates(state(), { MLEDGER_FABRIC_CONFIG_DIR: '/x/cfg', FABRIC_BIN_DIR: '/rel/bin' })).toEqual(['/x/cfg', installed, '/rel/config']);
  });

  it('comes from the first candidate holding both files', () => {
    expect(findSampleConfig(state(), { MLEDGER_FABRIC_CONFIG_DIR: '/nonexistent/cfg' })).toBe(installed);
  });

  it('missing: says where it looked and how to fix it', () => {
    expect(() => findSampleConfig(statePaths(tmp('empty-')), {})).toThrow(/no core\.yaml\/orderer\.yaml found .*\n.*\n.*MLEDGER_FABRIC_CONFIG_DIR/);
  });

  it('is copied into <state>/config', () => {
    const paths = statePaths(tmp('state-'));
    installFabricConfig(paths, installed);
    expect(fs.readdirSync(paths.config).sort()).toEqual(['core.yaml', 'orderer.yaml']);
  });
});

describe('binary check', () => {
  it('lists the missing binaries', () => {
    const paths = statePaths(tmp('state-'));
    expect(missingBinaries(paths)).toEqual(['peer', 'orderer', 'configtxgen', 'configtxlator', 'osnadmin', 'discover', 'fabric-ca-server', 'fabric-ca-client']);
    fs.mkdirSync(paths.bin);
    fs.writeFileSync(path.join(paths.bin, 'peer'), '', { mode: 0o755 });
    expect(missingBinaries(paths)).not.toContain('peer');
  });

  it('turns the install script’s failure message into the error', async () => {
    const script = path.join(tmp('script-'), 'install.sh');
    fs.writeFileSync(script, 'echo "install-fabric: could not install ... supply FABRIC_BIN_DIR" >&2; exit 1\n');
    const err = await ensureBinaries(statePaths(tmp('state-')), process.env, script).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as Error).message).toMatch(/^checking Fabric binaries failed: .*exited with code 1\ninstall-fabric: could not install \.\.\. supply FABRIC_BIN_DIR$/);
  });

  it('passes the state folder to the script', async () => {
    const script = path.join(tmp('script-'), 'install.sh');
    fs.writeFileSync(script, 'echo "state=$MLEDGER_STATE_DIR"\n');
    await expect(ensureBinaries(statePaths('/some/state'), {}, script)).resolves.toBe('state=/some/state');
  });
});
