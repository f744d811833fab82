import type { ReadingRecord } from '@meterledger/contract-api';
import { analyseReadings } from './report';

function reading(time: string, over: Partial<ReadingRecord> = {}): ReadingRecord {
  return {
    meterId: 'm-1', time, deviceTime: time, value: '1', unit: 'Wh', sequence: null, format: 'meterledger-v1', index: 0, payload: '{}',
    digest: time, keyVersion: 1, cumulative: true, txId: `tx-${time}`, submittedBy: { mspId: 'OperatorMSP', id: 'x' }, submittedAt: time, ...over,
  } as ReadingRecord;
}

describe('analyseReadings', () => {
  it('chain resets, key rotations, future device times', () => {
    const readings = [
      reading('2026-01-01T10:00:00.000Z', { sequence: 1, chain: { hash: 'a', previous: '0'.repeat(64) } }),
      reading('2026-01-01T10:01:00.000Z', { sequence: 2, chain: { hash: 'b', previous: 'a' } }),
      reading('2026-01-01T10:02:00.000Z', { sequence: 1, chain: { hash: 'c', previous: '0'.repeat(64) }, reset: 'chain' }),
      reading('2026-01-01T10:03:00.000Z', { sequence: 2, keyVersion: 2, reset: 'key-rotation', submittedAt: '2026-01-01T10:02:30.000Z' }),
      reading('2026-01-01T10:04:00.000Z', { sequence: 3, keyVersion: 2, submittedAt: '2026-01-01T10:44:00.000Z' }),
    ];
    const verifications = readings.map((r, i) => ({ valid: i !== 1, meterId: r.meterId, time: r.time, keyVersion: r.keyVersion, ...(i === 1 ? { reason: 'SIGNATURE_MISMATCH' as const } : {}) }));
    const report = analyseReadings('m-1', { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' }, readings, verifications, { expectedIntervalMs: 60_000 });
    expect(report.verificationFailures).toEqual([{ reading: expect.objectContaining({ time: readings[1].time }), keyVersion: 1, reason: 'SIGNATURE_MISMATCH' }]);
    // The restarted chain restarts the numbering: a reset, not a sequence gap.
    expect(report.gaps).toEqual([{ kind: 'chain-reset', after: expect.objectContaining({ sequence: 2 }), before: expect.objectContaining({ sequence: 1, time: readings[2].time }) }]);
    expect(report.resets.map((r) => [r.kind, r.reading.time])).toEqual([['chain', readings[2].time], ['key-rotation', readings[3].time]]);
    expect(report.keyChanges).toEqual([{ from: 1, to: 2, at: expect.objectContaining({ time: readings[3].time }) }]);
    expect(report.clockProblems.map((c) => [c.kind, c.delayMs / 1000])).toEqual([['future', -30], ['late', 2400]]);
    expect(analyseReadings('m-1', { from: '', to: '' }, readings, undefined, { maxFutureMs: 60_000, maxSubmissionDelayMs: 3_600_000 }).clockProblems).toEqual([]);
  });

  it('no readings', () => {
    expect(analyseReadings('m-1', { from: 'a', to: 'b' }, [], [])).toMatchObject({ readings: 0, first: null, last: null, gaps: [] });
  });
});
