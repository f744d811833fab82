import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditorClient, type FollowedReadings } from '@meterledger/auditor';
import { TRANSPORT_ENV } from '@meterledger/client';
import { aggregateOf, compareDecimals, type ReadingRecord, type SubmittedReading } from '@meterledger/contract-api';
import { canonicalJson, encodeReadingV1, generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import { authority, closeAll, connection, softwareProver, uniqueId } from './support';

/**
 * The auditor on the live network: the Operator org's gateway identity submits signed meterledger-v1
 * readings of a meter registered and approved by both authorities; auditors (role auditor) of the Operator
 * org and of PTB query them. Q1–Q4 and the window aggregates are checked against a brute force over the
 * meter's history (listReadings), every reading is verified offline with the key from the registry's key
 * history and on chain, the report over the period is clean, sealed windows are recomputed from the raw
 * readings (aggregate and commitment), and a follower of ReadingsAccepted events restarted from its
 * checkpoint file neither misses nor repeats a reading.
 *
 * Gateway transport only: followReadings needs fabric-gateway's chaincode events (scripts/test-integration.sh
 * leaves this file out of the fabric-network run; run by hand under fabric-network, it skips).
 */
jest.setTimeout(300_000);

const gatewayTransport = (process.env[TRANSPORT_ENV] ?? 'gateway') === 'gateway';
const describeGateway = gatewayTransport ? describe : describe.skip;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'auditor-it-'));

