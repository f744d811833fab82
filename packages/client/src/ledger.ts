import { common, peer } from '@hyperledger/fabric-protos';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { MeterledgerError } from './errors';
import { validationCodeName } from './validation-codes';

/**
 * Reading a transaction back from the ledger by its id, through the query system chaincode (qscc) that every
 * peer runs: `GetTransactionByID(channel, txId)` answers a `ProcessedTransaction` (the envelope as ordered and
 * its validation code), `GetBlockByTxID(channel, txId)` the block holding it. Both answer the *first* ledger
 * entry with that id: Fabric indexes every occurrence and returns the lowest block, and a later occurrence
 * is always invalidated as `DUPLICATE_TXID`. So the first entry is final: one transaction id commits at most
 * once, with one validation code, forever.
 */

/** A transaction as committed to the ledger. */
export interface LedgerTransaction {
  transactionId: string;
  channel: string;
  /** Fabric's TxValidationCode, e.g. 0 (VALID) or 11 (MVCC_READ_CONFLICT). */
  validationCode: number;
  /** Its name: `VALID`, `MVCC_READ_CONFLICT`, ... */
  validationCodeName: string;
  valid: boolean;
  /** The chaincode's result (ChaincodeAction.response.payload of the endorsement that was ordered). */
  result: Uint8Array;
  /** The chaincode's response status in that endorsement (200 for a successful transaction). */
  chaincodeStatus: number;
}

function malformed(what: string, cause?: unknown): MeterledgerError {
  return new MeterledgerError({ code: 'MALFORMED_RESPONSE', message: `qscc returned ${what}`, cause });
}

function parse<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw malformed(`${what} that does not decode: ${(err as Error).message}`, err);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null) throw malformed(`a transaction without ${what}`);
  return value;
}

/** Transaction id, channel and chaincode result of an endorser transaction envelope. */
export function decodeTransactionEnvelope(envelope: common.Envelope): {
  transactionId: string;
  channel: string;
  result: Uint8Array;
  chaincodeStatus: number;
} {
  const payload = parse('an envelope payload', () => common.Payload.deserializeBinary(envelope.getPayload_asU8()));
  const header = required(payload.getHeader(), 'a header');
  const channelHeader = parse('a channel header', () => common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8()));
  const transaction = parse('a transaction', () => peer.Transaction.deserializeBinary(payload.getData_asU8()));
  const action = required(transaction.getActionsList()[0], 'an action');
  const actionPayload = parse('a chaincode action payload', () => peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()));
  const endorsed = required(actionPayload.getAction(), 'an endorsed action');
  const responsePayload = parse('a proposal response payload', () =>
    peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8()),
  );
  const chaincodeAction = parse('a chaincode action', () => peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8()));
  const response = required(chaincodeAction.getResponse(), 'a chaincode response');
  return {
    transactionId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    result: response.getPayload_asU8(),
    chaincodeStatus: response.getStatus(),
  };
}

/** Decode qscc `GetTransactionByID`'s answer (a serialized `peer.ProcessedTransaction`). */
export function decodeProcessedTransaction(bytes: Uint8Array): LedgerTransaction {
  const processed = parse('a ProcessedTransaction', () => peer.ProcessedTransaction.deserializeBinary(bytes));
  const envelope = required(processed.getTransactionenvelope(), 'an envelope');
  const validationCode = processed.getValidationcode();
  return {
    ...decodeTransactionEnvelope(envelope),
    validationCode,
    validationCodeName: validationCodeName(validationCode),
    valid: validationCode === StatusCode.VALID,
  };
}

/** Decode qscc `GetBlockByTxID`'s answer (a serialized `common.Block`) to its block number. */
export function decodeBlockNumber(bytes: Uint8Array): bigint {
  const block = parse('a block', () => common.Block.deserializeBinary(bytes));
  return BigInt(required(block.getHeader(), 'a block header').getNumber());
}

/** qscc's answer when the id is not in the peer's ledger: `... error no such transaction ID [<id>] in index`. */
const NOT_FOUND = /no such transaction ID/i;

/** True when an error (or its text) is a peer's "this transaction id is not in my ledger". */
export function isTransactionNotFound(err: unknown): boolean {
  if (err instanceof MeterledgerError) {
    return [err.message, ...err.details].some((text) => NOT_FOUND.test(text)) || isTransactionNotFound(err.cause);
  }
  if (err instanceof Error) {
    const details = (err as { details?: unknown }).details;
    const texts = [err.message, ...(Array.isArray(details) ? details.map((d) => String((d as { message?: unknown })?.message ?? d)) : [])];
    return texts.some((text) => NOT_FOUND.test(text));
  }
  return typeof err === 'string' && NOT_FOUND.test(err);
}

/** Evaluates a qscc function on one peer (or one gateway) and returns its payload. */
export type QsccEvaluate = (fn: 'GetTransactionByID' | 'GetBlockByTxID', channel: string, transactionId: string) => Promise<Uint8Array>;

/** One place to ask: a name for messages and how to evaluate qscc there. */
export interface LedgerTarget {
  name: string;
  evaluate: QsccEvaluate;
}

export interface FoundTransaction extends LedgerTransaction {
  blockNumber: bigint;
  /** The target that answered. */
  foundAt: string;
}

/** Answer of {@link findTransaction}: found, not found (by whom), or nobody answered (why). */
export type LookupAnswer =
  | { status: 'found'; transaction: FoundTransaction }
  | { status: 'not-found'; answeredBy: string }
  | { status: 'unreachable'; errors: string[] };

/**
 * Ask the targets in order until one answers: found (with its validation code, result and block number) or
 * not found. A target that fails otherwise (unreachable, access denied, timeout) is skipped. A "not found"
 * can be stale (that peer may lag behind the one that committed); callers poll.
 */
export async function findTransaction(targets: readonly LedgerTarget[], channel: string, transactionId: string): Promise<LookupAnswer> {
  const errors: string[] = [];
  for (const target of targets) {
    let transaction: LedgerTransaction;
    try {
      transaction = decodeProcessedTransaction(await target.evaluate('GetTransactionByID', channel, transactionId));
    } catch (err) {
      if (isTransactionNotFound(err)) return { status: 'not-found', answeredBy: target.name };
      errors.push(`${target.name}: ${(err as Error).message ?? String(err)}`);
      continue;
    }
    if (transaction.transactionId !== transactionId) {
      errors.push(`${target.name}: answered transaction ${transaction.transactionId} for ${transactionId}`);
      continue;
    }
    try {
      const blockNumber = decodeBlockNumber(await target.evaluate('GetBlockByTxID', channel, transactionId));
      return { status: 'found', transaction: { ...transaction, blockNumber, foundAt: target.name } };
    } catch (err) {
      errors.push(`${target.name}: block of ${transactionId}: ${(err as Error).message ?? String(err)}`);
    }
  }
  return { status: 'unreachable', errors };
}
