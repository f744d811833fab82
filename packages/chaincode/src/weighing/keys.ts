import type { TicketFlag } from '@meterledger/contract-api';
import { stateKey } from '../ledger/state-key';
import { valueKey } from '../readings/value-key';

/**
 * Keys inside a customer's tickets collection. Every index entry's value is the ticket's summary
 * (TicketSummary), so filters run on index entries alone and only a page's hits read the full ticket.
 */
export const WEIGHING_KEY_TYPES = {
  /** ticketID → the disclosure record (canonical JSON of payload, signature, salt): the hashed, provable value. */
  ticket: 'ticket',
  /** terminalSerialNumber → the last restart value accepted. */
  terminal: 'terminal',
  /** txId → what one submitTickets transaction did (station, outcomes): the customer's record of every submission. */
  submission: 'submission',
  /** day, station, weighbridge, status, unit → count and sums (the grouping totals). */
  dailyTotals: 'tk-day',
  route: 'route',
  routeLeg: 'route-leg',
  routeVerdict: 'route-verdict',
} as const;

/** The indexes a query can scan; all but gross/net are ordered by time after their equality attributes. */
export type TicketIndex = 'time' | 'station' | 'weighbridge' | 'terminal' | 'scale' | 'status' | 'cell' | 'gross' | 'net';

export function indexType(index: TicketIndex): string {
  return `tk-${index}`;
}

/** A scale status may be empty or a space (004 shows " "); key parts must be non-empty. */
export function statusPart(status: string): string {
  return `=${status}`;
}

export function ticketKey(ticketID: string): string {
  return stateKey(WEIGHING_KEY_TYPES.ticket, [ticketID]);
}

export function submissionKey(txId: string): string {
  return stateKey(WEIGHING_KEY_TYPES.submission, [txId]);
}

export function terminalKey(terminal: string): string {
  return stateKey(WEIGHING_KEY_TYPES.terminal, [terminal]);
}

export function dailyTotalsKey(day: string, station: string, weighbridge: string, status: string, unit: string): string {
  return stateKey(WEIGHING_KEY_TYPES.dailyTotals, [day, station, weighbridge, statusPart(status), unit]);
}

/** What every index entry holds: the attributes filters and groupings look at. */
export interface TicketSummary {
  id: string;
  /** UTC time, fixed width, so string order is time order. */
  time: string;
  station: string;
  weighbridge: string;
  terminal: string;
  scale: string;
  status: string;
  gross: string;
  net: string;
  unit: string;
  cells: string[];
  flags: TicketFlag[];
  /** What the ledger recorded about the ticket besides its signed record (the summary is the one copy). */
  keyVersion: number;
  txId: string;
  submittedAt: string;
}

/** A ticket's entry in the time index: where getTicket finds its summary from the record's timestamp. */
export function timeIndexKey(time: string, ticketID: string): string {
  return stateKey(indexType('time'), [time, ticketID]);
}

/** Every index key of a ticket (one per index; one per load cell for the cell index). */
export function indexKeys(s: TicketSummary): string[] {
  const at = [s.time, s.id];
  return [
    timeIndexKey(s.time, s.id),
    stateKey(indexType('station'), [s.station, ...at]),
    stateKey(indexType('weighbridge'), [s.station, s.weighbridge, ...at]),
    stateKey(indexType('terminal'), [s.terminal, ...at]),
    stateKey(indexType('scale'), [s.scale, ...at]),
    stateKey(indexType('status'), [statusPart(s.status), ...at]),
    ...s.cells.map((cell) => stateKey(indexType('cell'), [cell, ...at])),
    stateKey(indexType('gross'), [valueKey(s.gross), ...at]),
    stateKey(indexType('net'), [valueKey(s.net), ...at]),
  ];
}

export function routeKey(routeId: string): string {
  return stateKey(WEIGHING_KEY_TYPES.route, [routeId]);
}

export function routeLegKey(routeId: string, end: 'origin' | 'destination'): string {
  return stateKey(WEIGHING_KEY_TYPES.routeLeg, [routeId, end]);
}

export function routeVerdictKey(routeId: string): string {
  return stateKey(WEIGHING_KEY_TYPES.routeVerdict, [routeId]);
}
