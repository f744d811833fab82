import { checkpointers, type ChaincodeEvent, type Checkpointer, type CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { MeterledgerError, toMeterledgerError } from '@meterledger/client';
import { READINGS_ACCEPTED_EVENT, type ReadingsAcceptedEvent } from '@meterledger/contract-api';

/** What followReadings needs of fabric-gateway's Network. */
export interface ChaincodeEventSource {
  getChaincodeEvents(
    chaincodeName: string,
    options?: { startBlock?: bigint; checkpoint?: Checkpointer },
  ): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
}

export interface FollowReadingsOptions {
  /**
   * Where the position is kept (fabric-gateway's file checkpointer: the block number and the last
   * transaction id handled in it). Created on first use; a restart resumes after the last handled event.
   */
  checkpointFile: string;
  /** Where to start when the checkpoint file holds no position yet (default: the next block committed). */
  startBlock?: bigint | number;
  /** Stop following: the current handler finishes and is checkpointed, then followReadings resolves. */
  signal?: AbortSignal;
}

/** One ReadingsAccepted event: the readings one transaction accepted, with where it sits on the ledger. */
export interface FollowedReadings extends ReadingsAcceptedEvent {
  blockNumber: bigint;
  transactionId: string;
}

export interface FollowSummary {
  /** Events handled by this call. */
  events: number;
  /** The checkpointed position when it returned. */
  blockNumber: bigint | undefined;
  transactionId: string | undefined;
}

function decodeEvent(event: ChaincodeEvent): FollowedReadings {
  let body: ReadingsAcceptedEvent;
  try {
    body = JSON.parse(Buffer.from(event.payload).toString('utf8')) as ReadingsAcceptedEvent;
  } catch (cause) {
    throw new MeterledgerError({
      code: 'MALFORMED_RESPONSE',
      message: `MALFORMED_RESPONSE: the ${READINGS_ACCEPTED_EVENT} event of transaction ${event.transactionId} is not JSON`,
      transactionId: event.transactionId,
      cause,
    });
  }
  return { ...body, blockNumber: event.blockNumber, transactionId: event.transactionId };
}

/**
 * Follow the ReadingsAccepted chaincode events of `chaincodeName`, calling `handler` once per event, in
 * ledger order. Each event is checkpointed to `checkpointFile` after its handler resolved, so a follower
 * restarted with the same file resumes after the last event it handled: none is missed and none is
 * handed over twice (if the process dies inside a handler, that one event is handed over again).
 * Other events of the chaincode are skipped (and checkpointed). Resolves when `signal` aborts; rejects
 * with the handler's error (that event not checkpointed) or a MeterledgerError of the event stream.
 */
export async function followReadingsEvents(
  source: ChaincodeEventSource,
  chaincodeName: string,
  options: FollowReadingsOptions,
  handler: (readings: FollowedReadings) => Promise<void> | void,
): Promise<FollowSummary> {
  const checkpointer = await checkpointers.file(options.checkpointFile);
  const summary = (events: number): FollowSummary => ({ events, blockNumber: checkpointer.getBlockNumber(), transactionId: checkpointer.getTransactionId() });
  if (options.signal?.aborted) return summary(0);
  const events = await source.getChaincodeEvents(chaincodeName, {
    checkpoint: checkpointer,
    ...(options.startBlock !== undefined ? { startBlock: BigInt(options.startBlock) } : {}),
  });
  const stop = () => events.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  let handled = 0;
  let handlerError: { error: unknown } | undefined;
  try {
    for await (const event of events) {
      if (event.eventName === READINGS_ACCEPTED_EVENT) {
        const readings = decodeEvent(event);
        try {
          await handler(readings);
        } catch (error) {
          handlerError = { error };
          throw error;
        }
        handled++;
      }
      await checkpointer.checkpointChaincodeEvent(event);
      if (options.signal?.aborted) break;
    }
  } catch (err) {
    if (handlerError) throw handlerError.error;
    // Closing the stream on abort ends the pending read with CANCELLED: that is the normal way out.
    if (!options.signal?.aborted) throw err instanceof MeterledgerError ? err : toMeterledgerError(err);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    events.close();
  }
  return summary(handled);
}
