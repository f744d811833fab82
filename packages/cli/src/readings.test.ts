import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AggregateCheck, AuditReport } from '@meterledger/auditor';
import type { CountResult, Page, RangeAggregate, ReadingRecord, ReadingsAtResult, SealView, WindowAggregate } from '@meterledger/contract-api';
import { generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import { v1Payload } from '../../chaincode/src/testing/readings-driver';
import type { SubmitOutcomeLine } from './readings-commands';
import { parseReadingLines } from './readings-commands';
import { EXIT } from './exit-codes';
import { runCli } from './program';
import { inProcessSessions } from './testing/in-process-session';
import { tmpDir } from './testing/keys';

/**
 * `meterledger readings ...` end to end, in process: argv → commander → AuditorClient → ContractClient →
 * the REAL chaincode (registry + readings contracts) over an in-memory ledger. Meters are registered and
 * approved through the registry contract; readings are meterledger-v1 messages signed by the meters' keys.
 */

jest.setTimeout(60_000);

let sessions: ReturnType<typeof inProcessSessions>;
let signer: SoftwareSigner;
const dir = tmpDir('meterledger-cli-readings-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    openSession: sessions.openSession,
    env: {},
    readStdin: async () => stdin,
    output: { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) },
  });
  expect(sessions.openCount()).toBe(0);
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T, lines: <T>() => stdout.trim().split('\n').map((l) => JSON.parse(l) as T) };
}

const GATEWAY = ['--org', 'Operator', '--identity', 'gateway'];
const AUDITOR = ['--org', 'PTB', '--identity', 'auditor'];

function payload(time: string, value: string, sequence: number | null = null, meterId = 'm-1'): string {
  return v1Payload(signer, { meterId, time, value, sequence });
}

/** 2025-12-30, 10:00–10:50 every 10 minutes, sequence 1..6. */
const READINGS = [0, 10, 20, 30, 40, 50].map((m, i) => ({ time: `2025-12-30T10:${String(m).padStart(2, '0')}:00Z`, value: (1.5 * (i + 1)).toFixed(1), sequence: i + 1 }));

beforeEach(async () => {
  sessions = inProcessSessions();
  signer = generateSoftwareSigner('ecdsa-p256-sha256');
  // Registered a month before the ledger's clock (2026-01-01), so December's readings fall after activation.
  await sessions.network.registerMeters([['m-1', signer]], { at: '2025-12-01T00:00:00Z' });
});

async function submitAll(): Promise<void> {
  const file = path.join(dir, 'readings.jsonl');
  fs.writeFileSync(file, READINGS.map((r) => JSON.stringify({ format: 'meterledger-v1', payload: payload(r.time, r.value, r.sequence) })).join('\n') + '\n');
  const r = await cli(['readings', 'submit', file, '--group', 'site-1', '--batch-size', '4', ...GATEWAY, '--json']);
  expect(r.code).toBe(EXIT.OK);
}

