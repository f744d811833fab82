import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MeterledgerError } from '@meterledger/client';
import type { ReadingRecord, SubmittedReading } from '@meterledger/contract-api';
import type { SoftwareSigner } from '@meterledger/crypto';
import { v1Payload, type V1Reading } from '../../chaincode/src/testing/readings-driver';
import { AuditorClient } from './auditor-client';
import { aggregateOf as aggregateOfValues, compareDecimals } from '@meterledger/contract-api';
import type { FollowedReadings } from './follow';
import { InProcessReadingsNetwork } from './testing/in-process-readings';

/**
 * The AuditorClient against the REAL chaincode in process (registry + readings contracts over an
 * in-memory ledger, X.509 test identities with role attributes): meters registered through the registry,
 * signed meterledger-v1 readings submitted by the operator's gateway, everything queried as an auditor
 * and compared with a brute force over listReadings.
 */

jest.setTimeout(60_000);

let net: InProcessReadingsNetwork;
let signers: Map<string, SoftwareSigner>;
let auditor: AuditorClient;
let gateway: AuditorClient;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditor-test-'));

function item(meterId: string, r: Omit<V1Reading, 'meterId'>): SubmittedReading {
  return { format: 'meterledger-v1', payload: v1Payload(signers.get(meterId) as SoftwareSigner, { meterId, ...r }) };
}

/** m-1: every 15 minutes on 2025-12-30 from 10:00 to 13:45, sequence 1..16 without 6 (a lost reading), nothing at 12:00–12:45. */
function m1Readings(): SubmittedReading[] {
  const out: SubmittedReading[] = [];
  let sequence = 0;
  for (let hour = 10; hour < 14; hour++) {
    for (let minute = 0; minute < 60; minute += 15) {
      sequence++;
      if (sequence === 6 || hour === 12) continue;
      const value = (20 + ((hour * 7 + minute) % 13) / 4).toFixed(2);
      out.push(item('m-1', { time: `2025-12-30T${hour}:${String(minute).padStart(2, '0')}:00Z`, value, sequence }));
    }
  }
  return out;
}

async function all(meterId: string): Promise<ReadingRecord[]> {
  const out: ReadingRecord[] = [];
  for await (const r of auditor.listAllReadings({ meterId, pageSize: 3 })) out.push(r);
  return out;
}

beforeAll(async () => {
  net = new InProcessReadingsNetwork();
  signers = await net.setUp(['m-1', 'm-2']);
  auditor = net.auditor('ptbAuditor');
  gateway = net.auditor('operatorGateway');
  const first = await gateway.submitReadings({ readings: m1Readings().slice(0, 6), group: 'site-1' });
  expect(first.outcomes.filter((o) => o.status !== "accepted")).toEqual([]);
  expect(first).toMatchObject({ accepted: 6, rejected: 0, duplicates: 0 });
  const second = await gateway.submitReadings({
    readings: [
      ...m1Readings().slice(6),
      item('m-2', { time: '2025-12-30T10:05:00Z', value: '-1.5' }),
      item('m-2', { time: '2025-12-30T10:05:30Z', value: '3' }),
      item('m-2', { time: '2025-12-30T11:59:59.500Z', value: '0.25' }),
    ],
    group: 'site-1',
  });
  expect(second).toMatchObject({ accepted: 8, rejected: 0 });
  // Submitting the same again: duplicates, nothing counted twice.
  expect(await gateway.submitReadings({ readings: m1Readings().slice(0, 2), group: 'site-1' })).toMatchObject({ accepted: 0, duplicates: 2 });
});

