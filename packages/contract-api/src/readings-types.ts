import type { SignedReadingFormat } from '@meterledger/crypto';
import type { Actor } from './registry-types';

/** The five aggregate windows of 001: prefixes of the UTC time. */
export type WindowLevel = 'minute' | 'hour' | 'day' | 'month' | 'year';

/** Whose aggregates: one meter, or a group of meters (a gateway's site) named at submission. */
export type Series = { meterId: string; group?: undefined } | { group: string; meterId?: undefined };

/** A reading as the ledger holds it: the facts interpreted from the signed message, and the message itself. */
export interface ReadingRecord {
  meterId: string;
  /** UTC, millisecond precision: `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  time: string;
  /** The time text exactly as the device signed it. */
  deviceTime: string;
  /** Canonical decimal string with the stated scale. */
  value: string;
  unit: string;
  sequence: number | null;
  format: SignedReadingFormat;
  /** Index of the reading inside its signed message (OCMF RD[i]); 0 otherwise. */
  index: number;
  /** The signed message exactly as received; verify it offline with the key of `keyVersion`. */
  payload: string;
  /** For formats whose time has no offset (Tasmota): the offset the submitter declared. */
  utcOffset?: string;
  /** Hex SHA-256 of the signed bytes: the reading's identity. */
  digest: string;
  keyVersion: number;
  /** A cumulative register (energy total) that never decreases under one key. */
  cumulative: boolean;
  chain?: { hash: string; previous: string };
  /** Set when this reading starts a new history: a chain restarted with a zero `previous`, or a cumulative register that fell after a key rotation. */
  reset?: 'chain' | 'key-rotation';
  group?: string;
  txId: string;
  submittedBy: Actor;
  submittedAt: string;
}

export type ReadingRejection =
  | 'MALFORMED_READING'
  | 'METER_ID_MISMATCH'
  | 'UNKNOWN_METER'
  | 'METER_REVOKED'
  | 'NO_KEY_VALID_AT_TIME'
  | 'MALFORMED_SIGNATURE'
  | 'KEY_SCHEME_MISMATCH'
  | 'SIGNATURE_MISMATCH'
  | 'CLOCK_SKEW'
  | 'READING_CONFLICT'
  | 'SEQUENCE_REPLAYED'
  | 'OUT_OF_ORDER'
  | 'CHAIN_GAP'
  | 'TOTAL_DECREASED'
  | 'WINDOW_SEALED';

/** The outcome of one reading of a submitReadings batch. */
export interface ReadingOutcome {
  /** Position of the item in the request. */
  item: number;
  /** Index of the reading inside the item's signed message (OCMF RD[i]); 0 otherwise. */
  index: number;
  status: 'accepted' | 'duplicate' | 'rejected';
  meterId?: string;
  time?: string;
  digest?: string;
  code?: ReadingRejection;
  message?: string;
}

export interface SubmitReadingsResult {
  txId: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  outcomes: ReadingOutcome[];
}

/** The payload of the `ReadingsAccepted` chaincode event (one per transaction that accepted any reading). */
export interface ReadingsAcceptedEvent {
  txId: string;
  submittedAt: string;
  readings: { meterId: string; time: string; digest: string }[];
}
export const READINGS_ACCEPTED_EVENT = 'ReadingsAccepted';

/** An aggregate over a window or a range; `avg` is the exact mean rounded half-to-even to `decimals` places ('' when count is 0). */
export interface AggregateValue {
  sum: string;
  count: number;
  /** '' when count is 0. */
  min: string;
  max: string;
  avg: string;
}

export interface WindowAggregate extends AggregateValue {
  series: string;
  level: WindowLevel;
  window: string;
  start: string;
  end: string;
  /** Read from the window's seal (true) or merged from per-transaction partial aggregates (false). */
  sealed: boolean;
  /** The seal's commitment (see readingsCommitment / windowsCommitment); absent when not sealed. */
  commitment?: string;
}

export interface RangeAggregate extends AggregateValue {
  series: string;
  from: string;
  to: string;
  /** What the query read: aggregate windows (sealed or merged), partial aggregates, raw readings at the edges. */
  cost: { windows: number; sealedWindows: number; partials: number; rawReadings: number };
}

export interface CountResult {
  series: string;
  at: string;
  /** Readings with time < at. */
  before: number;
  /** Readings with at <= time < until. */
  after: number;
  /** The end of the `after` count: the transaction time plus the future skew a reading may have. */
  until: string;
  cost: RangeAggregate['cost'];
}

/** A sealed window: its aggregate, frozen, and a hash commitment over exactly what it covers. */
export interface WindowSeal {
  series: string;
  level: WindowLevel;
  window: string;
  sum: string;
  count: number;
  min: string;
  max: string;
  /** minute: readingsCommitment of its readings; coarser: windowsCommitment of its non-empty child seals. */
  commitment: string;
  sealedBy: string;
  sealedAt: string;
}

export interface SealResult {
  series: string;
  /** The sealed range of the series is [from, until) after this transaction. */
  from: string;
  until: string;
  windowsSealed: number;
  readingsCovered: number;
  /** True when the work budget of one transaction stopped short of the requested `until`: call again. */
  more: boolean;
}

export interface ReadingsAtResult {
  readings: ReadingRecord[];
  /** Requested times with no reading. */
  missing: string[];
}