function v1(signer: SoftwareSigner, meterId: string, time: string, value: string, sequence: number): SubmittedReading {
  const fields = { meterId, time, value, unit: 'Wh', sequence };
  const signature = Buffer.from(signer.sign(encodeReadingV1(fields))).toString('base64');
  return { format: 'meterledger-v1', payload: canonicalJson({ format: 'meterledger-v1', ...fields, scheme: signer.scheme, signature }) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let gateway: AuditorClient;
let operatorAuditor: AuditorClient;
let ptbAuditor: AuditorClient;
let signer: SoftwareSigner;
let meterId: string;
let activatedAt: string;
const group = uniqueId('site');
/** Readings from just after the key's activation (a key is valid from its activation on) until before their submission. */
let times: string[] = [];
const N = 30;
const valueOf = (i: number) => (100 + i * 1.25).toFixed(2); // cumulative Wh: never decreasing

async function history(client: AuditorClient): Promise<ReadingRecord[]> {
  const out: ReadingRecord[] = [];
  for await (const r of client.listAllReadings({ meterId, pageSize: 7 })) out.push(r);
  return out;
}

const agg = (a: { sum: string; count: number; min: string; max: string }) => ({ sum: a.sum, count: a.count, min: a.min, max: a.max });

describeGateway('the auditor on the live network', () => {
  beforeAll(async () => {
    const ptb = await authority('PTB', 'registrar');
    const inmetro = await authority('Inmetro', 'registrar');
    meterId = uniqueId('aud-meter');
    signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const metadata = { manufacturer: 'ACME', model: 'E350', serial: meterId, typeApprovalRef: 'PTB-22.11-4711' };
    await ptb.registerWithPossession({ meterId, scheme: signer.scheme, publicKey: signer.publicKey, metadata, prover: softwareProver(signer) });
    const active = await inmetro.approveWithPossession({ meterId, prover: softwareProver(signer) });
    activatedAt = active.keys[0].validFrom as string;
    // Readings a quarter second apart between the activation and their submission (as a meter's backlog).
    const start = Math.ceil(Date.parse(activatedAt) / 1000) * 1000 + 250;
    times = Array.from({ length: N }, (_, i) => new Date(start + i * 250).toISOString());
    await sleep(Math.max(0, Date.parse(times[N - 1]) + 500 - Date.now()));

    gateway = new AuditorClient(await connection('Operator', 'gateway'));
    operatorAuditor = new AuditorClient(await connection('Operator', 'auditor'));
    ptbAuditor = new AuditorClient(await connection('PTB', 'auditor'));

    // Two transactions (the follower test restarts between them).
    const half = N / 2;
    const first = await gateway.submitReadings({ readings: times.slice(0, half).map((t, i) => v1(signer, meterId, t, valueOf(i), i + 1)), group });
    expect(first.outcomes.filter((o) => o.status !== 'accepted')).toEqual([]);
    expect(first).toMatchObject({ accepted: half, rejected: 0, duplicates: 0 });
    const second = await gateway.submitReadings({ readings: times.slice(half).map((t, i) => v1(signer, meterId, t, valueOf(half + i), half + i + 1)), group });
    expect(second).toMatchObject({ accepted: N - half, rejected: 0, duplicates: 0 });
    // The same signed readings again: duplicates, never counted twice.
    expect(await gateway.submitReadings({ readings: [v1(signer, meterId, times[0], valueOf(0), 1)], group })).toMatchObject({ accepted: 0, duplicates: 1 });
  });
  afterAll(() => {
    closeAll();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("the meter's history, page by page, the same for auditors of two orgs", async () => {
    const readings = await history(operatorAuditor);
    expect(readings.map((r) => r.time)).toEqual(times.map((t) => new Date(t).toISOString()));
    expect(readings.map((r) => r.value)).toEqual(times.map((_, i) => valueOf(i)));
    expect(readings.map((r) => r.sequence)).toEqual(times.map((_, i) => i + 1));
    expect(readings.every((r) => r.meterId === meterId && r.unit === 'Wh' && r.keyVersion === 1 && r.group === group && r.submittedBy.mspId === 'OperatorMSP')).toBe(true);
    expect(await history(ptbAuditor)).toEqual(readings);
    // A sub-range of the history.
    const part: ReadingRecord[] = [];
    for await (const r of ptbAuditor.listAllReadings({ meterId, from: readings[5].time, to: readings[9].time, pageSize: 2 })) part.push(r);
    expect(part).toEqual(readings.slice(5, 9));
  });

  it('Q1–Q4 equal a brute force over the history, for a meter and its group', async () => {
    const readings = await history(operatorAuditor);
    const t = (i: number) => readings[i].time;

    // Q1: readings at given instants, and the instants with none.
    const none = new Date(Date.parse(t(0)) + 1).toISOString();
    const q1 = await ptbAuditor.getReadingsAt({ meterId, times: [t(3), t(0), none] });
    expect(q1.readings).toEqual([readings[0], readings[3]]);
    expect(q1.missing).toEqual([none]);

    // Q2: above < value < below in [from, to), through the value index.
    const [from, to] = [t(2), t(N - 3)];
    const found: ReadingRecord[] = [];
    for await (const r of operatorAuditor.findAllReadingsByValue({ meterId, from, to, above: '105', below: '120', pageSize: 4 })) found.push(r);
    const expected = readings.filter((r) => r.time >= from && r.time < to && compareDecimals(r.value, '105') > 0 && compareDecimals(r.value, '120') < 0);
    expect(expected.length).toBeGreaterThan(4);
    expect(found.map((r) => r.digest).sort()).toEqual(expected.map((r) => r.digest).sort());

    // Q3: sum, count, min, max over [from, to), meter and group (the group has only this meter).
    const ranges: [string, string][] = [
      [from, to],
      [t(0), new Date(Date.parse(t(N - 1)) + 1).toISOString()],
      [new Date(Date.parse(t(0)) - 86_400_000).toISOString(), new Date(Date.parse(t(0)) + 86_400_000).toISOString()],
      [t(4), t(5)],
    ];
    for (const [f, u] of ranges) {
      const want = aggregateOf(readings.filter((r) => r.time >= f && r.time < u).map((r) => r.value));
      expect(agg(await ptbAuditor.aggregateRange({ meterId, from: f, to: u }))).toEqual(want);
      expect(agg(await operatorAuditor.aggregateRange({ group, from: f, to: u }))).toEqual(want);
    }

    // Q4: before and from `at` on.
    for (const at of [t(0), t(11), none, new Date(Date.parse(t(N - 1)) + 60_000).toISOString()]) {
      const want = [readings.filter((r) => r.time < at).length, readings.filter((r) => r.time >= at).length];
      const q4 = await operatorAuditor.countReadings({ meterId, at });
      expect([q4.before, q4.after]).toEqual(want);
      const q4group = await ptbAuditor.countReadings({ group, at });
      expect([q4group.before, q4group.after]).toEqual(want);
    }
  });

  it('the window aggregates: one per window, empty windows included, equal to the history', async () => {
    const readings = await history(ptbAuditor);
    const minuteOf = (time: string) => time.slice(0, 16);
    const from = new Date(Date.parse(minuteOf(readings[0].time) + ':00Z') - 60_000).toISOString();
    const to = new Date(Date.parse(minuteOf(readings[N - 1].time) + ':00Z') + 120_000).toISOString();
    const minutes = [];
    for await (const a of ptbAuditor.listAllAggregates({ meterId, level: 'minute', from, to, pageSize: 2 })) minutes.push(a);
    const expected: { window: string; count: number }[] = [];
    for (let m = Date.parse(from); m < Date.parse(to); m += 60_000) {
      const id = new Date(m).toISOString().slice(0, 16);
      expected.push({ window: id, count: readings.filter((r) => minuteOf(r.time) === id).length });
    }
    expect(minutes.map((a) => ({ window: a.window, count: a.count }))).toEqual(expected);
    for (const a of minutes) expect(agg(a)).toEqual(aggregateOf(readings.filter((r) => minuteOf(r.time) === a.window).map((r) => r.value)));
    const hour = readings[0].time.slice(0, 13);
    const hours = [];
    for await (const a of operatorAuditor.listAllAggregates({ group, level: 'hour', from: `${hour}:00:00Z`, to: new Date(Date.parse(`${hour}:00:00Z`) + 3_600_000).toISOString() })) hours.push(a);
    expect(hours).toHaveLength(1);
    expect(agg(hours[0])).toEqual(aggregateOf(readings.filter((r) => r.time.startsWith(hour)).map((r) => r.value)));
  });

  it("verifyOffline with the key from the registry's history, and verifyOnChain", async () => {
    const readings = await history(ptbAuditor);
    const keys = await ptbAuditor.getKeyHistory(meterId);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ version: 1, scheme: signer.scheme, validFrom: activatedAt, validTo: null });
    for (const r of readings) {
      expect(await ptbAuditor.verifyOffline(r)).toEqual({ valid: true, meterId, time: r.time, keyVersion: 1, digestMatches: true });
    }
    for (const r of readings.slice(0, 3)) expect(await operatorAuditor.verifyOnChain(r)).toMatchObject({ meterId, valid: true, keyVersion: 1 });

    const r = readings[4];
    // A tampered payload: the signature no longer verifies, offline or on chain.
    const tampered = { ...r, payload: r.payload.replace(`"value":"${r.value}"`, '"value":"999.99"') };
    expect(tampered.payload).not.toBe(r.payload);
    expect(await ptbAuditor.verifyOffline(tampered)).toMatchObject({ valid: false, reason: 'SIGNATURE_MISMATCH', digestMatches: false });
    expect(await ptbAuditor.verifyOnChain(tampered)).toMatchObject({ valid: false, reason: 'SIGNATURE_MISMATCH' });
    // A record whose facts are not what the meter signed (the payload intact): caught offline.
    expect(await ptbAuditor.verifyOffline({ ...r, value: '999.99' })).toMatchObject({ valid: false, reason: 'FACTS_MISMATCH' });
    expect(await ptbAuditor.verifyOffline({ ...r, time: readings[5].time })).toMatchObject({ valid: false, reason: 'FACTS_MISMATCH' });
    // A key version the registry does not know, or a time before the key was valid.
    expect(await ptbAuditor.verifyOffline({ ...r, keyVersion: 2 })).toMatchObject({ valid: false, reason: 'UNKNOWN_KEY_VERSION' });
  });

  it('the report over the period: every reading verified, no gaps, resets or clock problems', async () => {
    const readings = await history(operatorAuditor);
    const report = await operatorAuditor.report(meterId, readings[0].time, new Date(Date.now() + 60_000).toISOString(), { expectedIntervalMs: 60_000 });
    expect(report).toMatchObject({
      meterId,
      readings: N,
      verified: N,
      verificationFailures: [],
      gaps: [],
      resets: [],
      keyChanges: [],
      clockProblems: [],
      first: { time: readings[0].time, sequence: 1, digest: readings[0].digest },
      last: { time: readings[N - 1].time, sequence: N, digest: readings[N - 1].digest },
    });
    // Half the period: half the readings.
    expect(await ptbAuditor.report(meterId, readings[0].time, readings[10].time)).toMatchObject({ readings: 10, verified: 10, verificationFailures: [] });
  });

  it('seals the closed windows; checkAggregate recomputes them from raw readings, aggregate and commitment', async () => {
    const readings = await history(ptbAuditor);
    // sealWindows seals only what ended READINGS_LIMITS.sealGraceMs (60 s) before the transaction: wait for the readings' last minute.
    const lastMinuteEnd = Date.parse(readings[N - 1].time.slice(0, 16) + ':00Z') + 60_000;
    await sleep(Math.max(0, lastMinuteEnd + 61_000 - Date.now()));
    let more = true;
    while (more) ({ more } = await operatorAuditor.sealWindows({ meterId, until: new Date().toISOString() }));
    more = true;
    while (more) ({ more } = await gateway.sealWindows({ group, until: new Date().toISOString() }));

    const minutes = [...new Set(readings.map((r) => r.time.slice(0, 16)))];
    for (const minute of minutes) {
      const check = await ptbAuditor.checkAggregate({ meterId }, 'minute', minute);
      expect({ minute, mismatches: check.mismatches }).toEqual({ minute, mismatches: [] });
      expect(check).toMatchObject({ ok: true, matchesListed: true, matchesSeal: true, commitmentMatches: true });
      expect(check.seal?.commitment).toBe(check.recomputed.commitment);
      expect(check.recomputed.count).toBe(readings.filter((r) => r.time.startsWith(minute)).length);
      expect(check.sealView.readings.map((c) => c.digest).sort()).toEqual(readings.filter((r) => r.time.startsWith(minute)).map((r) => r.digest).sort());
      const forGroup = await operatorAuditor.checkAggregate({ group, meterIds: [meterId] }, 'minute', minute);
      expect(forGroup.mismatches).toEqual([]);
      expect(forGroup).toMatchObject({ ok: true, commitmentMatches: true });
    }
    // The hour is still open (not sealed) or sealed; either way it agrees with the raw readings.
    const hour = await ptbAuditor.checkAggregate({ meterId }, 'hour', readings[0].time.slice(0, 13));
    expect(hour.mismatches).toEqual([]);
    expect(hour.ok).toBe(true);
    expect(hour.recomputed.count).toBe(readings.filter((r) => r.time.startsWith(readings[0].time.slice(0, 13))).length);
    if (hour.seal) expect(hour.commitmentMatches).toBe(true);

    // Leaving readings out of the recomputation is caught: the seal's commitment covers exactly the readings.
    const partial = await ptbAuditor.checkAggregate({ group, meterIds: [] }, 'minute', minutes[0]);
    expect(partial.ok).toBe(false);
    expect(partial.commitmentMatches).toBe(false);

  });

  it('followReadings with a file checkpoint: a restart misses and repeats no reading', async () => {
    const checkpointFile = path.join(tmp, 'checkpoint.json');
    const mine = (e: FollowedReadings) => e.readings.filter((r) => r.meterId === meterId);
    const seen: FollowedReadings[] = [];

    // First run, from the start of the chain: stop after the first transaction of ours.
    const first = new AbortController();
    const one = await operatorAuditor.followReadings({ checkpointFile, startBlock: 0n, signal: first.signal }, (e) => {
      if (mine(e).length === 0) return;
      seen.push(e);
      first.abort();
    });
    expect(one.events).toBeGreaterThanOrEqual(1);
    expect(seen).toHaveLength(1);
    expect(fs.existsSync(checkpointFile)).toBe(true);

    // While the follower is down, more readings are accepted.
    const next = Date.now() - 5000; // after the sealed windows, before the submission
    const extra = Array.from({ length: 5 }, (_, i) => v1(signer, meterId, new Date(next + i * 1000).toISOString(), valueOf(N + i), N + 1 + i));
    expect(await gateway.submitReadings({ readings: extra, group })).toMatchObject({ accepted: 5, rejected: 0 });
    const all = await history(ptbAuditor);
    expect(all).toHaveLength(N + 5);

    // Restarted with the same file (startBlock is ignored once there is a checkpoint): the rest, each once.
    const second = new AbortController();
    const count = () => seen.reduce((n, e) => n + mine(e).length, 0);
    await operatorAuditor.followReadings({ checkpointFile, startBlock: 0n, signal: second.signal }, (e) => {
      if (mine(e).length === 0) return;
      seen.push(e);
      if (count() >= all.length) second.abort();
    });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((e) => e.transactionId)).size).toBe(3);
    expect(seen.map((e) => e.blockNumber)).toEqual([...seen.map((e) => e.blockNumber)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const followed = seen.flatMap((e) => mine(e));
    expect(followed.map((r) => `${r.time} ${r.digest}`)).toEqual(all.map((r) => `${r.time} ${r.digest}`));
    expect(seen.map((e) => e.transactionId)).toEqual([...new Set(all.map((r) => r.txId))]);

    // A third run from the same file hands over nothing of ours again before it is stopped.
    const third = new AbortController();
    const idle = operatorAuditor.followReadings({ checkpointFile, signal: third.signal }, (e) => {
      if (mine(e).length > 0) throw new Error(`repeated transaction ${e.transactionId}`);
    });
    setTimeout(() => third.abort(), 3000);
    await idle;
  });
});
