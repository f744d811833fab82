import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROFILE_ENV, STATE_DIR_ENV } from '@meterledger/client';
import type { ConfigProposal, MeterRecord, Page, RegistryConfig, RegistryConfigView, VerificationRecord, VerificationResult } from '@meterledger/contract-api';
import { buildPossessionChallenge, verifySignature, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
import { EXIT } from './exit-codes';
import { runCli } from './program';
import { IN_PROCESS_CHANNEL, inProcessSessions } from './testing/in-process-session';
import { tmpDir, writeKeyFile } from './testing/keys';

/**
 * The `meterledger` command end to end, in process: argv → commander → the command functions →
 * AuthorityClient → ContractClient → the REAL registry chaincode over an in-memory ledger
 * (src/testing/in-process-session.ts). Nothing is echoed: every answer is computed by the chaincode.
 */

jest.setTimeout(60_000);

let sessions: ReturnType<typeof inProcessSessions>;
const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json<T>(): T;
  error(): { code: string; message: string; transactionId: string | null };
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    openSession: sessions.openSession,
    env,
    output: { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) },
  });
  expect(sessions.openCount()).toBe(0); // every session runCli opened is closed again
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T, error: () => JSON.parse(stderr) };
}

const as = (org: string, identity: string) => ['--org', org, '--identity', identity];
const PTB_ADMIN = as('PTB', 'admin');
const INMETRO_ADMIN = as('Inmetro', 'admin');
const PTB = as('PTB', 'registrar');
const INMETRO = as('Inmetro', 'registrar');
const METADATA = ['--manufacturer', 'ACME', '--model', 'E350', '--serial', 'SN-1', '--type-approval-ref', 'PTB-22.11-4711'];

async function init(): Promise<void> {
  const r = await cli(['registry', 'config', 'init', '--threshold', '2', '--authorities', 'PTBMSP,InmetroMSP', ...PTB_ADMIN, '--json']);
  expect(r.code).toBe(0);
}

let keyCounter = 0;
function key(scheme: SignatureScheme = 'ecdsa-p256-sha256', form: 'pkcs8' | 'sec1' | 'json' = 'pkcs8') {
  return writeKeyFile(dir, `meter-${++keyCounter}.key`, scheme, form);
}

/** Register with PTB and approve with Inmetro, both with --key-file. */
async function activeMeter(meterId: string, k = key()): Promise<{ file: string; signer: SoftwareSigner }> {
  expect((await cli(['meter', 'register', meterId, '--key-file', k.file, ...METADATA, ...PTB, '--json'])).code).toBe(0);
  expect((await cli(['meter', 'approve', meterId, '--key-file', k.file, ...INMETRO, '--json'])).code).toBe(0);
  return k;
}

beforeEach(() => {
  sessions = inProcessSessions();
});

