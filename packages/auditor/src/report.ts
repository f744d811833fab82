import type { ReadingRecord } from '@meterledger/contract-api';
import { parseRfc3339 } from '@meterledger/crypto';
import type { OfflineVerification } from './verification';

/** What `report` looks for, and how strictly. */
export interface ReportOptions {
  /**
   * The interval at which the meter is expected to report (ms). Consecutive readings further apart than
   * this are a time gap. Omitted: no time gaps are reported.
   */
  expectedIntervalMs?: number;
  /**
   * The largest delay between the device time of a reading and its submission that is not a clock
   * problem (ms); default 15 minutes. A gateway that was offline submits a backlog late: raise this then.
   */
  maxSubmissionDelayMs?: number;
  /** Device times after the submission by more than this (ms) are clock problems; default 0. */
  maxFutureMs?: number;
  /** Verify every reading offline (default true). */
  verify?: boolean;
}

export const DEFAULT_MAX_SUBMISSION_DELAY_MS = 15 * 60_000;

export type Gap =
  | { kind: 'sequence'; after: ReadingRef; before: ReadingRef; missing: number }
  | { kind: 'chain-reset'; after: ReadingRef | null; before: ReadingRef }
  | { kind: 'time'; after: ReadingRef; before: ReadingRef; gapMs: number };

export interface Reset {
  /** `chain`: a chained meter restarted its chain; `key-rotation`: a cumulative register fell after a key rotation. */
  kind: 'chain' | 'key-rotation';
  reading: ReadingRef;
}

export interface KeyChange {
  from: number;
  to: number;
  at: ReadingRef;
}

export interface ClockProblem {
  /** `late`: submitted more than maxSubmissionDelayMs after the device time; `future`: device time after the submission. */
  kind: 'late' | 'future';
  reading: ReadingRef;
  deviceTime: string;
  submittedAt: string;
  /** submittedAt − time, ms (negative: the device time is in the future of its submission). */
  delayMs: number;
}

/** Enough to find a reading again (getReadingsAt) and to name it in a report. */
export interface ReadingRef {
  time: string;
  sequence: number | null;
  digest: string;
  txId: string;
}

export interface AuditReport {
  meterId: string;
  from: string;
  to: string;
  readings: number;
  /** Readings checked offline (0 when `verify: false`). */
  verified: number;
  /** Readings whose signature did not verify offline, with the reason. */
  verificationFailures: { reading: ReadingRef; keyVersion: number; reason: string }[];
  gaps: Gap[];
  resets: Reset[];
  keyChanges: KeyChange[];
  clockProblems: ClockProblem[];
  first: ReadingRef | null;
  last: ReadingRef | null;
}

export function refOf(r: ReadingRecord): ReadingRef {
  return { time: r.time, sequence: r.sequence, digest: r.digest, txId: r.txId };
}

const ms = (time: string) => parseRfc3339(time).epochMs;

/**
 * The audit of one meter's readings (oldest first, as listReadings returns them), with their offline
 * verifications (same order; omitted when not verified). Pure: the AuditorClient fetches, this judges.
 */
export function analyseReadings(
  meterId: string,
  range: { from: string; to: string },
  readings: readonly ReadingRecord[],
  verifications: readonly OfflineVerification[] | undefined,
  options: ReportOptions = {},
): AuditReport {
  const maxDelay = options.maxSubmissionDelayMs ?? DEFAULT_MAX_SUBMISSION_DELAY_MS;
  const maxFuture = options.maxFutureMs ?? 0;
  const report: AuditReport = {
    meterId,
    from: range.from,
    to: range.to,
    readings: readings.length,
    verified: verifications?.length ?? 0,
    verificationFailures: [],
    gaps: [],
    resets: [],
    keyChanges: [],
    clockProblems: [],
    first: readings.length ? refOf(readings[0]) : null,
    last: readings.length ? refOf(readings[readings.length - 1]) : null,
  };
  verifications?.forEach((v, i) => {
    if (!v.valid) report.verificationFailures.push({ reading: refOf(readings[i]), keyVersion: readings[i].keyVersion, reason: v.reason ?? 'INVALID' });
  });

  let previous: ReadingRecord | undefined;
  for (const r of readings) {
    const ref = refOf(r);
    if (r.reset) report.resets.push({ kind: r.reset, reading: ref });
    if (r.reset === 'chain') report.gaps.push({ kind: 'chain-reset', after: previous ? refOf(previous) : null, before: ref });
    if (previous) {
      if (r.sequence !== null && previous.sequence !== null && r.sequence > previous.sequence + 1 && r.reset !== 'chain') {
        report.gaps.push({ kind: 'sequence', after: refOf(previous), before: ref, missing: r.sequence - previous.sequence - 1 });
      }
      const gapMs = ms(r.time) - ms(previous.time);
      if (options.expectedIntervalMs !== undefined && gapMs > options.expectedIntervalMs) {
        report.gaps.push({ kind: 'time', after: refOf(previous), before: ref, gapMs });
      }
      if (r.keyVersion !== previous.keyVersion) report.keyChanges.push({ from: previous.keyVersion, to: r.keyVersion, at: ref });
    }
    const delayMs = ms(r.submittedAt) - ms(r.time);
    if (delayMs < -maxFuture) report.clockProblems.push({ kind: 'future', reading: ref, deviceTime: r.deviceTime, submittedAt: r.submittedAt, delayMs });
    else if (delayMs > maxDelay) report.clockProblems.push({ kind: 'late', reading: ref, deviceTime: r.deviceTime, submittedAt: r.submittedAt, delayMs });
    previous = r;
  }
  return report;
}
