import type { WeighingTicket, WeightUnit } from '@meterledger/crypto';
import type { ChaincodeErrorCode } from './error-codes';
import type { Page } from './registry-types';

/**
 * Things a ticket shows that do not make it false: the weighing happened and the legal record keeps it,
 * marked for whoever inspects it.
 * - TERMINAL_RESTARTED: terminalRestartValue went up since the terminal's previous ticket.
 * - CELL_SUM_OUT_OF_TOLERANCE: the load cells do not sum to scaleGross within WEIGHING_LIMITS.
 */
export const TICKET_FLAGS = ['TERMINAL_RESTARTED', 'CELL_SUM_OUT_OF_TOLERANCE'] as const;
export type TicketFlag = (typeof TICKET_FLAGS)[number];

/** A ticket as its customer reads it back: the signed ticket and what the ledger recorded about it. */
export interface TicketView {
  ticket: WeighingTicket;
  /** The signed payload exactly as stored (canonical JSON of `ticket`). */
  payload: string;
  signature: string;
  signatureEncoding?: 'der' | 'raw';
  /** The salt of the stored record: with payload and signature, what a disclosure hands over (see checkDisclosure). */
  salt: string;
  /** The key version of the terminal that verified the signature. */
  keyVersion: number;
  flags: TicketFlag[];
  /** Timestamp in UTC. */
  time: string;
  txId: string;
  submittedAt: string;
  /** The MSP id of the customer whose collection holds the ticket. */
  customer: string;
}

export type TicketOutcome =
  | { ticketID: string; status: 'accepted'; flags: TicketFlag[] }
  /** The same ticket (same signed payload) is already stored: a retry; nothing changed. */
  | { ticketID: string; status: 'duplicate' }
  | { ticketID: string; status: 'rejected'; code: ChaincodeErrorCode; message: string };

export interface SubmitTicketsResult {
  txId: string;
  customer: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  outcomes: TicketOutcome[];
}

/** Grouping of groupTickets (004 §III-B.4). */
export const TICKET_GROUPINGS = ['weighbridge', 'station', 'day', 'status'] as const;
export type TicketGrouping = (typeof TICKET_GROUPINGS)[number];

/** count, and exact sum/min/max of gross and net, of one group. */
export interface TicketGroup {
  /** The weighbridge (as `station/weighbridge`), station, UTC day (YYYY-MM-DD) or scale status. */
  key: string;
  count: number;
  unit: WeightUnit;
  gross: { sum: string; min: string; max: string };
  net: { sum: string; min: string; max: string };
}

export interface TicketGroupsResult {
  by: TicketGrouping;
  groups: TicketGroup[];
  /** 'totals': from the daily totals kept at submit (filters on station, weighbridge, status, whole UTC days); 'scan': tickets read one by one. */
  source: 'totals' | 'scan';
}

export type TicketPage = Page<TicketView> & {
  /** Index entries read for this page (a page may hold fewer than pageSize hits and still have a bookmark). */
  scanned: number;
};

/** checkDisclosure: does a disclosed ticket record match what the ledger holds, and is its signature good? */
export interface DisclosureCheck {
  /** True when the record's SHA-256 equals the private data hash on the ledger and the signature verifies. */
  valid: boolean;
  /** The SHA-256 (hex) of the disclosed record's canonical bytes. */
  recordHash: string;
  /** The hash the ledger holds for the ticket's key in the customer's collection; '' when there is none. */
  ledgerHash: string;
  signatureValid: boolean;
  ticket: WeighingTicket;
  customer: string;
}

/** A truck's trip, declared by the origin's customer: both ends' net weights must match the expected one. */
export interface RouteRecord {
  routeId: string;
  vehicleId: string;
  origin: { customer: string; station: string };
  destination: { customer: string; station: string };
  expectedNet: string;
  tolerance: string;
  unit: WeightUnit;
  declaredBy: string;
  declaredAt: string;
  txId: string;
}

export type RouteEnd = 'origin' | 'destination';

/** The verdict, recorded where both customers read it once tickets of both ends are attached. */
export interface RouteVerdict {
  withinTolerance: boolean;
  /** destination net − origin net. */
  difference: string;
  checkedAt: string;
  txId: string;
}

export interface RouteView {
  route: RouteRecord;
  /** Which ends have a ticket attached (the tickets themselves stay in their customers' collections). */
  attached: { origin: boolean; destination: boolean };
  /** The caller's own end: its ticket id and net weight. */
  own?: { end: RouteEnd; ticketID: string; net: string };
  verdict: RouteVerdict | null;
}
