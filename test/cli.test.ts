import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MeterRecord, RegistryConfigView, VerificationRecord, VerificationResult } from '@meterledger/contract-api';
import { softwareSignerFromPrivateKeyPem } from '@meterledger/crypto';
import { stateDir, uniqueId } from './support';

/**
 * The built `meterledger` command (packages/cli/dist/cli.js, built by `npm run test:integration`) as a child
 * process against the live network: PTB's registrar registers, Inmetro's approves, anyone verifies. The child
 * inherits the suite's environment and no --profile is given: the CLI leaves the lookup to connect(), which
 * finds the network under test as $MLEDGER_STATE_DIR/network.json (set by scripts/with-fresh-network.sh; else
 * <repo>/.fabric/network.json). The transport is the suite's ($MLEDGER_TRANSPORT).
 */
jest.setTimeout(180_000);

const CLI = path.resolve(__dirname, '..', 'packages', 'cli', 'dist', 'cli.js');
const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});
const PTB = ['--org', 'PTB', '--identity', 'registrar'];
const INMETRO = ['--org', 'Inmetro', '--identity', 'registrar'];

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function meterledger(...args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stdout as JSON, after checking the exit code (stderr in the failure message). */
function ok<T>(r: Result, exitCode = 0): T {
  if (r.code !== exitCode) throw new Error(`exit code ${r.code}, expected ${exitCode}; stderr:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * The --json error: the last line of stderr. Node may write warnings before it (through fabric-network 2.2,
 * DEP0123 for a TLS server name that is an IP address).
 */
function jsonError(r: Result): { code: string; message: string; transactionId: string | null } {
  const lines = r.stderr.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

beforeAll(() => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm run test:integration does)`);
  expect(fs.existsSync(path.join(stateDir(), 'network.json'))).toBe(true); // the profile connect() will find
});

it('registry config show --json: the configuration deploy wrote', async () => {
  const view = ok<RegistryConfigView>(await meterledger('registry', 'config', 'show', '--json', ...PTB));
  expect(view.config.approvalThreshold).toBe(2);
  expect(view.config.authorityMspIds).toEqual(expect.arrayContaining(['PTBMSP', 'InmetroMSP']));
});

it('a meter key registered by PTB, approved by Inmetro, shown, verified; an unknown meter exits 5', async () => {
  // "keygen": the CLI has none (@meterledger/crypto's software signer cannot export its key); a PEM made
  // with node:crypto is what `openssl genpkey` would write.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meterledger-cli-it-'));
  temporaryDirs.push(dir);
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const keyFile = path.join(dir, 'meter.key');
  fs.writeFileSync(keyFile, pem, { mode: 0o600 });
  const meter = softwareSignerFromPrivateKeyPem('ecdsa-p256-sha256', pem);
  const meterId = uniqueId('cli-meter');
  const metadata = ['--manufacturer', uniqueId('ACME'), '--model', 'E350', '--serial', 'SN-CLI', '--type-approval-ref', 'PTB-22.11-4711'];

  const registered = ok<MeterRecord>(await meterledger('meter', 'register', meterId, '--key-file', keyFile, ...metadata, ...PTB, '--json'));
  expect(registered).toMatchObject({ meterId, status: 'pending', keys: [{ version: 1, fingerprint: meter.publicKey.fingerprint, status: 'pending' }] });

  const approved = ok<MeterRecord>(await meterledger('meter', 'approve', meterId, '--key-file', keyFile, ...INMETRO, '--json'));
  expect(approved).toMatchObject({ status: 'active', activeKeyVersion: 1 });

  const shown = ok<MeterRecord>(await meterledger('meter', 'show', meterId, '--json', ...PTB));
  expect(shown).toMatchObject({ meterId, status: 'active', activeKeyVersion: 1 });
  expect(shown.keys[0].approvals.map((a) => a.mspId)).toEqual(['PTBMSP', 'InmetroMSP']);

  const reading = '2026-11-21T10:00:00Z,1.000';
  const signature = Buffer.from(meter.sign(reading)).toString('base64');
  const valid = ok<VerificationResult>(await meterledger('verify', meterId, '--message', reading, '--signature', signature, '--json', ...INMETRO));
  expect(valid).toMatchObject({ meterId, valid: true, keyVersion: 1 });
  const notValid = ok<VerificationResult>(await meterledger('verify', meterId, '--message', `${reading}0`, '--signature', signature, '--json', ...INMETRO), 9);
  expect(notValid).toMatchObject({ valid: false, reason: 'SIGNATURE_MISMATCH' });
  const recorded = ok<VerificationRecord>(
    await meterledger('verify', meterId, '--message', reading, '--signature', signature, '--record', '--json', '--org', 'Inmetro', '--identity', 'verifier'),
  );
  expect(recorded).toMatchObject({ valid: true, verifier: { mspId: 'InmetroMSP' }, txId: expect.any(String) });

  const unknown = await meterledger('meter', 'show', uniqueId('nope'), '--json', ...PTB);
  expect(unknown.code).toBe(5);
  expect(unknown.stdout).toBe('');
  const error = jsonError(unknown);
  expect(error).toMatchObject({ code: 'UNKNOWN_METER', message: expect.stringContaining('is not registered') });
  expect('transactionId' in error).toBe(true);

  const human = await meterledger('meter', 'show', meterId, ...PTB);
  expect(human.code).toBe(0);
  expect(human.stdout).toContain(`meter ${meterId}: active, active key v1`);
});
