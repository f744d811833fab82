import type { ProposalContract, ProposalLike } from '@meterledger/client';

export interface RecordedCall {
  fn: string;
  /** Arguments exactly as the chaincode would receive them. */
  args: string[];
  stage: 'evaluate' | 'submit';
}

type Handler = (args: string[]) => unknown;

/**
 * The fabric-gateway proposal surface in memory: records what a real ContractClient sends and answers
 * with canned JSON. A handler that throws fails the call as a chaincode error would.
 */
export class FakeRegistry implements ProposalContract {
  readonly calls: RecordedCall[] = [];
  readonly #handlers = new Map<string, Handler>();
  #tx = 0;

  on(fn: string, handler: Handler): this {
    this.#handlers.set(fn, handler);
    return this;
  }

  /** Only the JSON argument of each call, parsed. */
  jsonArgs(fn: string): unknown[] {
    return this.calls.filter((c) => c.fn === fn).map((c) => JSON.parse(c.args[0]));
  }

  newProposal(fn: string, options?: { arguments?: (string | Uint8Array)[] }): ProposalLike {
    const transactionId = `tx-${++this.#tx}`;
    const args = (options?.arguments ?? []).map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8')));
    const run = (stage: RecordedCall['stage']): Uint8Array => {
      this.calls.push({ fn, args, stage });
      const handler = this.#handlers.get(fn);
      if (!handler) throw new Error(`chaincode response 500, You've asked to invoke a function that does not exist: ${fn}`);
      const result = handler(args);
      return result === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(result));
    };
    return {
      getTransactionId: () => transactionId,
      evaluate: async () => run('evaluate'),
      endorse: async () => {
        const result = run('submit');
        return {
          getResult: () => result,
          submit: async () => ({
            getResult: () => result,
            getStatus: async () => ({ blockNumber: 1n, code: 0, successful: true, transactionId }),
          }),
        };
      },
    };
  }
}
