import { addDecimals, compareDecimals, type RouteEnd, type RouteRecord, type RouteVerdict, type RouteView } from '@meterledger/contract-api';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import type { PrivateStore } from '../ledger/private-store';
import type { TxContext } from '../ledger/state-store';
import { requireRole } from '../registry/access';
import { actorOf } from '../registry/actor';
import type { Request } from '../registry/requests';
import { privateDataError } from './access';
import { routesCollection, ticketsCollection } from './collections';
import { routeKey, routeLegKey, routeVerdictKey } from './keys';
import { readTicketView, negate } from './tickets';

/**
 * Routes (004 §I): a truck weighed at an origin station and again at a destination station, possibly of
 * another customer, must carry the declared net weight within a tolerance.
 *
 * Where things live: the route, its two legs and the verdict are in the collection the two customers share
 * (`routes-<a>-<b>`; the customer's own collection for an internal route). The tickets never leave their
 * customer's collection: attaching a ticket copies into the shared collection only its id, its net weight
 * and its time, read by the attaching customer's own peer. Whoever attaches the second leg computes the
 * verdict. Nothing reaches the channel but hashes.
 *
 * What each side learns: the other side's net weight (the difference in the verdict reveals it anyway to
 * anyone who knows their own), and nothing else of the other's ticket: not its gross, tare, cells,
 * terminal, scale or status. Both legs' keys are read before the verdict is written, so two attachments
 * racing in one block conflict (MVCC) and the loser's retry sees the other leg.
 */
interface RouteLeg {
  ticketID: string;
  net: string;
  time: string;
  attachedBy: { mspId: string; id: string };
  txId: string;
}

function collectionFor(caller: Caller, origin: string, destination: string, action: string): string {
  requireRole(caller, ['customer'], action);
  if (caller.mspId !== origin && caller.mspId !== destination) {
    throw new ChaincodeError('NOT_COLLECTION_MEMBER', `${action}: routes between ${origin} and ${destination} are private to those customers`);
  }
  return routesCollection(origin, destination);
}

async function readRoute(store: PrivateStore, collection: string, routeId: string): Promise<RouteRecord> {
  const bytes = await store.get(collection, routeKey(routeId));
  if (!bytes) throw new ChaincodeError('UNKNOWN_ROUTE', `no route ${routeId} in ${collection}`);
  return fromBytes<RouteRecord>(bytes);
}

async function readLeg(store: PrivateStore, collection: string, routeId: string, end: RouteEnd): Promise<RouteLeg | undefined> {
  const bytes = await store.get(collection, routeLegKey(routeId, end));
  return bytes && fromBytes<RouteLeg>(bytes);
}

function abs(d: string): string {
  return d.startsWith('-') ? d.slice(1) : d;
}

/** Both ends within tolerance of the expected net; difference = destination − origin. */
function routeVerdict(route: RouteRecord, originNet: string, destinationNet: string, tx: TxContext): RouteVerdict {
  const within = (net: string) => compareDecimals(abs(addDecimals(net, negate(route.expectedNet))), route.tolerance) <= 0;
  return { withinTolerance: within(originNet) && within(destinationNet), difference: addDecimals(destinationNet, negate(originNet)), checkedAt: tx.timestamp, txId: tx.txId };
}

/** declareRoute: by a user of the origin's customer. */
export async function declareRoute(store: PrivateStore, caller: Caller, tx: TxContext, request: Request<'declareRoute'>): Promise<RouteRecord> {
  const collection = collectionFor(caller, caller.mspId, request.destinationCustomer, 'declareRoute');
  try {
    if (await store.get(collection, routeKey(request.routeId))) throw new ChaincodeError('DUPLICATE_ROUTE', `route ${request.routeId} already exists`);
    const route: RouteRecord = {
      routeId: request.routeId,
      vehicleId: request.vehicleId,
      origin: { customer: caller.mspId, station: request.originStation },
      destination: { customer: request.destinationCustomer, station: request.destinationStation },
      expectedNet: request.expectedNet,
      tolerance: request.tolerance,
      unit: request.unit,
      declaredBy: caller.id,
      declaredAt: tx.timestamp,
      txId: tx.txId,
    };
    await store.put(collection, routeKey(route.routeId), toBytes(route));
    return route;
  } catch (err) {
    throw privateDataError(err, collection);
  }
}

