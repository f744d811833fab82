import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import { stateKey } from '../ledger/state-key';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireRole } from '../registry/access';
import type { Request } from '../registry/requests';
import { addValue, emptyAggregate, type Aggregate } from '@meterledger/contract-api';
import { ReadingRejectionError, SUBMITTER_ROLES, readingRecord, verifySubmittedReading } from '../readings/submit';
import { WINDOW_LEVELS, windowsOf } from '@meterledger/contract-api';

/**
 * 001's Algorithm 1, for `npm run bench:readings` only: one reading per transaction, stored, then each
 * of the five aggregates (minute … year) read, updated and written back. It verifies the signature as
 * submitReadings does, so the two designs differ only in batching and in how aggregates are kept. (001's
 * code skipped the year level and ignored errors; this one does neither.) Two such transactions on the
 * same meter in one block read the same aggregate keys: all but the first are MVCC_READ_CONFLICT.
 */
export async function logReading(state: StateStore, caller: Caller, tx: TxContext, request: Request<'baselineLogReading'>): Promise<{ txId: string }> {
  requireRole(caller, SUBMITTER_ROLES, 'logReading');
  let verified;
  try {
    verified = await verifySubmittedReading(state, request);
  } catch (err) {
    if (err instanceof ReadingRejectionError) throw new ChaincodeError(err.code, err.message);
    throw err;
  }
  const { facts, meter, key } = verified;
  const record = readingRecord(facts, request, key, caller, tx);
  await state.put(stateKey('baseline-reading', [meter.meterId, facts.time]), toBytes(record));
  const windows = windowsOf(facts.time);
  for (const level of WINDOW_LEVELS) {
    const k = stateKey('baseline-aggregate', [meter.meterId, level, windows[level]]);
    const bytes = await state.get(k);
    const current: Aggregate = bytes ? fromBytes<Aggregate>(bytes) : emptyAggregate();
    await state.put(k, toBytes(addValue(current, facts.value)));
  }
  return { txId: tx.txId };
}
