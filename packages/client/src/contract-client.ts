import { decodeResult } from './decode-result';
import { MeterledgerError, toMeterledgerError } from './errors';
import { assertSubmittable } from './evaluate-only';
import {
  GatewayContractTransport,
  type GatewayResolution,
  type ProposalContract,
} from './gateway-transport';
import type { ContractTransport, InvokeOptions, SubmitOutcome } from './transport';
import type { Contract } from '@hyperledger/fabric-gateway';

export type {
  ProposalContract,
  ProposalLike,
  SubmittedTransactionLike,
  TransactionLike,
} from './gateway-transport';

/** A transaction argument: strings and bytes are sent as they are, anything else as JSON. */
export type ContractArgument = string | Uint8Array | object;

export interface SubmitResult<T> {
  result: T;
  transactionId: string;
  blockNumber: bigint;
  /**
   * How the commit was learned: `commit-status` normally; `ledger` or `resubmission` when the commit status
   * was unknown and the SDK resolved it (see the README, "When the outcome of a submit is unknown").
   */
  resolvedBy: SubmitOutcome['resolvedBy'];
}

export interface ContractClientOptions {
  /**
   * For a fabric-gateway Contract (or ProposalContract): how to resolve an unknown commit outcome on the
   * ledger. connect() sets it; without it such a failure is thrown as COMMIT_STATUS_UNAVAILABLE.
   */
  resolution?: GatewayResolution;
  /** The contract the calls go to (default: the chaincode's default contract, `registry`); decides which functions are evaluate-only. */
  contractName?: string;
}

function isContractTransport(target: unknown): target is ContractTransport {
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as ContractTransport).submit === 'function' &&
    typeof (target as ContractTransport).evaluate === 'function' &&
    typeof (target as ProposalContract).newProposal !== 'function'
  );
}

/** Encode arguments the way the meterledger chaincode reads them. */
export function encodeArguments(fn: string, args: readonly ContractArgument[]): (string | Uint8Array)[] {
  return args.map((arg, index) => {
    if (typeof arg === 'string' || arg instanceof Uint8Array) return arg;
    if (arg === null || arg === undefined || typeof arg !== 'object') {
      throw new MeterledgerError({
        code: 'INVALID_ARGUMENT',
        message: `${fn}: argument ${index} must be a string, bytes or an object, not ${arg === null ? 'null' : typeof arg}`,
      });
    }
    return JSON.stringify(arg);
  });
}

/**
 * Typed JSON calls on one chaincode contract, through any transport. Every failure is thrown as a
 * {@link MeterledgerError} that carries the transaction id.
 */
export class ContractClient {
  readonly #transport: ContractTransport;
  readonly #contractName: string | undefined;

  /**
   * `target`: a ContractTransport (what connect() uses, for either transport), or a fabric-gateway Contract
   * or anything with its proposal API (wrapped in a GatewayContractTransport).
   */
  constructor(target: ContractTransport | ProposalContract | Contract, options: ContractClientOptions = {}) {
    this.#contractName = options.contractName;
    this.#transport = isContractTransport(target)
      ? target
      : new GatewayContractTransport(target as ProposalContract, options.resolution);
  }

  /** Endorse, order and wait for the commit of a transaction; returns its decoded result. */
  async submit<T>(fn: string, ...args: ContractArgument[]): Promise<T> {
    return (await this.submitWithTxId<T>(fn, ...args)).result;
  }

  /** Like {@link submit}, also returning the transaction id and the block it committed in. */
  async submitWithTxId<T>(fn: string, ...args: ContractArgument[]): Promise<SubmitResult<T>> {
    return this.submitWithOptions<T>(fn, args);
  }

  /** Submit with transient data and/or endorsing organizations. */
  async submitWithOptions<T>(fn: string, args: readonly ContractArgument[], options: InvokeOptions = {}): Promise<SubmitResult<T>> {
    assertSubmittable(fn, this.#contractName);
    const encoded = encodeArguments(fn, args);
    let outcome: SubmitOutcome;
    try {
      outcome = await this.#transport.submit({ fn, args: encoded, ...options });
    } catch (err) {
      throw toMeterledgerError(err);
    }
    return {
      result: decodeResult<T>(outcome.result, { fn, transactionId: outcome.transactionId }),
      transactionId: outcome.transactionId,
      blockNumber: outcome.blockNumber,
      resolvedBy: outcome.resolvedBy,
    };
  }

  /** Run a query on one peer without ordering it; returns the decoded result. */
  async evaluate<T>(fn: string, ...args: ContractArgument[]): Promise<T> {
    return this.evaluateWithOptions<T>(fn, args);
  }

  /** Evaluate with transient data and/or target organizations. */
  async evaluateWithOptions<T>(fn: string, args: readonly ContractArgument[], options: InvokeOptions = {}): Promise<T> {
    const encoded = encodeArguments(fn, args);
    try {
      const { result, transactionId } = await this.#transport.evaluate({ fn, args: encoded, ...options });
      return decodeResult<T>(result, { fn, transactionId });
    } catch (err) {
      throw err instanceof MeterledgerError ? err : toMeterledgerError(err);
    }
  }
}
