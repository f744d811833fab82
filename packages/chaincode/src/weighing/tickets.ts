import {
  CryptoError,
  encodeTicketDisclosure,
  parseRfc3339,
  parseSignedTicket,
  sha256,
  ticketIdTime,
  type WeighingTicket,
} from '@meterledger/crypto';
import {
  WEIGHING_LIMITS,
  addDecimals,
  compareDecimals,
  errorCodeForCryptoError,
  mergeAggregates,
  aggregateOf,
  type Aggregate,
  type ChaincodeErrorCode,
  type SubmitTicketsResult,
  type TicketFlag,
  type TicketOutcome,
  type TicketView,
} from '@meterledger/contract-api';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import type { PrivateStore } from '../ledger/private-store';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireRole } from '../registry/access';
import { actorOf } from '../registry/actor';
import { checkMeterSignature, meterKeyAt, MeterSignatureError } from '../registry/meter-signature';
import { readMeter } from '../registry/meters';
import type { Request } from '../registry/requests';
import type { MeterRecord } from '../registry/types';
import { privateDataError, stationOf, ticketReader } from './access';
import { ticketsCollection } from './collections';
import { dailyTotalsKey, indexKeys, submissionKey, terminalKey, ticketKey, timeIndexKey, type TicketSummary } from './keys';

/** What the ledger records about a ticket besides its disclosable record; kept in its index summaries. */
type Recorded = Pick<TicketSummary, 'keyVersion' | 'txId' | 'submittedAt'>;

/** A terminal's last accepted restart counter. */
interface TerminalState {
  restartValue: number;
  ticketID: string;
}

/** count and exact sums of one (day, station, weighbridge, status, unit): what groupTickets reads when it can. */
export interface DailyTotals {
  gross: Aggregate;
  net: Aggregate;
}

