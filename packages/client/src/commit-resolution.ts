import { CommitStatusError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { AMBIGUOUS_SUBMIT_CODES, MeterledgerError } from './errors';
import type { LookupAnswer } from './ledger';
import { validationCodeName } from './validation-codes';

/**
 * Resolving a submit whose outcome is unknown.
 *
 * When the orderer leader or the gateway peer dies while a transaction is being submitted, the client can be
 * left not knowing whether the transaction was ordered: the commit status call fails, or the submit call fails
 * with a status that does not say whether the envelope reached the orderer. Reporting that as a failure is
 * wrong when it committed (a false failure); creating a new transaction is wrong too (a double effect).
 *
 * The resolution rests on one ledger rule: the first ledger entry of a transaction id is final and unique
 * (every later entry with that id is invalidated as DUPLICATE_TXID). So:
 *
 * 1. Look the transaction id up on the ledger (qscc, see ledger.ts), polling with exponential backoff for
 *    `lookupWindowMs`. Found VALID → the transaction succeeded: its result is read from the committed
 *    envelope. Found with another code → it failed with that code (`TRANSACTION_INVALID`).
 * 2. Not found within the window → submit the *same* transaction again (same id; with the gateway transport
 *    the same signed envelope). This can never commit twice: if the first envelope is still in flight, one
 *    of the two becomes DUPLICATE_TXID. The resubmission's commit status decides, except DUPLICATE_TXID,
 *    which means the first one got in: go back to 1.
 * 3. After `resubmits` resubmissions and a last lookup window without an answer, give up with
 *    `COMMIT_STATUS_UNAVAILABLE`: the transaction may still commit (never twice), and the caller must not
 *    build a new one without checking (see {@link MeterledgerError.transactionId}).
 *
 * The window is a heuristic, not a guarantee: Fabric has no block height after which an ordered transaction
 * can no longer commit. Correctness does not depend on it (step 2 is safe at any time); it only keeps a
 * transaction that is merely slow from being resubmitted, which would leave a DUPLICATE_TXID entry.
 */

export interface ResolutionOptions {
  /** How long to keep looking the transaction up before each resubmission, in ms; default 5000. */
  lookupWindowMs?: number;
  /** Pause before the second lookup, doubled after each one up to maxPollDelayMs; default 250. */
  pollDelayMs?: number;
  /** Longest pause between two lookups; default 2000. */
  maxPollDelayMs?: number;
  /** How often the same transaction may be resubmitted; default 2. 0 only looks up. */
  resubmits?: number;
  /** How to wait; default a setTimeout promise. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

export const DEFAULT_RESOLUTION: Readonly<Required<Pick<ResolutionOptions, 'lookupWindowMs' | 'pollDelayMs' | 'maxPollDelayMs' | 'resubmits'>>> =
  Object.freeze({ lookupWindowMs: 5_000, pollDelayMs: 250, maxPollDelayMs: 2_000, resubmits: 2 });

/** What a resubmission of the same transaction came back with. */
export interface ResubmitOutcome {
  /** Validation code of the commit status. */
  code: number;
  blockNumber: bigint;
  /** The result carried by the resubmitted envelope. */
  result: Uint8Array;
  /**
   * True when exactly the same signed envelope was resubmitted (fabric-gateway). False when the transaction
   * was endorsed again under the same id (fabric-network): then the committed result is read from the ledger,
   * because the first envelope may be the one that committed.
   */
  sameEnvelope: boolean;
}

export interface ResolvedCommit {
  result: Uint8Array;
  blockNumber: bigint;
  /** How the outcome was learned: found on the ledger, or committed by a resubmission. */
  resolvedBy: 'ledger' | 'resubmission';
  /** What was done, step by step (for logs). */
  steps: string[];
}

export interface ResolveCommitParams {
  transactionId: string;
  /** The error that left the outcome unknown. */
  cause: MeterledgerError;
  /** Look the transaction up on the ledger (see findTransaction). */
  lookup: () => Promise<LookupAnswer>;
  /** Submit the same transaction again and wait for its commit status. */
  resubmit: () => Promise<ResubmitOutcome>;
  options?: ResolutionOptions;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * True when a fabric-gateway submit failure leaves the outcome unknown: any CommitStatusError (the orderer
 * accepted the envelope), and a SubmitError whose gRPC status does not prove the envelope was refused
 * (UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, UNKNOWN, INTERNAL, DATA_LOSS). A SubmitError with ABORTED
 * (an orderer answered 4xx), INVALID_ARGUMENT, FAILED_PRECONDITION, PERMISSION_DENIED, ... was refused
 * before ordering and is not ambiguous. EndorseErrors never are: nothing was sent to the orderer.
 */
export function isAmbiguousGatewaySubmitError(err: unknown): boolean {
  if (err instanceof CommitStatusError) return true;
  if (err instanceof GatewayError && err.name === 'SubmitError') return AMBIGUOUS_SUBMIT_CODES.has(err.code);
  return false;
}

function describeLookup(answer: LookupAnswer): string {
  switch (answer.status) {
    case 'found':
      return `found in block ${answer.transaction.blockNumber} (${answer.transaction.validationCodeName}) by ${answer.transaction.foundAt}`;
    case 'not-found':
      return `not found by ${answer.answeredBy}`;
    case 'unreachable':
      return `no peer answered (${answer.errors.join('; ') || 'no lookup target'})`;
  }
}

/** Resolve an unknown commit outcome; see the module comment for the procedure. */
export async function resolveCommit(params: ResolveCommitParams): Promise<ResolvedCommit> {
  const { transactionId, cause } = params;
  const o = { ...DEFAULT_RESOLUTION, ...stripUndefined(params.options ?? {}) };
  const sleep = params.options?.sleep ?? defaultSleep;
  const now = params.options?.now ?? Date.now;
  const steps: string[] = [`outcome unknown: ${cause.message}`];

  const invalid = (code: number, how: string): MeterledgerError => {
    const name = validationCodeName(code);
    return new MeterledgerError({
      code: 'TRANSACTION_INVALID',
      message: `transaction ${transactionId} was committed as invalid: ${name} (${how}, after: ${cause.message})`,
      transactionId,
      validationCode: name,
      cause,
      details: steps,
    });
  };

  /** Poll the ledger for up to lookupWindowMs; the transaction when found with a final code. */
  const poll = async () => {
    const started = now();
    let delay = o.pollDelayMs;
    for (let lookups = 1; ; lookups++) {
      let answer: LookupAnswer;
      try {
        answer = await params.lookup();
      } catch (err) {
        answer = { status: 'unreachable', errors: [(err as Error).message ?? String(err)] };
      }
      steps.push(`lookup ${lookups}: ${describeLookup(answer)}`);
      // DUPLICATE_TXID is never the first entry of an id; should a peer report it, keep looking.
      if (answer.status === 'found' && answer.transaction.validationCode !== StatusCode.DUPLICATE_TXID) return answer.transaction;
      if (now() - started + delay > o.lookupWindowMs) return undefined;
      await sleep(delay);
      delay = Math.min(delay * 2, o.maxPollDelayMs);
    }
  };

  for (let round = 0; ; round++) {
    const found = await poll();
    if (found) {
      if (!found.valid) throw invalid(found.validationCode, `found on the ledger in block ${found.blockNumber}`);
      return { result: found.result, blockNumber: found.blockNumber, resolvedBy: 'ledger', steps };
    }
    if (round >= o.resubmits) break;

    let outcome: ResubmitOutcome;
    try {
      outcome = await params.resubmit();
    } catch (err) {
      // Refused or unknown again: the ledger still decides; look again.
      steps.push(`resubmission ${round + 1} failed: ${(err as Error).message ?? String(err)}`);
      continue;
    }
    const name = validationCodeName(outcome.code);
    steps.push(`resubmission ${round + 1}: committed in block ${outcome.blockNumber} as ${name}`);
    if (outcome.code === StatusCode.DUPLICATE_TXID) continue; // the first envelope got in first: find it
    if (outcome.code !== StatusCode.VALID) throw invalid(outcome.code, `resubmitted, committed in block ${outcome.blockNumber}`);
    if (outcome.sameEnvelope) return { result: outcome.result, blockNumber: outcome.blockNumber, resolvedBy: 'resubmission', steps };
    // Endorsed again under the same id: the committed entry (maybe the first envelope) holds the true result.
    const committed = await poll();
    if (committed?.valid) return { result: committed.result, blockNumber: committed.blockNumber, resolvedBy: 'ledger', steps };
    if (committed) throw invalid(committed.validationCode, `found on the ledger in block ${committed.blockNumber}`);
    steps.push('committed result not readable from the ledger; using the resubmission result');
    return { result: outcome.result, blockNumber: outcome.blockNumber, resolvedBy: 'resubmission', steps };
  }

  throw new MeterledgerError({
    code: 'COMMIT_STATUS_UNAVAILABLE',
    message:
      `commit status of transaction ${transactionId} is still unknown after looking it up on the ledger and ` +
      `${o.resubmits} resubmission(s) of the same transaction; it may yet commit, but never twice. ` +
      `Check the ledger for ${transactionId} before creating a new transaction. First error: ${cause.message}`,
    transactionId,
    cause,
    details: steps,
    grpcCode: cause.grpcCode,
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function')) as Partial<T>;
}