describe('readings submit', () => {
  it('JSON items from a file, in batches: one outcome line per reading', async () => {
    const file = path.join(dir, 'items.jsonl');
    fs.writeFileSync(file, READINGS.map((r) => JSON.stringify({ format: 'meterledger-v1', payload: payload(r.time, r.value, r.sequence) })).join('\n\n') + '\n');
    const r = await cli(['readings', 'submit', file, '--batch-size', '4', ...GATEWAY, '--json']);
    expect(r.code).toBe(EXIT.OK);
    const outcomes = r.lines<SubmitOutcomeLine>();
    expect(outcomes.map((o) => [o.status, o.line, o.item, o.meterId])).toEqual(READINGS.map((_, i) => ['accepted', 2 * i + 1, i, 'm-1']));
    expect(new Set(outcomes.map((o) => o.txId)).size).toBe(2);
    expect(r.stderr).toBe('6 readings: 6 accepted, 0 duplicates, 0 rejected, in 2 transaction(s)\n');

    // Again, with one tampered signature, for people: duplicates, a rejection, exit code of its class.
    const tampered = payload('2025-12-30T11:00:00Z', '9.0', 7).replace('"value":"9.0"', '"value":"9.9"');
    fs.appendFileSync(file, JSON.stringify({ format: 'meterledger-v1', payload: tampered }) + '\n');
    const again = await cli(['readings', 'submit', file, ...GATEWAY]);
    expect(again.code).toBe(EXIT.INPUT);
    expect(again.stdout).toMatch(/^duplicate {2}m-1 2025-12-30T10:00:00.000Z {2}line 1 /);
    expect(again.stdout).toMatch(/rejected {3}m-1 2025-12-30T11:00:00.000Z {2}line 12: SIGNATURE_MISMATCH: /);
    expect(again.stderr).toContain('7 readings: 0 accepted, 6 duplicates, 1 rejected, in 1 transaction(s)');
  });

  it('raw messages from stdin with --format and --meter; a state rejection exits 6', async () => {
    const stdin = READINGS.slice(0, 2).map((r) => payload(r.time, r.value, r.sequence)).join('\n');
    const r = await cli(['readings', 'submit', '--format', 'meterledger-v1', '--meter', 'm-1', ...GATEWAY, '--json'], stdin);
    expect(r.code).toBe(EXIT.OK);
    expect(r.lines<SubmitOutcomeLine>().map((o) => o.status)).toEqual(['accepted', 'accepted']);
    // An older sequence at a new time: replayed.
    const replay = await cli(['readings', 'submit', '-', '--format', 'meterledger-v1', ...GATEWAY, '--json'], payload('2025-12-30T10:30:00Z', '1.0', 1));
    expect(replay.code).toBe(EXIT.CONFLICT);
    expect(replay.lines<SubmitOutcomeLine>()[0]).toMatchObject({ status: 'rejected', code: 'SEQUENCE_REPLAYED', line: 1 });
  });

  it('a bad line is INVALID_ARGUMENT naming the line, and nothing is submitted', async () => {
    const stdin = `${JSON.stringify({ format: 'meterledger-v1', payload: payload(READINGS[0].time, '1.5', 1) })}\n{"format":"nope","payload":"x"}\n`;
    const r = await cli(['readings', 'submit', ...GATEWAY, '--json'], stdin);
    expect(r.code).toBe(EXIT.INPUT);
    expect(JSON.parse(r.stderr)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^line 2: format: /) });
    const history = await cli(['readings', 'query', 'history', 'm-1', ...AUDITOR, '--json']);
    expect(history.json<Page<ReadingRecord>>().items).toEqual([]);
    expect((await cli(['readings', 'submit', ...GATEWAY], 'not json')).code).toBe(EXIT.INPUT);
    expect((await cli(['readings', 'submit', ...GATEWAY], '\n')).code).toBe(EXIT.INPUT);
    expect((await cli(['readings', 'submit', '--batch-size', '501', ...GATEWAY], 'x')).code).toBe(EXIT.USAGE);
  });

  it('an auditor may not submit (exit 4)', async () => {
    const r = await cli(['readings', 'submit', ...AUDITOR, '--json'], JSON.stringify({ format: 'meterledger-v1', payload: payload(READINGS[0].time, '1.5', 1) }));
    expect([r.code, JSON.parse(r.stderr).code]).toEqual([EXIT.UNAUTHORIZED, 'UNAUTHORIZED']);
  });

  it('parseReadingLines: --meter and --utc-offset fill JSON items that lack them', () => {
    expect(parseReadingLines('{"format":"bc4p-tasmota","payload":"{}"}\n', { meter: 'm-9', utcOffset: '+01:00' })).toEqual([
      { line: 1, reading: { format: 'bc4p-tasmota', payload: '{}', meterId: 'm-9', utcOffset: '+01:00' } },
    ]);
  });
});

