import type { Caller } from '../ledger/caller';
import type { Actor } from './types';

/** The part of a caller recorded on the ledger. */
export function actorOf(caller: Caller): Actor {
  return { mspId: caller.mspId, id: caller.id };
}
