import { StatusCode, type Status } from '@hyperledger/fabric-gateway';
import type { ProposalContract, ProposalLike, SubmittedTransactionLike, TransactionLike } from '../contract-client';
import { preparedTransactionBytes } from './ledger-fixtures';

export interface FakeCall {
  fn: string;
  /** Arguments as the chaincode would receive them (bytes decoded as UTF-8). */
  args: string[];
  transactionId: string;
  stage: 'evaluate' | 'submit';
}

/** Returns the chaincode result: Uint8Array as is, string as UTF-8, undefined as empty, anything else as JSON. */
export type FakeHandler = (args: string[], call: FakeCall) => unknown;

function encode(value: unknown): Uint8Array {
  if (value === undefined) return new Uint8Array();
  if (value instanceof Uint8Array) return value;
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
}

/**
 * In-memory stand-in for fabric-gateway's Contract proposal flow. A handler that throws fails at evaluate
 * or endorse, as a chaincode error does; submit, commit-status and commit failures are queued explicitly.
 */
export class FakeContract implements ProposalContract {
  readonly calls: FakeCall[] = [];
  /** Transaction id of every submit() of an endorsed transaction (a resubmission repeats the id). */
  readonly submits: string[] = [];
  /** Options other than arguments given to newProposal (transient data, endorsing organizations). */
  readonly proposalOptions: Record<string, unknown>[] = [];
  readonly #handlers = new Map<string, FakeHandler>();
  #nextTx = 1;
  #submitErrors: unknown[] = [];
  #statusErrors: unknown[] = [];
  #statuses: Partial<Status>[] = [];
  blockNumber = 7n;

  on(fn: string, handler: FakeHandler): this {
    this.#handlers.set(fn, handler);
    return this;
  }

  failNextSubmit(err: unknown): this {
    this.#submitErrors.push(err);
    return this;
  }

  failNextCommitStatus(err: unknown): this {
    this.#statusErrors.push(err);
    return this;
  }

  /** The next submitted transaction commits with this validation code. */
  nextCommitCode(code: number): this {
    this.#statuses.push({ code: code as Status['code'], successful: code === StatusCode.VALID });
    return this;
  }

  newProposal(
    fn: string,
    options?: { arguments?: (string | Uint8Array)[]; transientData?: Record<string, string | Uint8Array>; endorsingOrganizations?: string[] },
  ): ProposalLike {
    const transactionId = `tx-${this.#nextTx++}`;
    const rest: Record<string, unknown> = { ...options };
    delete rest.arguments;
    this.proposalOptions.push(rest);
    const args = (options?.arguments ?? []).map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8')));
    const run = (stage: FakeCall['stage']): Uint8Array => {
      const call: FakeCall = { fn, args, transactionId, stage };
      this.calls.push(call);
      const handler = this.#handlers.get(fn);
      if (!handler) throw new Error(`chaincode response 500, You've asked to invoke a function that does not exist: ${fn}`);
      return encode(handler(args, call));
    };
    return {
      getTransactionId: () => transactionId,
      evaluate: async () => run('evaluate'),
      endorse: async (): Promise<TransactionLike> => {
        const result = run('submit');
        return {
          getResult: () => result,
          getBytes: () => preparedTransactionBytes({ transactionId, result, signature: Buffer.from(`signed ${transactionId}`) }),
          submit: async (): Promise<SubmittedTransactionLike> => {
            this.submits.push(transactionId);
            const submitError = this.#submitErrors.shift();
            if (submitError !== undefined) throw submitError;
            return {
              getResult: () => result,
              getStatus: async (): Promise<Status> => {
                const statusError = this.#statusErrors.shift();
                if (statusError !== undefined) throw statusError;
                const status = this.#statuses.shift() ?? {};
                return {
                  blockNumber: this.blockNumber,
                  code: status.code ?? StatusCode.VALID,
                  successful: status.successful ?? true,
                  transactionId,
                };
              },
            };
          },
        };
      },
    };
  }
}
