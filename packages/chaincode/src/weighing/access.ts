import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { requireRole } from '../registry/access';
import { ticketsCollection } from './collections';

/**
 * Who reads and writes tickets. A customer's tickets live in its own collection, so the org boundary is
 * Fabric's (only the customer's peers hold them); the station boundary inside a customer is the
 * chaincode's, from the certificate attributes its CA issued:
 * - role `station` with attribute `meterledger.station=S`: submits tickets of station S, reads only those;
 * - role `customer`: reads every station of its org, declares routes and attaches tickets to them.
 */
export interface TicketReader {
  customer: string;
  collection: string;
  /** Set for a station identity: it sees only this station. */
  station: string | null;
}

/** The caller's view of a customer's tickets; another customer's (or an authority's) is refused with a code. */
export function ticketReader(caller: Caller, customer: string | undefined, action: string): TicketReader {
  const target = customer ?? caller.mspId;
  if (target !== caller.mspId) {
    throw new ChaincodeError('NOT_COLLECTION_MEMBER', `${action}: tickets of ${target} are private to that customer; ${caller.mspId} is not a member`);
  }
  requireRole(caller, ['station', 'customer'], action);
  return { customer: target, collection: ticketsCollection(target), station: caller.role === 'station' ? stationOf(caller, action) : null };
}

/** The station a station identity acts for. */
export function stationOf(caller: Caller, action: string): string {
  if (!caller.station) throw new ChaincodeError('UNAUTHORIZED', `${action}: a station identity needs the certificate attribute meterledger.station`);
  return caller.station;
}

/**
 * Fabric refuses private reads of non-members and unknown collections with its own messages; give them
 * our code (belt and braces: ticketReader already refuses other customers before any read).
 */
export function privateDataError(err: unknown, collection: string): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (/does not have read access|could not be found|collection .* not found|no collection config|not a member/i.test(message)) {
    return new ChaincodeError('NOT_COLLECTION_MEMBER', `private collection ${collection} is not readable here: ${message}`);
  }
  return err;
}
