import { CommitError, type Contract, type Status } from '@hyperledger/fabric-gateway';
import { MeterledgerError, toMeterledgerError } from './errors';
import { validationCodeName } from './validation-codes';

/**
 * The part of fabric-gateway's {@link Contract} the ContractClient uses: the proposal API, so the transaction
 * id is known before anything can fail. Tests implement this with an in-memory fake.
 */
export interface ProposalContract {
  newProposal(transactionName: string, options?: { arguments?: (string | Uint8Array)[] }): ProposalLike;
}

export interface ProposalLike {
  getTransactionId(): string;
  evaluate(): Promise<Uint8Array>;
  endorse(): Promise<TransactionLike>;
}

export interface TransactionLike {
  getResult(): Uint8Array;
  submit(): Promise<SubmittedTransactionLike>;
}

export interface SubmittedTransactionLike {
  getResult(): Uint8Array;
  getStatus(): Promise<Status>;
}

/** A transaction argument: strings and bytes are sent as they are, anything else as JSON. */
export type ContractArgument = string | Uint8Array | object;

export interface SubmitResult<T> {
  result: T;
  transactionId: string;
  blockNumber: bigint;
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
 * Decode a chaincode result: empty → undefined, otherwise UTF-8 JSON. A payload that is not JSON is returned
 * as the string itself (fabric-contract-api sends string return values unquoted).
 */
export function decodeResult<T>(bytes: Uint8Array): T {
  if (bytes.length === 0) return undefined as T;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}

/**
 * Typed JSON calls on one chaincode contract. Every failure is thrown as a {@link MeterledgerError} that
 * carries the transaction id.
 */
export class ContractClient {
  readonly #contract: ProposalContract;

  constructor(contract: ProposalContract | Contract) {
    this.#contract = contract as ProposalContract;
  }

  /** Endorse, order and wait for the commit of a transaction; returns its decoded result. */
  async submit<T>(fn: string, ...args: ContractArgument[]): Promise<T> {
    return (await this.submitWithTxId<T>(fn, ...args)).result;
  }

  /** Like {@link submit}, also returning the transaction id and the block it committed in. */
  async submitWithTxId<T>(fn: string, ...args: ContractArgument[]): Promise<SubmitResult<T>> {
    const proposal = this.#newProposal(fn, args);
    const transactionId = proposal.getTransactionId();
    let status: Status;
    let resultBytes: Uint8Array;
    try {
      const transaction = await proposal.endorse();
      const submitted = await transaction.submit();
      resultBytes = submitted.getResult();
      status = await submitted.getStatus();
    } catch (err) {
      throw toMeterledgerError(err, transactionId);
    }
    if (!status.successful) {
      const name = validationCodeName(status.code);
      throw toMeterledgerError(
        new CommitError({
          code: status.code,
          transactionId: status.transactionId || transactionId,
          message: `Transaction ${transactionId} failed to commit with status code ${status.code} (${name})`,
        }),
        transactionId,
      );
    }
    return { result: decodeResult<T>(resultBytes), transactionId, blockNumber: status.blockNumber };
  }

  #newProposal(fn: string, args: readonly ContractArgument[]): ProposalLike {
    const encoded = encodeArguments(fn, args);
    try {
      return this.#contract.newProposal(fn, { arguments: encoded });
    } catch (err) {
      throw toMeterledgerError(err);
    }
  }

  /** Run a query on one peer without ordering it; returns the decoded result. */
  async evaluate<T>(fn: string, ...args: ContractArgument[]): Promise<T> {
    const proposal = this.#newProposal(fn, args);
    const transactionId = proposal.getTransactionId();
    let bytes: Uint8Array;
    try {
      bytes = await proposal.evaluate();
    } catch (err) {
      throw toMeterledgerError(err, transactionId);
    }
    return decodeResult<T>(bytes);
  }
}