class TicketRejection extends Error {
  constructor(
    readonly code: ChaincodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function reject(code: ChaincodeErrorCode, message: string): never {
  throw new TicketRejection(code, message);
}

/** Per-transaction memory: a transaction does not see its own writes, so what it decided lives here. */
class Batch {
  readonly records = new Map<string, Uint8Array>();
  readonly terminals = new Map<string, TerminalState | undefined>();
  readonly meters = new Map<string, MeterRecord | undefined>();
  readonly totals = new Map<string, DailyTotals>();

  constructor(
    readonly state: StateStore,
    readonly store: PrivateStore,
    readonly collection: string,
  ) {}

  async meter(id: string): Promise<MeterRecord | undefined> {
    if (!this.meters.has(id)) this.meters.set(id, await readMeter(this.state, id));
    return this.meters.get(id);
  }

  async terminal(id: string): Promise<TerminalState | undefined> {
    if (!this.terminals.has(id)) {
      const bytes = await this.store.get(this.collection, terminalKey(id));
      this.terminals.set(id, bytes && fromBytes<TerminalState>(bytes));
    }
    return this.terminals.get(id);
  }

  async addTotals(key: string, gross: string, net: string): Promise<void> {
    let t = this.totals.get(key);
    if (!t) {
      const bytes = await this.store.get(this.collection, key);
      t = bytes ? fromBytes<DailyTotals>(bytes) : { gross: aggregateOf([]), net: aggregateOf([]) };
    }
    this.totals.set(key, { gross: mergeAggregates(t.gross, aggregateOf([gross])), net: mergeAggregates(t.net, aggregateOf([net])) });
  }
}

/** |a - b| <= tolerance, exactly. */
function withinTolerance(a: string, b: string, tolerance: string): boolean {
  const difference = addDecimals(a, negate(b));
  return compareDecimals(difference.startsWith('-') ? difference.slice(1) : difference, tolerance) <= 0;
}

export function negate(d: string): string {
  return d.startsWith('-') ? d.slice(1) : /^0(\.0+)?$/.test(d) ? d : `-${d}`;
}

/** The documented cell tolerance (WEIGHING_LIMITS): max(relative × gross, minimum), exactly. */
export function cellSumTolerance(gross: string): string {
  const [int, frac = ''] = WEIGHING_LIMITS.cellSumRelativeTolerance.split('.');
  const factor = BigInt(int + frac);
  const [gi, gf = ''] = gross.split('.');
  const product = BigInt(gi + gf) * factor;
  const scale = frac.length + gf.length;
  const digits = product.toString().padStart(scale + 1, '0');
  const relative = scale ? `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}` : digits;
  return compareDecimals(relative, WEIGHING_LIMITS.cellSumMinTolerance) >= 0 ? relative : WEIGHING_LIMITS.cellSumMinTolerance;
}

function cellsSum(ticket: WeighingTicket): string {
  return ticket.cells.reduce((sum, c) => addDecimals(sum, c.cellWeight), '0');
}

function summaryOf(ticket: WeighingTicket, time: string, flags: readonly TicketFlag[], meta: Recorded): TicketSummary {
  return {
    keyVersion: meta.keyVersion,
    txId: meta.txId,
    submittedAt: meta.submittedAt,
    id: ticket.ticketID,
    time,
    station: ticket.station,
    weighbridge: ticket.weighbridge,
    terminal: ticket.terminalSerialNumber,
    scale: ticket.scaleSerialNumber,
    status: ticket.scaleStatus,
    gross: ticket.scaleGross,
    net: ticket.scaleNet,
    unit: ticket.unit,
    cells: ticket.cells.map((c) => c.cellSerialNumber),
    flags: [...flags],
  };
}

type Item = Request<'submitTickets'>['tickets'][number];

/** One ticket through every check, cheapest first; returns what to store, or throws TicketRejection. */
async function admit(batch: Batch, station: string, tx: TxContext, item: Item): Promise<{ outcome: TicketOutcome; store?: () => Promise<void> }> {
  let record: string;
  let ticket: WeighingTicket;
  try {
    record = encodeTicketDisclosure(item);
    ticket = parseSignedTicket(item.payload);
  } catch (err) {
    if (err instanceof CryptoError) reject(errorCodeForCryptoError(err, 'ticket') === 'MALFORMED_TICKET' ? 'MALFORMED_TICKET' : 'INVALID_ARGUMENT', err.message);
    throw err;
  }
  const id = ticket.ticketID;
  if (ticket.station !== station) reject('STATION_MISMATCH', `ticket ${id} is of station ${ticket.station}; this identity submits for station ${station}`);

  // Immutability: the ticket id is taken once, checked through the private data hash (on every peer of the
  // channel, even one that has not received the private data yet). The same record again is a retry; the same
  // payload with another signature (ECDSA signs with a random nonce) or salt is the same ticket too.
  const bytes = Buffer.from(record, 'utf8');
  const inBatch = batch.records.get(id);
  const hash = inBatch ? undefined : await batch.store.hash(batch.collection, ticketKey(id));
  if (inBatch || hash) {
    if (inBatch ? Buffer.from(inBatch).equals(bytes) : Buffer.from(hash as Uint8Array).equals(sha256(bytes))) return { outcome: { ticketID: id, status: 'duplicate' } };
    const stored = inBatch ?? (await batch.store.get(batch.collection, ticketKey(id)));
    if (stored && fromBytes<{ payload: string }>(stored).payload === item.payload) return { outcome: { ticketID: id, status: 'duplicate' } };
    reject('TICKET_ID_TAKEN', `ticket ${id} is already on the ledger with other content; tickets are never replaced`);
  }

  const time = parseRfc3339(ticket.timestamp);
  const txMs = parseRfc3339(tx.timestamp).epochMs;
  if (Math.abs(ticketIdTime(id) - time.epochMs) > WEIGHING_LIMITS.ticketIdSkewMs) {
    reject('TICKET_TIME_MISMATCH', `ticket ${id}: the time in its id is more than ${WEIGHING_LIMITS.ticketIdSkewMs / 1000} s from its timestamp ${ticket.timestamp}`);
  }
  if (time.epochMs - txMs > WEIGHING_LIMITS.maxFutureSkewMs) {
    reject('CLOCK_SKEW', `ticket ${id}: timestamp ${ticket.timestamp} is more than ${WEIGHING_LIMITS.maxFutureSkewMs / 60_000} min after the transaction time ${tx.timestamp}`);
  }
  if (compareDecimals(ticket.scaleNet, ticket.scaleGross) > 0) reject('NET_EXCEEDS_GROSS', `ticket ${id}: net ${ticket.scaleNet} exceeds gross ${ticket.scaleGross}`);

  const terminalId = ticket.terminalSerialNumber;
  const meter = await batch.meter(terminalId);
  if (!meter) reject('UNKNOWN_METER', `terminal ${terminalId} is not registered in the meter registry`);
  let keyVersion: number;
  try {
    const key = meterKeyAt(meter, time.utc);
    checkMeterSignature(key, terminalId, { message: item.payload, signature: item.signature, signatureEncoding: item.signatureEncoding });
    keyVersion = key.version;
  } catch (err) {
    if (err instanceof MeterSignatureError) reject(err.code, `ticket ${id}: ${err.message}`);
    throw err;
  }

  const flags: TicketFlag[] = [];
  const last = await batch.terminal(terminalId);
  if (last && ticket.terminalRestartValue < last.restartValue) {
    reject('RESTART_VALUE_DECREASED', `ticket ${id}: terminal ${terminalId} restart value ${ticket.terminalRestartValue} is below ${last.restartValue} of ticket ${last.ticketID}`);
  }
  if (last && ticket.terminalRestartValue > last.restartValue) flags.push('TERMINAL_RESTARTED');
  if (!withinTolerance(cellsSum(ticket), ticket.scaleGross, cellSumTolerance(ticket.scaleGross))) flags.push('CELL_SUM_OUT_OF_TOLERANCE');

  // Decided: remember it for the rest of the batch before anything is written.
  batch.records.set(id, bytes);
  if (!last || ticket.terminalRestartValue >= last.restartValue) batch.terminals.set(terminalId, { restartValue: ticket.terminalRestartValue, ticketID: id });
  return {
    outcome: { ticketID: id, status: 'accepted', flags },
    store: async () => {
      await batch.store.put(batch.collection, ticketKey(id), bytes);
      const summary = summaryOf(ticket, time.utc, flags, { keyVersion, txId: tx.txId, submittedAt: tx.timestamp });
      const summaryBytes = toBytes(summary);
      for (const key of indexKeys(summary)) await batch.store.put(batch.collection, key, summaryBytes);
      await batch.addTotals(dailyTotalsKey(time.utc.slice(0, 10), ticket.station, ticket.weighbridge, ticket.scaleStatus, ticket.unit), ticket.scaleGross, ticket.scaleNet);
    },
  };
}

/**
 * submitTickets: a station's batch of signed tickets into its customer's collection, with an outcome per
 * ticket; a rejection never stops the batch. Only private data is written, so the customer's peers alone
 * endorse (the collection's policy) and no other org learns more than the hashes.
 */
export async function submitTickets(state: StateStore, store: PrivateStore, caller: Caller, tx: TxContext, request: Request<'submitTickets'>): Promise<SubmitTicketsResult> {
  requireRole(caller, ['station'], 'submitTickets');
  const station = stationOf(caller, 'submitTickets');
  const collection = ticketsCollection(caller.mspId);
  const batch = new Batch(state, store, collection);
  const submittedBy = actorOf(caller);
  const outcomes: TicketOutcome[] = [];
  const writes: (() => Promise<void>)[] = [];
  try {
    for (const item of request.tickets) {
      try {
        const { outcome, store: write } = await admit(batch, station, tx, item);
        outcomes.push(outcome);
        if (write) writes.push(write);
      } catch (err) {
        if (!(err instanceof TicketRejection)) throw err;
        outcomes.push({ ticketID: ticketIdOf(item.payload), status: 'rejected', code: err.code, message: err.message });
      }
    }
    for (const write of writes) await write();
    for (const [id, t] of batch.terminals) if (t) await store.put(collection, terminalKey(id), toBytes(t));
    for (const [key, totals] of batch.totals) await store.put(collection, key, toBytes(totals));
    const count = (status: TicketOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    const result: SubmitTicketsResult = { txId: tx.txId, customer: caller.mspId, accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), outcomes };
    // Every submission leaves its receipt in the collection. Besides being the customer's record of what each
    // station sent, it makes every submitTickets transaction write to the collection, so its endorsement
    // policy (the customer's peers) is what validates it: a transaction that wrote nothing (all duplicates,
    // all rejected) would be held to the chaincode's policy, which customers are not part of.
    await store.put(collection, submissionKey(tx.txId), toBytes({ station, submittedBy, submittedAt: tx.timestamp, result }));
    return result;
  } catch (err) {
    throw privateDataError(err, collection);
  }
}

/** The ticket id a payload names, for the outcome of a ticket that did not parse ('' when it has none). */
function ticketIdOf(payload: string): string {
  try {
    const id = (JSON.parse(payload) as { ticketID?: unknown }).ticketID;
    return typeof id === 'string' && id.length <= 64 ? id : '';
  } catch {
    return '';
  }
}

/**
 * A stored ticket as its reader sees it: the record, and the summary of its time index entry (where the
 * ledger keeps key version, flags and transaction). `known`: a query hit's summary, so a page reads one
 * private key per hit.
 */
export async function readTicketView(store: PrivateStore, collection: string, customer: string, ticketID: string, known?: TicketSummary): Promise<TicketView | undefined> {
  const recordBytes = await store.get(collection, ticketKey(ticketID));
  if (!recordBytes) return undefined;
  const record = fromBytes<{ payload: string; signature: string; signatureEncoding?: 'der' | 'raw'; salt: string }>(recordBytes);
  const ticket = parseSignedTicket(record.payload);
  const summaryBytes = known ? undefined : await store.get(collection, timeIndexKey(parseRfc3339(ticket.timestamp).utc, ticketID));
  if (!known && !summaryBytes) return undefined;
  const summary = known ?? fromBytes<TicketSummary>(summaryBytes as Uint8Array);
  return {
    ticket,
    payload: record.payload,
    signature: record.signature,
    ...(record.signatureEncoding ? { signatureEncoding: record.signatureEncoding } : {}),
    salt: record.salt,
    keyVersion: summary.keyVersion,
    flags: summary.flags,
    time: summary.time,
    txId: summary.txId,
    submittedAt: summary.submittedAt,
    customer,
  };
}

/** getTicket: one ticket of the caller's customer (a station identity: of its station only). */
export async function getTicket(store: PrivateStore, caller: Caller, request: Request<'getTicket'>): Promise<TicketView> {
  const reader = ticketReader(caller, request.customer, 'getTicket');
  let view: TicketView | undefined;
  try {
    view = await readTicketView(store, reader.collection, reader.customer, request.ticketID);
  } catch (err) {
    throw privateDataError(err, reader.collection);
  }
  if (!view) throw new ChaincodeError('UNKNOWN_TICKET', `${reader.customer} has no ticket ${request.ticketID}`);
  if (reader.station !== null && view.ticket.station !== reader.station) {
    throw new ChaincodeError('STATION_MISMATCH', `ticket ${request.ticketID} belongs to another station than ${reader.station}`);
  }
  return view;
}