describe('readings query, seal, report, check', () => {
  beforeEach(submitAll);

  it('q1–q4, aggregates and history agree with the readings', async () => {
    const history = (await cli(['readings', 'query', 'history', 'm-1', '--page-size', '4', '--all', ...AUDITOR, '--json'])).lines<ReadingRecord>();
    expect(history.map((r) => r.value)).toEqual(READINGS.map((r) => r.value));

    const q1 = await cli(['readings', 'query', 'q1', 'm-1', '--at', '2025-12-30T10:10:00Z,2025-12-30T10:11:00Z', ...AUDITOR, '--json']);
    expect(q1.json<ReadingsAtResult>()).toEqual({ readings: [history[1]], missing: ['2025-12-30T10:11:00.000Z'] });

    const q2 = await cli(['readings', 'query', 'q2', 'm-1', '--from', '2025-12-30T10:00:00Z', '--to', '2025-12-30T11:00:00Z', '--above', '3', '--below', '7.5', '--all', ...AUDITOR, '--json']);
    expect(q2.lines<ReadingRecord>().map((r) => r.value).sort()).toEqual(['4.5', '6.0']);

    const q3 = await cli(['readings', 'query', 'q3', '--meter', 'm-1', '--from', '2025-12-30T10:05:00Z', '--to', '2025-12-30T10:45:00Z', '--decimals', '2', ...AUDITOR, '--json']);
    expect(q3.json<RangeAggregate>()).toMatchObject({ count: 4, sum: '21.0', min: '3.0', max: '7.5', avg: '5.25' });
    const q3group = await cli(['readings', 'query', 'q3', '--group', 'site-1', '--from', '2025-12-30T00:00:00Z', '--to', '2025-12-31T00:00:00Z', ...AUDITOR]);
    expect(q3group.stdout).toContain('group:site-1 [2025-12-30T00:00:00.000Z, 2025-12-31T00:00:00.000Z): count 6, sum 31.5, min 1.5, max 9.0, avg 5.250000');

    const q4 = await cli(['readings', 'query', 'q4', '--meter', 'm-1', '--at', '2025-12-30T10:25:00Z', ...AUDITOR, '--json']);
    expect(q4.json<CountResult>()).toMatchObject({ before: 3, after: 3 });

    const hours = await cli(['readings', 'query', 'aggregates', '--meter', 'm-1', '--level', 'hour', '--from', '2025-12-30T09:00:00Z', '--to', '2025-12-30T12:00:00Z', ...AUDITOR, '--json']);
    expect(hours.json<Page<WindowAggregate>>().items.map((a) => [a.window, a.count, a.sealed])).toEqual([
      ['2025-12-30T09', 0, false],
      ['2025-12-30T10', 6, false],
      ['2025-12-30T11', 0, false],
    ]);

    expect((await cli(['readings', 'query', 'q3', '--from', 'x', '--to', 'y', ...AUDITOR])).code).toBe(EXIT.USAGE); // neither --meter nor --group
    const bad = await cli(['readings', 'query', 'q4', '--meter', 'm-1', '--at', 'yesterday', ...AUDITOR, '--json']);
    expect([bad.code, JSON.parse(bad.stderr).code]).toEqual([EXIT.INPUT, 'INVALID_ARGUMENT']);
    const registrar = await cli(['readings', 'query', 'q1', 'm-1', '--at', '2025-12-30T10:10:00Z', '--org', 'PTB', '--identity', 'registrar', '--json']);
    expect(registrar.code).toBe(EXIT.UNAUTHORIZED);
  });

  it('seal, the seal, check and report; a late reading into a sealed window exits 6', async () => {
    const seal = await cli(['readings', 'seal', '--meter', 'm-1', '--until', '2025-12-31T00:00:00Z', ...AUDITOR]);
    expect(seal.code).toBe(EXIT.OK);
    expect(seal.stdout).toMatch(/^meter:m-1: sealed \[2025-01-01T00:00:00.000Z, 2025-12-31T00:00:00.000Z\); \d+ windows and 6 readings in 1 transaction\(s\)/);

    const view = await cli(['readings', 'query', 'seal', '--meter', 'm-1', '--level', 'minute', '--window', '2025-12-30T10:20', ...AUDITOR, '--json']);
    expect(view.json<SealView>()).toMatchObject({ seal: { count: 1, sum: '4.5' }, children: [], readings: [{ time: '2025-12-30T10:20:00.000Z', meterId: 'm-1' }] });

    for (const [level, window] of [['minute', '2025-12-30T10:20'], ['hour', '2025-12-30T10'], ['day', '2025-12-30']]) {
      const check = await cli(['readings', 'check', '--meter', 'm-1', '--level', level, '--window', window, ...AUDITOR, '--json']);
      expect(check.code).toBe(EXIT.OK);
      expect(check.json<AggregateCheck>()).toMatchObject({ ok: true, commitmentMatches: true, matchesSeal: true, matchesListed: true });
    }
    const human = await cli(['readings', 'check', '--meter', 'm-1', '--level', 'hour', '--window', '2025-12-30T10', ...AUDITOR]);
    expect(human.stdout).toMatch(/^meter:m-1 hour 2025-12-30T10: OK\n {2}raw readings: count 6, sum 31.5, min 1.5, max 9.0; commitment [0-9a-f]{64}\n/);
    // A group checked without one of its meters does not add up.
    const group = await cli(['readings', 'seal', '--group', 'site-1', '--until', '2025-12-31T00:00:00Z', ...AUDITOR]);
    expect(group.code).toBe(EXIT.OK);
    const wrong = await cli(['readings', 'check', '--group', 'site-1', '--meters', 'm-2', '--level', 'day', '--window', '2025-12-30', ...AUDITOR, '--json']);
    expect(wrong.code).toBe(EXIT.NOT_VALID);
    expect(wrong.json<AggregateCheck>().mismatches[0]).toBe('listAggregates count 6, raw readings 0');
    expect((await cli(['readings', 'check', '--group', 'site-1', '--level', 'day', '--window', '2025-12-30', ...AUDITOR])).code).toBe(EXIT.USAGE);

    const report = await cli(['readings', 'report', 'm-1', '--from', '2025-12-30T00:00:00Z', '--to', '2025-12-31T00:00:00Z', '--interval', '600', '--max-delay', '259200', ...AUDITOR, '--json']);
    expect(report.code).toBe(EXIT.OK);
    expect(report.json<AuditReport>()).toMatchObject({ readings: 6, verified: 6, verificationFailures: [], gaps: [], clockProblems: [] });
    const late = await cli(['readings', 'report', 'm-1', '--from', '2025-12-30T00:00:00Z', '--to', '2025-12-31T00:00:00Z', ...AUDITOR]);
    expect(late.stdout).toContain('meter m-1 [2025-12-30T00:00:00.000Z, 2025-12-31T00:00:00.000Z): 6 readings, 6 verified offline, 0 failed');
    expect(late.stdout).toContain('clock: submitted late: device 2025-12-30T10:00:00Z');

    const sealed = await cli(['readings', 'submit', '--format', 'meterledger-v1', ...GATEWAY, '--json'], payload('2025-12-30T10:55:00Z', '1', 7));
    expect(sealed.code).toBe(EXIT.CONFLICT);
    expect(sealed.lines<SubmitOutcomeLine>()[0]).toMatchObject({ code: 'WINDOW_SEALED' });
  });
});