describe('queries, against a brute force over listReadings', () => {
  it('lists readings page by page, in time order', async () => {
    const m1 = await all('m-1');
    expect(m1).toHaveLength(11);
    expect(m1.map((r) => r.time)).toEqual([...m1.map((r) => r.time)].sort());
    expect(m1[0]).toMatchObject({ meterId: 'm-1', time: '2025-12-30T10:00:00.000Z', sequence: 1, keyVersion: 1, group: 'site-1', submittedBy: { mspId: 'OperatorMSP' } });
  });

  it('Q1 getReadingsAt: the readings at given instants and the instants with none', async () => {
    const m1 = await all('m-1');
    const times = [m1[3].time, '2025-12-30T12:00:00Z', m1[0].time];
    const result = await auditor.getReadingsAt({ meterId: 'm-1', times });
    expect(result.readings).toEqual([m1[0], m1[3]]);
    expect(result.missing).toEqual(['2025-12-30T12:00:00.000Z']);
  });

  it('Q2 findReadingsByValue: above < value < below in [from, to)', async () => {
    const m1 = await all('m-1');
    const query = { meterId: 'm-1', from: '2025-12-30T10:10:00Z', to: '2025-12-30T13:40:00Z', above: '20.5', below: '22.75' };
    const found: ReadingRecord[] = [];
    for await (const r of auditor.findAllReadingsByValue({ ...query, pageSize: 2 })) found.push(r);
    const expected = m1.filter(
      (r) => r.time >= '2025-12-30T10:10:00.000Z' && r.time < '2025-12-30T13:40:00.000Z' && compareDecimals(r.value, '20.5') > 0 && compareDecimals(r.value, '22.75') < 0,
    );
    expect(expected.length).toBeGreaterThan(1);
    expect(found.map((r) => r.digest).sort()).toEqual(expected.map((r) => r.digest).sort());
  });

  it('Q3 aggregateRange and Q4 countReadings, meter and group', async () => {
    const m1 = await all('m-1');
    const m2 = await all('m-2');
    for (const [from, to] of [
      ['2025-12-30T10:07:30Z', '2025-12-30T13:31:00Z'],
      ['2025-12-30T00:00:00Z', '2025-12-31T00:00:00Z'],
      ['2025-12-30T10:05:10Z', '2025-12-30T10:05:40Z'],
    ]) {
      const f = new Date(from).toISOString();
      const t = new Date(to).toISOString();
      const inRange = (r: ReadingRecord) => r.time >= f && r.time < t;
      const meter = await auditor.aggregateRange({ meterId: 'm-1', from, to });
      const want = aggregateOfValues(m1.filter(inRange).map((r) => r.value));
      expect({ sum: meter.sum, count: meter.count, min: meter.min, max: meter.max }).toEqual(want);
      const group = await auditor.aggregateRange({ group: 'site-1', from, to });
      const wantGroup = aggregateOfValues([...m1, ...m2].filter(inRange).map((r) => r.value));
      expect({ sum: group.sum, count: group.count, min: group.min, max: group.max }).toEqual(wantGroup);
    }
    for (const at of ['2025-12-30T10:05:30Z', '2025-12-30T11:59:59.500Z', '2025-12-30T13:45:00Z', '2025-01-01T00:00:00Z']) {
      const iso = new Date(at).toISOString();
      const count = await auditor.countReadings({ meterId: 'm-1', at });
      expect([count.before, count.after]).toEqual([m1.filter((r) => r.time < iso).length, m1.filter((r) => r.time >= iso).length]);
      const group = await auditor.countReadings({ group: 'site-1', at });
      const both = [...m1, ...m2];
      expect([group.before, group.after]).toEqual([both.filter((r) => r.time < iso).length, both.filter((r) => r.time >= iso).length]);
    }
  });

  it('listAggregates: one item per window, empty windows included, every page', async () => {
    const hours = [];
    for await (const a of auditor.listAllAggregates({ meterId: 'm-1', level: 'hour', from: '2025-12-30T09:00:00Z', to: '2025-12-30T15:00:00Z', pageSize: 4 })) hours.push(a);
    expect(hours.map((h) => [h.window, h.count])).toEqual([
      ['2025-12-30T09', 0],
      ['2025-12-30T10', 4],
      ['2025-12-30T11', 3],
      ['2025-12-30T12', 0],
      ['2025-12-30T13', 4],
      ['2025-12-30T14', 0],
    ]);
  });

  it('the chaincode checks the role: a registrar is no auditor', async () => {
    const registrar = net.auditor('ptbRegistrar');
    await expect(registrar.getReadingsAt({ meterId: 'm-1', times: ['2025-12-30T10:00:00Z'] })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('verification', () => {
  it('verifyOffline checks every reading with the key of its version, and catches a tampered payload', async () => {
    const m1 = await all('m-1');
    for (const r of m1) expect(await auditor.verifyOffline(r)).toMatchObject({ valid: true, keyVersion: 1, digestMatches: true });
    const tampered = { ...m1[0], payload: m1[0].payload.replace(`"value":"${m1[0].value}"`, '"value":"99.99"') };
    expect(tampered.payload).not.toBe(m1[0].payload);
    expect(await auditor.verifyOffline(tampered)).toMatchObject({ valid: false, reason: 'SIGNATURE_MISMATCH', digestMatches: false });
    expect(await auditor.verifyOffline({ ...m1[0], keyVersion: 7 })).toMatchObject({ valid: false, reason: 'UNKNOWN_KEY_VERSION' });
    expect(await auditor.verifyOffline({ ...m1[0], payload: '{' })).toMatchObject({ valid: false, reason: 'MALFORMED_READING' });
  });

  it('verifyOnChain asks the registry with the signed bytes', async () => {
    const [r] = await all('m-2');
    expect(await auditor.verifyOnChain(r)).toMatchObject({ meterId: 'm-2', valid: true, keyVersion: 1, at: r.time });
    const tampered = { ...r, payload: r.payload.replace('"value":"-1.5"', '"value":"-1.6"') };
    expect(await auditor.verifyOnChain(tampered)).toMatchObject({ valid: false, reason: 'SIGNATURE_MISMATCH' });
  });
});

describe('report', () => {
  it('counts, verifies, and finds the sequence gap, the time gap and the late submissions', async () => {
    const report = await auditor.report('m-1', '2025-12-30T00:00:00Z', '2025-12-31T00:00:00Z', { expectedIntervalMs: 15 * 60_000 });
    expect(report).toMatchObject({ meterId: 'm-1', readings: 11, verified: 11, verificationFailures: [], resets: [], keyChanges: [] });
    expect(report.gaps.map((g) => [g.kind, g.kind === 'time' ? g.gapMs / 60_000 : g.kind === 'sequence' ? g.missing : 0, g.kind !== 'chain-reset' ? g.after.sequence : null])).toEqual([
      ['sequence', 1, 5],
      ['time', 30, 5],
      ['sequence', 4, 8],
      ['time', 75, 8],
    ]);
    // Submitted on 2026-01-01 (the in-memory ledger's clock), more than a day after the device time.
    expect(report.clockProblems).toHaveLength(11);
    expect(report.clockProblems[0]).toMatchObject({ kind: 'late', deviceTime: '2025-12-30T10:00:00Z' });
    const relaxed = await auditor.report('m-1', '2025-12-30T00:00:00Z', '2025-12-31T00:00:00Z', { maxSubmissionDelayMs: 3 * 86_400_000, verify: false });
    expect(relaxed).toMatchObject({ readings: 11, verified: 0, clockProblems: [] });
  });
});

describe('seals and checkAggregate', () => {
  beforeAll(async () => {
    // Seal m-1 and the group up to the end of 2025-12-30: the day, its hours and minutes.
    for (const series of [{ meterId: 'm-1' }, { group: 'site-1' }] as const) {
      let more = true;
      while (more) ({ more } = await auditor.sealWindows({ ...series, until: '2025-12-31T00:00:00Z' }));
    }
  });

  it('recomputes sealed windows of every level from raw readings (aggregate and commitment)', async () => {
    for (const [level, window] of [
      ['minute', '2025-12-30T10:15'],
      ['hour', '2025-12-30T10'],
      ['hour', '2025-12-30T13'],
      ['day', '2025-12-30'],
    ] as const) {
      const check = await auditor.checkAggregate({ meterId: 'm-1' }, level, window);
      expect({ level, window, mismatches: check.mismatches }).toEqual({ level, window, mismatches: [] });
      expect(check).toMatchObject({ ok: true, matchesListed: true, matchesSeal: true, commitmentMatches: true });
      expect(check.seal?.commitment).toBe(check.recomputed.commitment);
    }
    const day = await auditor.checkAggregate({ meterId: 'm-1' }, 'day', '2025-12-30');
    expect(day.recomputed.count).toBe(11);
    expect(day.seal?.count).toBe(11);
    expect(day.sealView.children.map((c) => [c.window, c.count])).toEqual([
      ['2025-12-30T10', 4],
      ['2025-12-30T11', 3],
      ['2025-12-30T13', 4],
    ]);
  });

  it('an empty window inside a sealed one has no seal of its own (the day seal covers it)', async () => {
    for (const [level, window] of [
      ['minute', '2025-12-30T10:16'],
      ['hour', '2025-12-30T12'],
    ] as const) {
      const check = await auditor.checkAggregate({ meterId: 'm-1' }, level, window);
      expect(check).toMatchObject({ ok: true, seal: null, matchesSeal: null, recomputed: { count: 0, sum: '0', min: '', max: '' }, listed: { count: 0 } });
    }
  });

  it('a group series, from the readings its meters submitted under the group', async () => {
    const check = await auditor.checkAggregate({ group: 'site-1', meterIds: ['m-1', 'm-2'] }, 'day', '2025-12-30');
    expect(check.mismatches).toEqual([]);
    expect(check).toMatchObject({ ok: true, commitmentMatches: true, recomputed: { count: 14 } });
  });

  it('a window that is not sealed is compared with listAggregates only', async () => {
    const check = await auditor.checkAggregate({ meterId: 'm-1' }, 'month', '2025-12');
    expect(check).toMatchObject({ ok: true, matchesListed: true, seal: null, matchesSeal: null, commitmentMatches: null, recomputed: { count: 11 } });
  });

  it('names what differs when the raw readings do not add up to the seal', async () => {
    // Leave m-2's readings out of the group: the recomputation misses them.
    const check = await auditor.checkAggregate({ group: 'site-1', meterIds: ['m-1'] }, 'hour', '2025-12-30T10');
    expect(check.ok).toBe(false);
    expect(check.commitmentMatches).toBe(false);
    expect(check.mismatches.join('\n')).toMatch(/seal count 6, raw readings 4/);
    expect(check.mismatches.join('\n')).toMatch(/minute 2025-12-30T10:05: raw readings none, child seal 2/);
  });

  it('a late reading in a sealed window is rejected', async () => {
    const late = await gateway.submitReadings({ readings: [item('m-1', { time: '2025-12-30T12:30:00Z', value: '1', sequence: 11 })] });
    expect(late.outcomes[0]).toMatchObject({ status: 'rejected', code: 'WINDOW_SEALED' });
  });

  it('a window id of another level is INVALID_ARGUMENT', async () => {
    const err = await auditor.checkAggregate({ meterId: 'm-1' }, 'hour', '2025-12-30').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterledgerError);
    expect((err as MeterledgerError).code).toBe('INVALID_ARGUMENT');
  });
});

describe('followReadings', () => {
  it('hands over every accepting transaction once, across a restart from the checkpoint file', async () => {
    const checkpointFile = path.join(tmp, 'follow.json');
    const seen: FollowedReadings[] = [];
    // From the first block: the two accepting transactions of beforeAll (the duplicate-only one emitted nothing).
    const first = new AbortController();
    const one = await auditor.followReadings({ checkpointFile, startBlock: 0, signal: first.signal }, (e) => {
      seen.push(e);
      first.abort(); // stop after the first event
    });
    expect(one.events).toBe(1);
    expect(seen[0].readings).toHaveLength(6);
    expect(fs.existsSync(checkpointFile)).toBe(true);

    // Restarted with the same file (startBlock is ignored once there is a checkpoint): the next one, then new ones as they commit.
    const second = new AbortController();
    const following = auditor.followReadings({ checkpointFile, startBlock: 0, signal: second.signal }, (e) => {
      seen.push(e);
      if (seen.length === 4) second.abort();
    });
    await gateway.submitReadings({ readings: [item('m-2', { time: '2025-12-31T08:00:00Z', value: '7' })] });
    await gateway.submitReadings({ readings: [item('m-2', { time: '2025-12-31T08:01:00Z', value: '8' })] });
    expect((await following).events).toBe(3);
    expect(seen.map((e) => e.readings.length)).toEqual([6, 8, 1, 1]);
    expect(new Set(seen.map((e) => e.transactionId)).size).toBe(4);
    expect(seen.map((e) => e.blockNumber)).toEqual([...seen.map((e) => e.blockNumber)].sort((a, b) => (a < b ? -1 : 1)));
    expect(seen[0].readings[0]).toMatchObject({ meterId: 'm-1', time: '2025-12-30T10:00:00.000Z' });

    // Nothing new: a third follower gets nothing before it is stopped.
    const third = new AbortController();
    const idle = auditor.followReadings({ checkpointFile, signal: third.signal }, () => {
      throw new Error('nothing should be handed over again');
    });
    setTimeout(() => third.abort(), 50);
    expect((await idle).events).toBe(0);
  });

  it('a handler that fails leaves its event to the next run', async () => {
    const checkpointFile = path.join(tmp, 'follow-fail.json');
    await expect(
      auditor.followReadings({ checkpointFile, startBlock: 0 }, () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    const again = new AbortController();
    const seen: FollowedReadings[] = [];
    await auditor.followReadings({ checkpointFile, startBlock: 0, signal: again.signal }, (e) => {
      seen.push(e);
      again.abort();
    });
    expect(seen[0].readings).toHaveLength(6);
  });
});
