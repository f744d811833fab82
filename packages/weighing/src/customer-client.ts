import { allPages } from '@meterledger/client';
import type {
  AttachRouteTicketRequest,
  DeclareRouteRequest,
  GetRouteQuery,
  GroupTicketsQuery,
  QueryTicketsQuery,
  RouteRecord,
  RouteView,
  TicketGroupsResult,
  TicketPage,
  TicketView,
} from '@meterledger/contract-api';
import type { TicketDisclosure } from '@meterledger/crypto';
import { WeighingCalls, type WeighingTarget } from './weighing-contract';

/**
 * A customer's user (role `customer`: every station of the customer) or a station reading its own tickets
 * (role `station`: the chaincode pins every query to its station). Reads only the caller's own collection;
 * asking for another customer's tickets fails with NOT_COLLECTION_MEMBER, never with an empty list.
 */
export class CustomerClient {
  readonly #calls: WeighingCalls;

  constructor(target: WeighingTarget) {
    this.#calls = new WeighingCalls(target);
  }

  get mspId(): string {
    return this.#calls.mspId;
  }

  /** One ticket; `customer` (an MSP id) defaults to the caller's org, any other is refused with NOT_COLLECTION_MEMBER. */
  getTicket(ticketID: string, customer?: string): Promise<TicketView> {
    return this.#calls.evaluate('getTicket', { ticketID, ...(customer ? { customer } : {}) });
  }

  /**
   * One page of the tickets matching every attribute of the filter. A page reads a bounded number of index
   * entries, so it may hold fewer than pageSize tickets (even none) and still have a bookmark: follow it.
   */
  queryTickets(query: QueryTicketsQuery): Promise<TicketPage> {
    return this.#calls.evaluate('queryTickets', query);
  }

  /** Every matching ticket, page after page. */
  allTickets(query: Omit<QueryTicketsQuery, 'bookmark'>): AsyncGenerator<TicketView, void, undefined> {
    return allPages((q) => this.queryTickets(q), query as QueryTicketsQuery);
  }

  /** Count and gross/net sum, min, max per weighbridge, station, UTC day or status. */
  groupTickets(query: GroupTicketsQuery): Promise<TicketGroupsResult> {
    return this.#calls.evaluate('groupTickets', query);
  }

  /** What to hand a third party (an inspector) so it can check the ticket against the ledger (InspectorClient.checkDisclosure). */
  async disclose(ticketID: string): Promise<{ customer: string; record: TicketDisclosure }> {
    const view = await this.getTicket(ticketID);
    const record: TicketDisclosure = { payload: view.payload, signature: view.signature, salt: view.salt, ...(view.signatureEncoding ? { signatureEncoding: view.signatureEncoding } : {}) };
    return { customer: view.customer, record };
  }

  /** Declare a route from one of this customer's stations (role `customer`). */
  declareRoute(request: DeclareRouteRequest): Promise<RouteRecord> {
    return this.#calls.submit('declareRoute', request);
  }

  /** Attach this customer's ticket to its end of a route; the second attachment records the verdict. */
  attachRouteTicket(request: AttachRouteTicketRequest): Promise<RouteView> {
    return this.#calls.submit('attachRouteTicket', request);
  }

  getRoute(query: GetRouteQuery): Promise<RouteView> {
    return this.#calls.evaluate('getRoute', query);
  }
}
