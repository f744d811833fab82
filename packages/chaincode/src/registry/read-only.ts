import { stateKey } from '../ledger/state-key';
import type { StateStore } from '../ledger/state-store';
import { KEY_TYPES } from './keys';

/**
 * Evaluate-only transactions sent as invokes.
 *
 * The chaincode cannot tell an evaluate from an endorsement for a submit: both are the same proposal. So
 * every evaluate-only function blindly writes the read-only sentinel key, whose key-level endorsement
 * policy (set once, by initConfig) requires a peer of an MSP that no channel has. An evaluate's writes
 * are never committed, so the write costs nothing there; a submitted query, though, carries the write in
 * its read-write set: the Gateway cannot find endorsers for the sentinel's policy and refuses it, or, if
 * endorsements were collected some other way, every committing peer marks the transaction
 * ENDORSEMENT_POLICY_FAILURE. Either way nothing commits as a valid no-op.
 */
export const READ_ONLY_SENTINEL_MSP = 'MeterledgerReadOnlySentinelMSP';

const SENTINEL_VALUE = Buffer.from('evaluate-only', 'utf8');

export function readOnlySentinelKey(): string {
  return stateKey(KEY_TYPES.readOnlySentinel);
}

/** initConfig: create the sentinel with its unsatisfiable key-level policy. */
export async function installReadOnlySentinel(state: StateStore): Promise<void> {
  await state.put(readOnlySentinelKey(), SENTINEL_VALUE);
  await state.setEndorsers(readOnlySentinelKey(), [READ_ONLY_SENTINEL_MSP]);
}

/** Every evaluate-only transaction: make the transaction invalid should it ever be submitted. */
export async function markReadOnly(state: StateStore): Promise<void> {
  await state.put(readOnlySentinelKey(), SENTINEL_VALUE);
}