describe('registry config', () => {
  it('init, show, propose and approve, as JSON and for people', async () => {
    const init = await cli(['registry', 'config', 'init', '--threshold', '2', '--authorities', 'PTBMSP', '--authorities', 'InmetroMSP', ...PTB_ADMIN, '--json']);
    expect(init.code).toBe(0);
    expect(init.json<RegistryConfig>()).toMatchObject({ version: 1, approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'], proposalId: null });
    expect(init.stdout).toMatch(/^\{\n {2}"approvalThreshold": 2,\n {2}"authorityMspIds": \[/); // canonical key order, indented

    const show = await cli(['registry', 'config', 'show', ...PTB, '--json']);
    expect(show.json<RegistryConfigView>()).toEqual({ config: init.json<RegistryConfig>(), pending: [] });

    const proposed = await cli(['registry', 'config', 'propose', '--threshold', '2', '--authorities', 'PTBMSP,InmetroMSP,NmiMSP', ...PTB_ADMIN, '--json']);
    const proposal = proposed.json<ConfigProposal>();
    expect(proposal).toMatchObject({ baseVersion: 1, status: 'pending', approvals: [{ mspId: 'PTBMSP' }] });
    const human = await cli(['registry', 'config', 'show', ...PTB]);
    expect(human.stdout).toContain('configuration version 1');
    expect(human.stdout).toContain('authorities:        PTBMSP, InmetroMSP');
    expect(human.stdout).toContain(`proposal ${proposal.proposalId}: pending`);

    const approved = await cli(['registry', 'config', 'approve', proposal.proposalId, ...INMETRO_ADMIN]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`proposal ${proposal.proposalId}: effective`);
    expect((await cli(['registry', 'config', 'show', ...PTB, '--json'])).json<RegistryConfigView>().config).toMatchObject({
      version: 2,
      authorityMspIds: ['PTBMSP', 'InmetroMSP', 'NmiMSP'],
    });
  });

  it('exit codes of the governance errors', async () => {
    const notConfigured = await cli(['registry', 'config', 'show', ...PTB, '--json']);
    expect([notConfigured.code, notConfigured.error().code]).toEqual([EXIT.CONFLICT, 'NOT_CONFIGURED']);
    const registrar = await cli(['registry', 'config', 'init', '--threshold', '1', '--authorities', 'PTBMSP', ...PTB, '--json']);
    expect([registrar.code, registrar.error().code]).toEqual([EXIT.UNAUTHORIZED, 'UNAUTHORIZED']);
    await init();
    const again = await cli(['registry', 'config', 'init', '--threshold', '1', '--authorities', 'PTBMSP', ...PTB_ADMIN, '--json']);
    expect([again.code, again.error().code]).toEqual([EXIT.CONFLICT, 'ALREADY_CONFIGURED']);
    const unknown = await cli(['registry', 'config', 'approve', 'no-such-proposal', ...INMETRO_ADMIN, '--json']);
    expect([unknown.code, unknown.error().code]).toEqual([EXIT.NOT_FOUND, 'UNKNOWN_PROPOSAL']);
    const tooHigh = await cli(['registry', 'config', 'propose', '--threshold', '3', '--authorities', 'PTBMSP', ...PTB_ADMIN, '--json']);
    expect([tooHigh.code, tooHigh.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
  });
});

describe('meter lifecycle with --key-file', () => {
  beforeEach(init);

  it('register (PTB), approve (Inmetro), show, history, rotate, revoke', async () => {
    const k = key('ecdsa-p256-sha256');
    const registered = await cli(['meter', 'register', 'm-1', '--key-file', k.file, ...METADATA, ...PTB, '--json']);
    expect(registered.code).toBe(0);
    expect(registered.json<MeterRecord>()).toMatchObject({
      meterId: 'm-1',
      status: 'pending',
      metadata: { manufacturer: 'ACME', model: 'E350', serial: 'SN-1', typeApprovalRef: 'PTB-22.11-4711' },
      keys: [{ version: 1, scheme: 'ecdsa-p256-sha256', publicKey: k.signer.publicKey.spkiPem, fingerprint: k.signer.publicKey.fingerprint, status: 'pending' }],
    });

    const approved = await cli(['meter', 'approve', 'm-1', '--key-file', k.file, ...INMETRO]);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('meter m-1: active, active key v1');
    expect(approved.stdout).toMatch(/v1 active +ecdsa-p256-sha256 .*approvals: PTBMSP, InmetroMSP/);

    const shown = (await cli(['meter', 'show', 'm-1', ...PTB, '--json'])).json<MeterRecord>();
    expect(shown).toMatchObject({ status: 'active', activeKeyVersion: 1 });
    expect(shown.keys[0].approvals.map((a) => a.mspId)).toEqual(['PTBMSP', 'InmetroMSP']);

    // Rotate to an Ed25519 key given as a JSON key file; the other authority approves it.
    const k2 = key('ed25519', 'json');
    const rotated = await cli(['meter', 'rotate', 'm-1', '--key-file', k2.file, ...INMETRO, '--json']);
    expect(rotated.json<MeterRecord>().keys.map((x) => x.status)).toEqual(['active', 'pending']);
    expect((await cli(['meter', 'approve', 'm-1', '--key-file', k2.file, ...PTB, '--json'])).json<MeterRecord>().keys.map((x) => x.status)).toEqual([
      'retired',
      'active',
    ]);
    const history = await cli(['meter', 'history', 'm-1', ...PTB]);
    expect(history.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^v1 retired .*ecdsa-p256-sha256/), expect.stringMatching(/^v2 active .*ed25519/)]);

    const revoked = await cli(['meter', 'revoke', 'm-1', '--reason', 'keyCompromise', '--comment', 'seal broken', ...PTB, '--json']);
    expect(revoked.json<MeterRecord>()).toMatchObject({ status: 'revoked', revocation: { reason: 'keyCompromise', comment: 'seal broken', by: { mspId: 'PTBMSP' } } });
    const after = await cli(['meter', 'rotate', 'm-1', '--key-file', key('ed25519').file, ...INMETRO, '--json']);
    expect([after.code, after.error().code]).toEqual([EXIT.CONFLICT, 'METER_REVOKED']);
    expect((await cli(['meter', 'show', 'm-1', ...PTB])).stdout).toContain('revoked: keyCompromise');
  });

  it.each([
    ['ecdsa-secp256k1-sha256', 'sec1'],
    ['ed25519', 'pkcs8'],
  ] as const)('%s key (%s PEM), --scheme inferred; with --public-key it must be the same key', async (scheme, form) => {
    const k = key(scheme, form);
    const other = key(scheme);
    const pubFile = path.join(dir, `${scheme}.pub.pem`);
    fs.writeFileSync(pubFile, other.signer.publicKey.spkiPem);
    const mismatch = await cli(['meter', 'register', 'm-x', '--key-file', k.file, '--public-key', pubFile, ...METADATA, ...PTB, '--json']);
    expect([mismatch.code, mismatch.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
    const wrongScheme = await cli(['meter', 'register', 'm-x', '--key-file', k.file, '--scheme', 'ecdsa-p256-sha256', ...METADATA, ...PTB, '--json']);
    expect([wrongScheme.code, wrongScheme.error().code]).toEqual([EXIT.INPUT, 'KEY_SCHEME_MISMATCH']);
    const hex = Buffer.from(k.signer.publicKey.spkiDer).toString('hex');
    const ok = await cli(['meter', 'register', 'm-x', '--key-file', k.file, '--public-key', hex, ...METADATA, ...PTB, '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json<MeterRecord>().keys[0]).toMatchObject({ scheme, fingerprint: k.signer.publicKey.fingerprint });
  });

  it('state and input errors with their exit codes and JSON errors on stderr', async () => {
    const k = key();
    await activeMeter('m-2', k);

    const unknown = await cli(['meter', 'show', 'nope', ...PTB, '--json']);
    expect(unknown.code).toBe(EXIT.NOT_FOUND);
    expect(unknown.stdout).toBe('');
    expect(unknown.error()).toEqual({
      code: 'UNKNOWN_METER',
      message: 'meter nope is not registered',
      transactionId: expect.any(String),
      details: [expect.stringMatching(/\(PTBMSP\): chaincode response 500, UNKNOWN_METER: /)],
    });

    const human = await cli(['meter', 'show', 'nope', ...PTB]);
    expect(human.code).toBe(EXIT.NOT_FOUND);
    expect(human.stderr).toMatch(/^meterledger: UNKNOWN_METER: .*nope.*\n {2}transaction: \S+\n/);

    const duplicate = await cli(['meter', 'register', 'm-2', '--key-file', key().file, ...METADATA, ...PTB, '--json']);
    expect([duplicate.code, duplicate.error().code]).toEqual([EXIT.CONFLICT, 'DUPLICATE_METER']);
    const again = await cli(['meter', 'approve', 'm-2', '--key-file', k.file, ...PTB, '--json']);
    expect([again.code, again.error().code]).toEqual([EXIT.CONFLICT, 'NOTHING_TO_APPROVE']);

    // A key file that is not the meter's: the local proof check refuses before anything is submitted.
    await cli(['meter', 'register', 'm-3', '--key-file', key().file, ...METADATA, ...PTB, '--json']);
    const impostor = await cli(['meter', 'approve', 'm-3', '--key-file', key().file, ...INMETRO, '--json']);
    expect([impostor.code, impostor.error().code]).toEqual([EXIT.INPUT, 'BAD_PROOF_OF_POSSESSION']);
    expect(impostor.error().transactionId).toBeNull();
    const ownApproval = await cli(['meter', 'approve', 'm-3', '--key-file', key().file, ...PTB, '--json']);
    expect([ownApproval.code, ownApproval.error().code]).toEqual([EXIT.CONFLICT, 'ALREADY_APPROVED']);

    const norole = await cli(['meter', 'register', 'm-4', '--key-file', key().file, ...METADATA, ...as('PTB', 'norole'), '--json']);
    expect([norole.code, norole.error().code]).toEqual([EXIT.UNAUTHORIZED, 'UNAUTHORIZED']);
    const verifier = await cli(['meter', 'revoke', 'm-2', '--reason', 'other', ...as('Inmetro', 'verifier'), '--json']);
    expect([verifier.code, verifier.error().code]).toEqual([EXIT.UNAUTHORIZED, 'UNAUTHORIZED']);

    const badTime = await cli(['meter', 'revoke', 'm-2', '--reason', 'other', '--effective-at', '2026-02-30T00:00:00Z', ...PTB, '--json']);
    expect([badTime.code, badTime.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
    const missingKey = await cli(['meter', 'register', 'm-5', '--key-file', path.join(dir, 'missing.pem'), ...METADATA, ...PTB, '--json']);
    expect([missingKey.code, missingKey.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
    const controlChar = await cli(['meter', 'register', 'm-5', '--key-file', key().file, ...METADATA, '--serial', 'SN\u0000', ...PTB, '--json']);
    expect([controlChar.code, controlChar.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
    expect((await cli(['meter', 'show', 'm-5', ...PTB, '--json'])).code).toBe(EXIT.NOT_FOUND);
  });
});

describe('proof of possession made elsewhere (meter challenge, --proof-nonce/--proof-signature)', () => {
  beforeEach(init);

  it('register and approve with proofs signed outside the CLI', async () => {
    const meter = key('ed25519');
    const pub = path.join(dir, 'meter-ext.pub.pem');
    fs.writeFileSync(pub, meter.signer.publicKey.spkiPem);
    const out = path.join(dir, 'challenge.bin');
    sessions.opened.splice(0);

    // 1. PTB asks for the challenge of a registration (offline: --channel given) and the "meter" signs it.
    const challenge = await cli(['meter', 'challenge', 'm-ext', '--scheme', 'ed25519', '--public-key', pub, '--channel', IN_PROCESS_CHANNEL, '--out', out, '--json']);
    expect(challenge.code).toBe(0);
    expect(sessions.opened).toEqual([]); // nothing connected
    const c = challenge.json<{ nonce: string; challenge: string; challengeBase64: string; channel: string }>();
    const bytes = fs.readFileSync(out);
    expect(bytes.toString('base64')).toBe(c.challengeBase64);
    expect(Buffer.from(c.challenge, 'utf8')).toEqual(bytes);
    expect(bytes).toEqual(
      Buffer.from(buildPossessionChallenge({ channel: IN_PROCESS_CHANNEL, meterId: 'm-ext', publicKey: meter.signer.publicKey, scheme: 'ed25519', nonce: c.nonce })),
    );
    const signature = Buffer.from(meter.signer.sign(bytes)).toString('base64');
    const registered = await cli([
      'meter', 'register', 'm-ext', '--scheme', 'ed25519', '--public-key', pub, '--proof-nonce', c.nonce, '--proof-signature', signature, ...METADATA, ...PTB, '--json',
    ]);
    expect(registered.code).toBe(0);
    expect(registered.json<MeterRecord>().keys[0].approvals).toEqual([expect.objectContaining({ mspId: 'PTBMSP', nonce: c.nonce })]);

    // The same key and proof for another meter id: the chaincode checks state before crypto.
    const replay = await cli(['meter', 'register', 'm-ext2', '--scheme', 'ed25519', '--public-key', pub, '--proof-nonce', c.nonce, '--proof-signature', signature, ...METADATA, ...PTB, '--json']);
    expect([replay.code, replay.error().code]).toEqual([EXIT.CONFLICT, 'DUPLICATE_KEY']);

    // 2. Inmetro's challenge for the pending key, read from the ledger (channel from the session).
    const forApproval = await cli(['meter', 'challenge', 'm-ext', ...INMETRO, '--json']);
    const a = forApproval.json<{ nonce: string; challenge: string; keyVersion: number; scheme: string; channel: string }>();
    expect(a).toMatchObject({ keyVersion: 1, scheme: 'ed25519', channel: IN_PROCESS_CHANNEL });
    expect(a.nonce).not.toBe(c.nonce);
    const approvalSignature = Buffer.from(meter.signer.sign(a.challenge)).toString('hex');
    const noVersion = await cli(['meter', 'approve', 'm-ext', '--proof-nonce', a.nonce, '--proof-signature', approvalSignature, ...INMETRO, '--json']);
    expect([noVersion.code, noVersion.error().code]).toEqual([EXIT.USAGE, 'INVALID_ARGUMENT']);
    const approved = await cli(['meter', 'approve', 'm-ext', '--key-version', '1', '--proof-nonce', a.nonce, '--proof-signature', approvalSignature, ...INMETRO, '--json']);
    expect(approved.code).toBe(0);
    expect(approved.json<MeterRecord>()).toMatchObject({ status: 'active', activeKeyVersion: 1 });

    // Nothing left to approve: the challenge says so.
    const nothing = await cli(['meter', 'challenge', 'm-ext', ...PTB, '--json']);
    expect([nothing.code, nothing.error().code]).toEqual([EXIT.CONFLICT, 'NOTHING_TO_APPROVE']);
  });

  it('human challenge output, and a forged proof is refused by the chaincode', async () => {
    const meter = key('ecdsa-p256-sha256');
    const hex = Buffer.from(meter.signer.publicKey.spkiDer).toString('hex');
    const human = await cli(['meter', 'challenge', 'm-f', '--scheme', 'ecdsa-p256-sha256', '--public-key', hex, '--nonce', 'nonce-000000000000001', ...PTB]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('nonce:     nonce-000000000000001');
    expect(human.stdout).toContain('--proof-nonce nonce-000000000000001 --proof-signature <base64 signature>');
    const text = /^challenge: (.*)$/m.exec(human.stdout)?.[1] as string;
    expect(JSON.parse(text)).toMatchObject({ type: 'meterledger.possession.v1', channel: IN_PROCESS_CHANNEL, meterId: 'm-f', nonce: 'nonce-000000000000001' });

    const forged = Buffer.from(key('ecdsa-p256-sha256').signer.sign(text)).toString('base64');
    const r = await cli(['meter', 'register', 'm-f', '--scheme', 'ecdsa-p256-sha256', '--public-key', hex, '--proof-nonce', 'nonce-000000000000001', '--proof-signature', forged, ...METADATA, ...PTB, '--json']);
    expect([r.code, r.error().code]).toEqual([EXIT.INPUT, 'BAD_PROOF_OF_POSSESSION']);
    expect(r.error().transactionId).toEqual(expect.any(String)); // refused by the chaincode, in a transaction

    const badNonce = await cli(['meter', 'challenge', 'm-f', '--scheme', 'ecdsa-p256-sha256', '--public-key', hex, '--nonce', 'short', '--channel', 'c', '--json']);
    expect([badNonce.code, badNonce.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
  });
});

describe('verify', () => {
  beforeEach(init);

  it('evaluate and --record; exit 9 when the signature is not valid; the log, paged', async () => {
    const { signer } = await activeMeter('m-v');
    const reading = '2026-11-21T10:00:00Z,1.000';
    const signature = Buffer.from(signer.sign(reading)).toString('base64');

    const ok = await cli(['verify', 'm-v', '--message', reading, '--signature', signature, ...INMETRO, '--json']);
    expect(ok.code).toBe(0);
    expect(ok.json<VerificationResult>()).toMatchObject({ meterId: 'm-v', valid: true, keyVersion: 1 });
    expect((await cli(['verify', 'm-v', '--message', reading, '--signature', signature, ...INMETRO])).stdout).toMatch(/^VALID: meter m-v, key v1, at /);

    const wrong = await cli(['verify', 'm-v', '--message', `${reading}0`, '--signature', signature, ...INMETRO, '--json']);
    expect(wrong.code).toBe(EXIT.NOT_VALID);
    expect(wrong.json<VerificationResult>()).toMatchObject({ valid: false, reason: 'SIGNATURE_MISMATCH' });
    expect(wrong.stderr).toBe('');

    // Message and signature from files (raw signature bytes; the message as bytes, sent base64).
    const messageFile = path.join(dir, 'reading.txt');
    const sigFile = path.join(dir, 'reading.sig');
    fs.writeFileSync(messageFile, reading);
    fs.writeFileSync(sigFile, signer.sign(reading, 'raw'));
    const files = await cli(['verify', 'm-v', '--message-file', messageFile, '--signature-file', sigFile, '--signature-encoding', 'raw', ...INMETRO, '--json']);
    expect(files.json<VerificationResult>()).toMatchObject({ valid: true });
    const hex = Buffer.from(reading).toString('hex');
    expect((await cli(['verify', 'm-v', '--message', hex, '--message-encoding', 'hex', '--signature', signature, ...INMETRO, '--json'])).code).toBe(0);

    // Before the key was valid: not valid, for a reason.
    const early = await cli(['verify', 'm-v', '--message', reading, '--signature', signature, '--at', '2000-01-01T00:00:00Z', ...INMETRO, '--json']);
    expect([early.code, early.json<VerificationResult>().reason]).toEqual([EXIT.NOT_VALID, 'NO_KEY_VALID_AT_TIME']);

    const malformed = await cli(['verify', 'm-v', '--message', reading, '--signature', 'AAEC', ...INMETRO, '--json']);
    expect([malformed.code, malformed.error().code]).toEqual([EXIT.INPUT, 'MALFORMED_SIGNATURE']);

    // --record: logged on the ledger, by a verifier; a role-less identity may not.
    const records: VerificationRecord[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await cli(['verify', 'm-v', '--message', reading, '--signature', signature, '--record', ...as('Inmetro', 'verifier'), '--json']);
      expect(r.code).toBe(0);
      records.push(r.json<VerificationRecord>());
    }
    expect(records[0]).toMatchObject({ valid: true, keyVersion: 1, verifier: { mspId: 'InmetroMSP' }, txId: expect.any(String) });
    const invalidRecord = await cli(['verify', 'm-v', '--message', 'x', '--signature', signature, '--record', ...PTB]);
    expect(invalidRecord.code).toBe(EXIT.NOT_VALID);
    expect(invalidRecord.stdout).toMatch(/^NOT VALID \(SIGNATURE_MISMATCH\): meter m-v, key v1, at .*\n {2}recorded in transaction \S+ at .* by PTBMSP/);
    const norole = await cli(['verify', 'm-v', '--message', reading, '--signature', signature, '--record', ...as('PTB', 'norole'), '--json']);
    expect([norole.code, norole.error().code]).toEqual([EXIT.UNAUTHORIZED, 'UNAUTHORIZED']);

    const page = await cli(['verifications', 'list', 'm-v', '--page-size', '2', ...PTB, '--json']);
    const first = page.json<Page<VerificationRecord>>();
    expect(first.items).toHaveLength(2);
    expect(first.bookmark).not.toBe('');
    const rest = (await cli(['verifications', 'list', 'm-v', '--page-size', '2', '--bookmark', first.bookmark, ...PTB, '--json'])).json<Page<VerificationRecord>>();
    const all = await cli(['verifications', 'list', 'm-v', '--all', '--page-size', '1', ...PTB, '--json']);
    const streamed = all.stdout.trim().split('\n').map((l) => JSON.parse(l) as VerificationRecord);
    expect(streamed.map((r) => r.txId)).toEqual([...first.items, ...rest.items].map((r) => r.txId));
    const invalidTx = /recorded in transaction (\S+)/.exec(invalidRecord.stdout)?.[1];
    expect(streamed.map((r) => r.txId).sort()).toEqual([...records.map((r) => r.txId), invalidTx].sort());
  });

  it('usage errors: message and signature exactly once', async () => {
    sessions.opened.splice(0);
    for (const args of [
      ['verify', 'm', '--signature', 'AA'],
      ['verify', 'm', '--message', 'x'],
      ['verify', 'm', '--message', 'x', '--message-file', 'f', '--signature', 'AA'],
      ['verify', 'm', '--message-file', 'f', '--message-encoding', 'hex', '--signature', 'AA'],
    ]) {
      const r = await cli([...args, ...PTB, '--json']);
      expect([args, r.code, r.error().code]).toEqual([args, EXIT.USAGE, 'INVALID_ARGUMENT']);
    }
    expect(sessions.opened).toEqual([]);
  });
});

describe('meter list: pages, bookmarks and --all', () => {
  beforeEach(init);

  it('pages through meters by status and manufacturer', async () => {
    const ids = ['m-a', 'm-b', 'm-c', 'm-d', 'm-e'];
    for (const id of ids) expect((await cli(['meter', 'register', id, '--key-file', key('ed25519').file, ...METADATA, ...PTB, '--json'])).code).toBe(0);

    const first = await cli(['meter', 'list', '--status', 'pending', '--page-size', '2', ...PTB, '--json']);
    const page1 = first.json<Page<MeterRecord>>();
    expect(page1.items.map((m) => m.meterId)).toEqual(['m-a', 'm-b']);
    expect(page1.bookmark).not.toBe('');
    const page2 = (await cli(['meter', 'list', '--status', 'pending', '--page-size', '2', '--bookmark', page1.bookmark, ...PTB, '--json'])).json<Page<MeterRecord>>();
    expect(page2.items.map((m) => m.meterId)).toEqual(['m-c', 'm-d']);

    // For people: one line per meter on stdout, the next-page hint on stderr.
    const human = await cli(['meter', 'list', '--status', 'pending', '--page-size', '2', ...PTB]);
    expect(human.stdout.trim().split('\n').map((l) => l.split('\t').slice(0, 4))).toEqual([
      ['m-a', 'pending', '-', 'ACME'],
      ['m-b', 'pending', '-', 'ACME'],
    ]);
    expect(human.stderr).toBe(`more: meterledger meter list --status pending --bookmark ${page1.bookmark}\n`);

    const all = await cli(['meter', 'list', '--manufacturer', 'ACME', '--all', '--page-size', '2', ...PTB, '--json']);
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split('\n').map((l) => (JSON.parse(l) as MeterRecord).meterId)).toEqual(ids);
    const allHuman = await cli(['meter', 'list', '--by', 'status', '--value', 'pending', '--all', ...PTB]);
    expect(allHuman.stdout.trim().split('\n')).toHaveLength(5);
    expect((await cli(['meter', 'list', '--status', 'active', ...PTB, '--json'])).json<Page<MeterRecord>>()).toEqual({ items: [], bookmark: '', fetchedCount: 0 });

    const tooBig = await cli(['meter', 'list', '--status', 'pending', '--page-size', '5000', ...PTB, '--json']);
    expect([tooBig.code, tooBig.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
    const foreign = await cli(['meter', 'list', '--status', 'pending', '--bookmark', 'not-a-bookmark', ...PTB, '--json']);
    expect([foreign.code, foreign.error().code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
  });

  it('usage errors: no filter, two filters, a page size that is not a positive integer', async () => {
    for (const args of [
      ['meter', 'list'],
      ['meter', 'list', '--status', 'active', '--manufacturer', 'ACME'],
      ['meter', 'list', '--by', 'status'],
      ['meter', 'list', '--status', 'active', '--page-size', '0'],
      ['meter', 'list', '--status', 'sleeping'],
    ]) {
      const r = await cli([...args, ...PTB, '--json']);
      expect([args, r.code, r.error().code]).toEqual([args, EXIT.USAGE, 'INVALID_ARGUMENT']);
    }
  });
});

describe('parsing and global options', () => {
  it('--org/--identity from the environment; --profile and --transport handed to the session factory', async () => {
    await init();
    const env = { MLEDGER_ORG: 'Inmetro', MLEDGER_IDENTITY: 'registrar' };
    const r = await cli(['registry', 'config', 'show', '--json'], env);
    expect(r.code).toBe(0);
    expect(sessions.opened.at(-1)).toEqual({ org: 'Inmetro', identity: 'registrar' });
    await cli(['--profile', '/etc/meterledger/network.json', '--transport', 'fabric-network', 'registry', 'config', 'show', '--identity', 'admin', '--json'], env);
    expect(sessions.opened.at(-1)).toEqual({ org: 'Inmetro', identity: 'admin', profile: '/etc/meterledger/network.json', transport: 'fabric-network' });
    // Global options are accepted before and after the command.
    await cli(['--org', 'PTBMSP', '--identity', 'registrar', 'meter', 'list', '--status', 'active']);
    expect(sessions.opened.at(-1)).toEqual({ org: 'PTBMSP', identity: 'registrar' });
  });

  it('usage errors exit 2, as JSON with --json; --help and --version exit 0', async () => {
    const noOrg = await cli(['meter', 'show', 'm-1', '--json']);
    expect([noOrg.code, noOrg.error()]).toEqual([EXIT.USAGE, { code: 'INVALID_ARGUMENT', message: '--org <org> is required (or set MLEDGER_ORG)', transactionId: null }]);
    const noIdentity = await cli(['meter', 'show', 'm-1', '--org', 'PTB']);
    expect([noIdentity.code, noIdentity.stderr]).toEqual([EXIT.USAGE, 'meterledger: INVALID_ARGUMENT: --identity <name> is required (or set MLEDGER_IDENTITY)\n']);

    const unknownOption = await cli(['meter', 'show', 'm-1', '--colour', ...PTB, '--json']);
    expect([unknownOption.code, unknownOption.error()]).toEqual([EXIT.USAGE, { code: 'INVALID_ARGUMENT', message: "unknown option '--colour'", transactionId: null }]);
    const human = await cli(['meter', 'frobnicate', ...PTB]);
    expect(human.code).toBe(EXIT.USAGE);
    expect(human.stderr).toContain("unknown command 'frobnicate'");
    const missingArg = await cli(['meter', 'revoke', 'm-1', ...PTB, '--json']);
    expect([missingArg.code, missingArg.error().message]).toEqual([EXIT.USAGE, "required option '--reason <reason>' not specified"]);
    const badChoice = await cli(['meter', 'show', 'm-1', '--transport', 'carrier-pigeon', ...PTB, '--json']);
    expect(badChoice.code).toBe(EXIT.USAGE);
    const both = await cli(['meter', 'register', 'm-1', '--key-file', 'k', '--proof-nonce', 'n', '--proof-signature', 's', ...METADATA, ...PTB, '--json']);
    expect([both.code, both.error().code]).toEqual([EXIT.USAGE, 'INVALID_ARGUMENT']);
    const neither = await cli(['meter', 'register', 'm-1', ...METADATA, ...PTB, '--json']);
    expect([neither.code, neither.error().code]).toEqual([EXIT.USAGE, 'INVALID_ARGUMENT']);
    const proofWithoutKey = await cli(['meter', 'register', 'm-1', '--proof-nonce', 'n', '--proof-signature', 's', ...METADATA, ...PTB, '--json']);
    expect([proofWithoutKey.code, proofWithoutKey.error().code]).toEqual([EXIT.USAGE, 'INVALID_ARGUMENT']);
    expect((await cli(['meter'])).code).toBe(EXIT.USAGE); // a command group alone prints its help, as an error
    expect(sessions.opened).toEqual([]);

    const help = await cli(['meter', 'register', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--key-file <file>');
    const version = await cli(['--version']);
    expect([version.code, version.stdout]).toEqual([0, '0.1.0\n']);
  });

  it('an org or identity the profile lacks is a local configuration error (exit 8)', async () => {
    const r = await cli(['meter', 'show', 'm-1', ...as('PTB', 'janitor'), '--json']);
    expect([r.code, r.error().code]).toEqual([EXIT.LOCAL_CONFIGURATION, 'UNKNOWN_PROFILE_ENTRY']);
  });
});

describe('the default session factory: the network profile located by @meterledger/client', () => {
  /** runCli with its real openNetworkSession (connect() of @meterledger/client). */
  async function real(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    const code = await runCli(args, { env: {}, output: { stdout: () => undefined, stderr: (s) => void (stderr += s) } });
    return { code, stderr };
  }

  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of [PROFILE_ENV, STATE_DIR_ENV]) saved[name] = process.env[name];
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('--profile, else $MLEDGER_PROFILE, else $MLEDGER_STATE_DIR/network.json: a missing file is PROFILE_NOT_FOUND (exit 8)', async () => {
    const missing = path.join(dir, 'nowhere', 'network.json');
    const r = await real(['meter', 'show', 'm-1', '--profile', missing, ...PTB, '--json']);
    expect(r.code).toBe(EXIT.LOCAL_CONFIGURATION);
    expect(JSON.parse(r.stderr)).toEqual({ code: 'PROFILE_NOT_FOUND', message: expect.stringContaining(missing), transactionId: null });

    const stateDir = path.join(dir, 'state-of-another-network');
    process.env[STATE_DIR_ENV] = stateDir;
    delete process.env[PROFILE_ENV];
    const fromState = await real(['meter', 'show', 'm-1', ...PTB, '--json']);
    expect([fromState.code, JSON.parse(fromState.stderr).message]).toEqual([EXIT.LOCAL_CONFIGURATION, expect.stringContaining(path.join(stateDir, 'network.json'))]);

    process.env[PROFILE_ENV] = path.join(dir, 'from-env.json');
    const fromEnv = await real(['meter', 'show', 'm-1', ...PTB, '--json']);
    expect([fromEnv.code, JSON.parse(fromEnv.stderr).message]).toEqual([EXIT.LOCAL_CONFIGURATION, expect.stringContaining('from-env.json')]);
  });

  it('an invalid profile, an org it lacks, and identity files that cannot be read: exit 8', async () => {
    const invalid = path.join(dir, 'invalid.json');
    fs.writeFileSync(invalid, JSON.stringify({ channel: 'nmichannel' }));
    const r1 = await real(['meter', 'show', 'm-1', '--profile', invalid, ...PTB, '--json']);
    expect([r1.code, JSON.parse(r1.stderr).code]).toEqual([EXIT.LOCAL_CONFIGURATION, 'PROFILE_INVALID']);

    const profile = path.join(dir, 'network.json');
    const peer = { name: 'peer0', endpoint: '127.0.0.1:1', hostAlias: 'peer0', tlsRootCertPath: 'missing-tls.pem' };
    fs.writeFileSync(
      profile,
      JSON.stringify({
        channel: 'nmichannel',
        chaincode: { name: 'meterledger', sequence: 1, version: '1' },
        orgs: { PTB: { mspId: 'PTBMSP', kind: 'authority', peers: [peer], identities: { registrar: { certPath: 'c.pem', keyPath: 'k.pem', role: 'registrar' } } } },
      }),
    );
    const r2 = await real(['meter', 'show', 'm-1', '--profile', profile, ...INMETRO, '--json']);
    expect([r2.code, JSON.parse(r2.stderr).code]).toEqual([EXIT.LOCAL_CONFIGURATION, 'UNKNOWN_PROFILE_ENTRY']);
    const r3 = await real(['meter', 'show', 'm-1', '--profile', profile, ...PTB]);
    expect(r3.code).toBe(EXIT.LOCAL_CONFIGURATION);
    expect(r3.stderr).toMatch(/^meterledger: CREDENTIALS_NOT_FOUND: cannot read /);
  });
});

it('a software key signs what verifySignature accepts (sanity of the test keys)', () => {
  const { signer } = key('ecdsa-secp256k1-sha256', 'sec1');
  expect(verifySignature({ scheme: signer.scheme, publicKey: signer.publicKey, message: 'm', signature: signer.sign('m') })).toBe(true);
});
