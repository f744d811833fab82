import type { ReadingOutcome } from '@meterledger/contract-api';
import type { SignedReadingFormat } from '@meterledger/crypto';

/** The recorded outcome of one reading the gateway submitted (an OCMF message may hold several readings). */
export interface GatewayOutcome {
  /** The queue sequence number of the item (what enqueue returned). */
  seq: number;
  /** Index of the reading inside the item's signed message (OCMF RD[i]); 0 otherwise. */
  index: number;
  format: SignedReadingFormat;
  status: ReadingOutcome['status'];
  meterId?: string;
  /** UTC time of the reading, as the ledger keys it. */
  time?: string;
  /** Hex SHA-256 of the signed bytes. */
  digest?: string;
  /** For `rejected`: the chaincode's code (SIGNATURE_MISMATCH, ...), or INVALID_ARGUMENT for an item the contract refused whole. */
  code?: string;
  message?: string;
  /** The transaction that decided it. */
  txId: string;
  /**
   * The item had been handed to an earlier submission whose result was lost (a crash, a lost commit
   * status). A `duplicate` then most likely is that earlier submission's own acceptance.
   */
  resubmitted: boolean;
  enqueuedAt: string;
  decidedAt: string;
}

/** One committed submitReadings transaction. */
export interface BatchReport {
  txId: string;
  blockNumber: bigint;
  items: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Submissions it took (1 = first try). */
  attempts: number;
  durationMs: number;
}

export interface RetryReport {
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  code: string;
  validationCode?: string;
  transactionId?: string;
  message: string;
  items: number;
}

export interface BatchFailure {
  code: string;
  message: string;
  items: number;
  /** The readings stay queued; submissions pause for this long. */
  holdMs: number;
}

export interface ProgressReport {
  /** Items queued and not yet decided (including those in flight). */
  queued: number;
  batchesInFlight: number;
  /** Since the gateway was opened. */
  enqueued: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  batches: number;
  retries: number;
  /** Readings decided per second since the previous report. */
  decidedPerSecond: number;
  enqueuedPerSecond: number;
}

export interface GatewayLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface GatewayEvents {
  outcome: [GatewayOutcome];
  batch: [BatchReport];
  retry: [RetryReport];
  batchFailed: [BatchFailure];
  progress: [ProgressReport];
}