function view(caller: Caller, route: RouteRecord, legs: Partial<Record<RouteEnd, RouteLeg>>, verdict: RouteVerdict | null): RouteView {
  const ownEnd = (['origin', 'destination'] as const).find((end) => route[end].customer === caller.mspId && legs[end]);
  const own = ownEnd && legs[ownEnd];
  return {
    route,
    attached: { origin: legs.origin !== undefined, destination: legs.destination !== undefined },
    ...(ownEnd && own ? { own: { end: ownEnd, ticketID: own.ticketID, net: own.net } } : {}),
    verdict,
  };
}

/**
 * attachRouteTicket: a user of the customer at one end names its ticket for the route. The end is the
 * caller's whose station the ticket is of (the first not yet attached, for an internal route between two
 * of the customer's stations); the unit must be the route's. The second attachment records the verdict.
 */
export async function attachRouteTicket(store: PrivateStore, caller: Caller, tx: TxContext, request: Request<'attachRouteTicket'>): Promise<RouteView> {
  const collection = collectionFor(caller, request.originCustomer, request.destinationCustomer, 'attachRouteTicket');
  const own = ticketsCollection(caller.mspId);
  try {
    const route = await readRoute(store, collection, request.routeId);
    const ticket = await readTicketView(store, own, caller.mspId, request.ticketID);
    if (!ticket) throw new ChaincodeError('UNKNOWN_TICKET', `${caller.mspId} has no ticket ${request.ticketID}`);
    const legs: Partial<Record<RouteEnd, RouteLeg>> = {
      origin: await readLeg(store, collection, route.routeId, 'origin'),
      destination: await readLeg(store, collection, route.routeId, 'destination'),
    };
    const ends = (['origin', 'destination'] as const).filter((end) => route[end].customer === caller.mspId && route[end].station === ticket.ticket.station);
    const end = ends.find((e) => !legs[e]);
    if (!end) {
      const why = ends.length ? `its ${ends.join(' and ')} already has a ticket` : `neither end is station ${ticket.ticket.station} of ${caller.mspId}`;
      throw new ChaincodeError('ROUTE_TICKET_MISMATCH', `ticket ${request.ticketID} cannot be attached to route ${route.routeId}: ${why}`);
    }
    if (ticket.ticket.unit !== route.unit) {
      throw new ChaincodeError('ROUTE_TICKET_MISMATCH', `ticket ${request.ticketID} is in ${ticket.ticket.unit}, route ${route.routeId} in ${route.unit}`);
    }
    const leg: RouteLeg = { ticketID: ticket.ticket.ticketID, net: ticket.ticket.scaleNet, time: ticket.time, attachedBy: actorOf(caller), txId: tx.txId };
    legs[end] = leg;
    await store.put(collection, routeLegKey(route.routeId, end), toBytes(leg));
    let verdict: RouteVerdict | null = null;
    if (legs.origin && legs.destination) {
      verdict = routeVerdict(route, legs.origin.net, legs.destination.net, tx);
      await store.put(collection, routeVerdictKey(route.routeId), toBytes(verdict));
    }
    return view(caller, route, legs, verdict);
  } catch (err) {
    throw privateDataError(err, collection);
  }
}

/** getRoute: the route, which ends are attached, the caller's own leg and the verdict. */
export async function getRoute(store: PrivateStore, caller: Caller, request: Request<'getRoute'>): Promise<RouteView> {
  const collection = collectionFor(caller, request.originCustomer, request.destinationCustomer, 'getRoute');
  try {
    const route = await readRoute(store, collection, request.routeId);
    const legs = { origin: await readLeg(store, collection, route.routeId, 'origin'), destination: await readLeg(store, collection, route.routeId, 'destination') };
    const verdictBytes = await store.get(collection, routeVerdictKey(route.routeId));
    return view(caller, route, legs, verdictBytes ? fromBytes<RouteVerdict>(verdictBytes) : null);
  } catch (err) {
    throw privateDataError(err, collection);
  }
}
