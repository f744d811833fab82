import { randomBytes } from 'node:crypto';
import { encodeTicketV1, type SoftwareSigner, type WeighingTicket } from '@meterledger/crypto';
import type { SubmittedTicket } from '@meterledger/contract-api';
import type { Caller } from '../ledger/caller';
import { parseRequest } from '../registry/requests';
import * as weighing from '../weighing';
import { MemoryPrivateData } from './memory-private-data';
import { RegistryDriver } from './registry-driver';

export const CUSTOMER_A = 'CustomerAMSP';
export const CUSTOMER_B = 'CustomerBMSP';

export const weighingCallers = {
  a1: { mspId: CUSTOMER_A, id: 'x509::/CN=station01::/CN=ca.customera', role: 'station', station: 'st01' },
  a2: { mspId: CUSTOMER_A, id: 'x509::/CN=station02::/CN=ca.customera', role: 'station', station: 'st02' },
  aUser: { mspId: CUSTOMER_A, id: 'x509::/CN=user::/CN=ca.customera', role: 'customer' },
  b1: { mspId: CUSTOMER_B, id: 'x509::/CN=station01::/CN=ca.customerb', role: 'station', station: 'st01' },
  bUser: { mspId: CUSTOMER_B, id: 'x509::/CN=user::/CN=ca.customerb', role: 'customer' },
  inspector: { mspId: 'PTBMSP', id: 'x509::/CN=auditor::/CN=ca.ptb', role: 'auditor' },
  aStationWithoutAttribute: { mspId: CUSTOMER_A, id: 'x509::/CN=broken::/CN=ca.customera', role: 'station' },
} satisfies Record<string, Caller>;

/** 004's ticket id: two 12-byte ids and the emission time in ms. */
export function ticketId(station: string, weighbridge: string, ms: number): string {
  const hex = (s: string) => Buffer.from(s.padEnd(12, '_').slice(0, 12)).toString('hex');
  return `${hex(station)}_${hex(weighbridge)}_${ms}`;
}

export interface TicketShape {
  time: string;
  station?: string;
  weighbridge?: string;
  terminal?: string;
  restart?: number;
  scale?: string;
  status?: string;
  gross?: string;
  net?: string;
  cells?: [string, string][];
  unit?: WeighingTicket['unit'];
  idMs?: number;
}

export function makeTicket(s: TicketShape): WeighingTicket {
  const station = s.station ?? 'st01';
  const weighbridge = s.weighbridge ?? 'wb1';
  const gross = s.gross ?? '40000';
  const quarter = (Number(gross) / 4).toString();
  return {
    format: 'weighing-ticket-v1',
    ticketID: ticketId(station, weighbridge, s.idMs ?? Date.parse(s.time)),
    terminalSerialNumber: s.terminal ?? 'SBX-A-st01',
    terminalRestartValue: s.restart ?? 1,
    timestamp: s.time,
    scaleSerialNumber: s.scale ?? `SC-${station}-${weighbridge}`,
    scaleStatus: s.status ?? 'OK',
    scaleGross: gross,
    scaleNet: s.net ?? '25000',
    cells: (s.cells ?? [1, 2, 3, 4].map((i) => [`LC-${station}-${weighbridge}-${i}`, quarter] as [string, string])).map(([cellSerialNumber, cellWeight]) => ({ cellSerialNumber, cellWeight })),
    station,
    weighbridge,
    unit: s.unit ?? 'kg',
  };
}

/** What a station's SmartBox sends: the ticket signed by its terminal, with a fresh salt. */
export function signTicket(terminal: SoftwareSigner, ticket: WeighingTicket, salt = randomBytes(16).toString('hex')): SubmittedTicket {
  const payload = encodeTicketV1(ticket);
  return { payload, signature: Buffer.from(terminal.sign(payload)).toString('base64'), salt };
}

/**
 * The weighing contract's domain functions over the registry driver's MemoryLedger (terminal keys) and
 * MemoryPrivateData (the customers' and the pair's collections), called as the contract calls them.
 * `peer` is the org whose peer executes (Fabric checks collection membership against the peer's org).
 */
export class WeighingDriver extends RegistryDriver {
  readonly privateData = new MemoryPrivateData()
    .define(weighing.ticketsCollection(CUSTOMER_A), [CUSTOMER_A])
    .define(weighing.ticketsCollection(CUSTOMER_B), [CUSTOMER_B])
    .define(weighing.routesCollection(CUSTOMER_A, CUSTOMER_B), [CUSTOMER_A, CUSTOMER_B]);

  submit(caller: Caller, tickets: SubmittedTicket[], at?: string) {
    const request = parseRequest('submitTickets', JSON.stringify({ tickets }));
    return this.ledger.transact((state, tx) => this.privateData.transact(caller.mspId, (store) => weighing.submitTickets(state, store, caller, tx, request)), at);
  }

  get(caller: Caller, query: object) {
    return this.privateData.transact(caller.mspId, (store) => weighing.getTicket(store, caller, parseRequest('getTicket', JSON.stringify(query))));
  }

  query(caller: Caller, query: object) {
    return this.privateData.transact(caller.mspId, (store) => weighing.queryTickets(store, caller, parseRequest('queryTickets', JSON.stringify(query))));
  }

  group(caller: Caller, query: object) {
    return this.privateData.transact(caller.mspId, (store) => weighing.groupTickets(store, caller, parseRequest('groupTickets', JSON.stringify(query))));
  }

  checkDisclosure(caller: Caller, query: object) {
    return this.ledger.transact((state) => this.privateData.transact(caller.mspId, (store) => weighing.checkDisclosure(state, store, parseRequest('checkDisclosure', JSON.stringify(query)))));
  }

  declareRoute(caller: Caller, request: object, at?: string) {
    return this.ledger.transact((_state, tx) => this.privateData.transact(caller.mspId, (store) => weighing.declareRoute(store, caller, tx, parseRequest('declareRoute', JSON.stringify(request)))), at);
  }

  attach(caller: Caller, request: object, at?: string) {
    return this.ledger.transact((_state, tx) => this.privateData.transact(caller.mspId, (store) => weighing.attachRouteTicket(store, caller, tx, parseRequest('attachRouteTicket', JSON.stringify(request)))), at);
  }

  getRoute(caller: Caller, request: object) {
    return this.privateData.transact(caller.mspId, (store) => weighing.getRoute(store, caller, parseRequest('getRoute', JSON.stringify(request))));
  }
}
