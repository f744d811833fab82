import { StatusCode } from '@hyperledger/fabric-gateway';
import { ContractClient } from './contract-client';
import { MeterledgerError } from './errors';
import { CommitWaiter, FabricNetworkContractTransport, type FabricNetworkContext } from './fabric-network-transport';
import type { LedgerTarget } from './ledger';
import { blockBytes, buildEnvelope, processedTransactionBytes } from './testing/ledger-fixtures';

/**
 * fabric-network 2.2's Transaction / Network surface in memory. A submit runs as Transaction.submit does:
 * endorse (may fail), create the event handler and startListening(), send to the orderer (may fail), then
 * waitForEvents(); the commit events come from the fake network.
 */
interface FakeEndorser {
  name: string;
  mspid: string;
  addChaincode: (name: string) => void;
}
type CommitListenerFn = (error?: { peer: unknown; message: string }, event?: object) => void;
type Step =
  | { kind: 'endorse-fails'; error: Error }
  | { kind: 'order-fails'; error: Error }
  | { kind: 'commit'; events: { peer: number; valid?: boolean; status?: string; block: number; error?: boolean }[] }
  | { kind: 'silent' };

class FakeFabric {
  readonly endorsers: FakeEndorser[] = [
    { name: 'peer0.ptb', mspid: 'PTBMSP', addChaincode: () => undefined },
    { name: 'peer1.ptb', mspid: 'PTBMSP', addChaincode: () => undefined },
    { name: 'peer0.inmetro', mspid: 'InmetroMSP', addChaincode: () => undefined },
  ];
  readonly listeners = new Map<CommitListenerFn, { peers: unknown[]; txId: string }>();
  readonly steps: Step[] = [];
  readonly submitted: { fn: string; txId: string; args: unknown[] }[] = [];
  readonly evaluated: { fn: string; args: unknown[]; transient?: Record<string, Buffer> }[] = [];
  /** The ledger as qscc sees it. */
  readonly ledger = new Map<string, { code: number; result: string; block: number }>();
  #tx = 0;

  network = {
    getChannel: () => ({
      getEndorsers: (mspid?: string) => this.endorsers.filter((e) => mspid === undefined || e.mspid === mspid),
    }),
    addCommitListener: async (listener: CommitListenerFn, peers: unknown[], txId: string) => {
      this.listeners.set(listener, { peers, txId });
      return listener;
    },
    removeCommitListener: (listener: CommitListenerFn) => void this.listeners.delete(listener),
  };

  contract = {
    createTransaction: (fn: string) => {
      const txId = `fn-tx-${++this.#tx}`;
      let handlerFactory: ((txId: string, network: unknown) => { startListening(): Promise<void>; waitForEvents(): Promise<void>; cancelListening(): void }) | undefined;
      let transient: Record<string, Buffer> | undefined;
      const tx = {
        getTransactionId: () => txId,
        setTransient: (t: Record<string, Buffer>) => ((transient = t), tx),
        setEndorsingOrganizations: () => tx,
        setEventHandler: (f: typeof handlerFactory) => ((handlerFactory = f), tx),
        evaluate: async (...args: unknown[]) => {
          this.evaluated.push({ fn, args, transient });
          return Buffer.from(JSON.stringify({ fn, args: args.map((a) => (Buffer.isBuffer(a) ? `bytes:${a.toString('hex')}` : a)) }));
        },
        submit: async (...args: unknown[]) => {
          this.submitted.push({ fn, txId, args });
          const step = this.steps.shift() ?? { kind: 'commit', events: [{ peer: 0, block: 1 }, { peer: 1, block: 1 }] };
          if (step.kind === 'endorse-fails') throw step.error;
          const handler = handlerFactory!(txId, this.network);
          await handler.startListening();
          if (step.kind === 'order-fails') throw step.error;
          if (step.kind === 'commit') {
            for (const e of step.events) {
              const peer = this.endorsers[e.peer];
              if (e.valid !== false && !e.error && !this.ledger.has(txId)) this.ledger.set(txId, { code: 0, result: `"${fn} done"`, block: e.block });
              for (const [listener] of [...this.listeners]) {
                if (e.error) listener({ peer, message: 'event service disconnected' });
                else
                  listener(undefined, {
                    peer,
                    transactionId: txId,
                    isValid: e.valid !== false,
                    status: e.status ?? 'VALID',
                    getBlockEvent: () => ({ blockNumber: { toString: () => String(e.block) } }),
                  });
              }
            }
          }
          await handler.waitForEvents();
          return Buffer.from(`"${fn} done"`);
        },
      };
      return tx;
    },
  };

  ledgerTarget: LedgerTarget = {
    name: 'peer0.ptb',
    evaluate: async (fn, _channel, txId) => {
      const entry = this.ledger.get(txId);
      if (!entry) throw new Error(`peer0.ptb: status 500, Failed to get transaction with id ${txId}, error no such transaction ID [${txId}] in index`);
      return fn === 'GetTransactionByID'
        ? processedTransactionBytes({ transactionId: txId, result: entry.result, validationCode: entry.code })
        : blockBytes(entry.block, [buildEnvelope({ transactionId: txId })]);
    },
  };

  context(overrides: Partial<FabricNetworkContext> = {}): FabricNetworkContext {
    let t = 0;
    return {
      network: this.network as unknown as FabricNetworkContext['network'],
      contract: this.contract as unknown as FabricNetworkContext['contract'],
      channel: 'nmichannel',
      mspId: 'PTBMSP',
      timeouts: { evaluate: 1000, endorse: 1000, commitStatus: 200 },
      ledgerTargets: () => [this.ledgerTarget],
      resolution: { lookupWindowMs: 1000, now: () => t, sleep: async (ms) => void (t += ms) },
      ...overrides,
    };
  }
}

describe('FabricNetworkContractTransport', () => {
  let fabric: FabricNetwork;
  let client: ContractClient;
  type FabricNetwork = FakeFabric;

  beforeEach(() => {
    fabric = new FakeFabric();
    client = new ContractClient(new FabricNetworkContractTransport(fabric.context()));
  });

  it('submits, waits for the commit events of its org\'s peers and returns result, transaction id and block', async () => {
    fabric.steps.push({ kind: 'commit', events: [{ peer: 0, block: 14 }, { peer: 1, block: 14 }] });
    await expect(client.submitWithTxId('registerMeter', { meterId: 'm-1' })).resolves.toEqual({
      result: 'registerMeter done',
      transactionId: 'fn-tx-1',
      blockNumber: 14n,
      resolvedBy: 'commit-status',
    });
    expect(fabric.submitted[0].args).toEqual(['{"meterId":"m-1"}']);
    expect(fabric.listeners.size).toBe(0);
  });

  it('an invalid commit is TRANSACTION_INVALID with the validation code', async () => {
    fabric.steps.push({ kind: 'commit', events: [{ peer: 0, block: 3, valid: false, status: 'MVCC_READ_CONFLICT' }] });
    await expect(client.submit('approveMeter', {})).rejects.toMatchObject({
      code: 'TRANSACTION_INVALID',
      validationCode: 'MVCC_READ_CONFLICT',
      transactionId: 'fn-tx-1',
    });
  });

  it('an endorsement failure is mapped and never looked up', async () => {
    const error = Object.assign(new Error('No valid responses from any peers.'), {
      responses: [{ response: { status: 500, message: 'UNKNOWN_METER: meter m-9 is not registered' }, connection: { name: 'peer0.ptb' } }],
      errors: [],
    });
    fabric.steps.push({ kind: 'endorse-fails', error });
    const lookup = jest.spyOn(fabric.ledgerTarget, 'evaluate');
    await expect(client.submit('revokeMeter', {})).rejects.toMatchObject({ code: 'UNKNOWN_METER', transactionId: 'fn-tx-1' });
    expect(lookup).not.toHaveBeenCalled();
  });

  it('when sending to the orderer fails, finds the transaction on the ledger instead of failing', async () => {
    fabric.steps.push({ kind: 'order-fails', error: new Error('Failed to send transaction successfully to the committer. status:SERVICE_UNAVAILABLE') });
    // The orderer did take it (the answer was lost): it committed.
    fabric.ledger.set('fn-tx-1', { code: StatusCode.VALID, result: '{"meterId":"m-2"}', block: 21 });
    await expect(client.submitWithTxId('registerMeter', { meterId: 'm-2' })).resolves.toEqual({
      result: { meterId: 'm-2' },
      transactionId: 'fn-tx-1',
      blockNumber: 21n,
      resolvedBy: 'ledger',
    });
    expect(fabric.listeners.size).toBe(0); // the waiter fabric-network would leave listening was cancelled
    expect(fabric.submitted).toHaveLength(1);
  });

  it('when no commit event arrives, resubmits the same transaction id and reads the committed result', async () => {
    fabric.steps.push({ kind: 'silent' }, { kind: 'commit', events: [{ peer: 0, block: 30 }, { peer: 1, block: 30 }] });
    const out = await client.submitWithTxId('registerMeter', { meterId: 'm-3' });
    expect(out).toEqual({ result: 'registerMeter done', transactionId: 'fn-tx-1', blockNumber: 30n, resolvedBy: 'ledger' });
    expect(fabric.submitted.map((s) => s.txId)).toEqual(['fn-tx-1', 'fn-tx-1']);
  });

  it('a resubmission endorsed after the first one committed ("duplicate transaction") settles on the ledger', async () => {
    fabric.steps.push(
      { kind: 'order-fails', error: new Error('REQUEST TIMEOUT') },
      { kind: 'endorse-fails', error: new Error('duplicate transaction found [fn-tx-1]') },
    );
    let lookups = 0;
    const original = fabric.ledgerTarget.evaluate;
    fabric.ledgerTarget.evaluate = async (fn, channel, txId) => {
      if (fn === 'GetTransactionByID' && ++lookups === 4) fabric.ledger.set(txId, { code: StatusCode.VALID, result: '"late"', block: 9 });
      return original(fn, channel, txId);
    };
    await expect(client.submitWithTxId('registerMeter', {})).resolves.toMatchObject({ result: 'late', blockNumber: 9n, resolvedBy: 'ledger' });
  });

  it('evaluates with the transaction id, bytes as Buffers and transient data', async () => {
    await expect(client.evaluateWithOptions('getMeter', ['m-1', new Uint8Array([1, 2])], { transientData: { k: 'v' } })).resolves.toEqual({
      fn: 'getMeter',
      args: ['m-1', 'bytes:0102'],
    });
    expect(fabric.evaluated[0].transient).toEqual({ k: Buffer.from('v') });
  });
});

describe('CommitWaiter', () => {
  const peers = [{ name: 'a' }, { name: 'b' }] as never[];
  function harness(timeoutMs = 1000) {
    const state: { stage: 'endorse' | 'order'; blockNumber?: bigint } = { stage: 'endorse' };
    let listener: CommitListenerFn | undefined;
    const network = {
      addCommitListener: async (l: CommitListenerFn) => ((listener = l), l),
      removeCommitListener: jest.fn(),
    };
    const waiter = new CommitWaiter('tx', network as never, peers, timeoutMs, state);
    const event = (peer: unknown, valid = true, block = 5) =>
      listener!(undefined, { peer, isValid: valid, status: valid ? 'VALID' : 'ENDORSEMENT_POLICY_FAILURE', getBlockEvent: () => ({ blockNumber: { toString: () => String(block) } }) });
    const failure = (peer: unknown) => listener!({ peer, message: 'stream closed' });
    return { state, waiter, network, event, failure };
  }

  it('marks the order stage once listening and succeeds when every peer answered and one committed it', async () => {
    const h = harness();
    await h.waiter.startListening();
    expect(h.state.stage).toBe('order');
    h.failure(peers[0]);
    h.event(peers[1], true, 8);
    await expect(h.waiter.waitForEvents()).resolves.toBeUndefined();
    expect(h.state.blockNumber).toBe(8n);
    expect(h.network.removeCommitListener).toHaveBeenCalled();
  });

  it('fails on an invalid event with a TransactionError carrying the code', async () => {
    const h = harness();
    await h.waiter.startListening();
    h.event(peers[0], false, 4);
    await expect(h.waiter.waitForEvents()).rejects.toMatchObject({ name: 'TransactionError', transactionCode: 'ENDORSEMENT_POLICY_FAILURE' });
  });

  it('fails when every peer failed, and on its timeout', async () => {
    const h = harness();
    await h.waiter.startListening();
    h.failure(peers[0]);
    h.failure(peers[1]);
    await expect(h.waiter.waitForEvents()).rejects.toThrow(/no peer reported the commit/);
    const slow = harness(10);
    await slow.waiter.startListening();
    await expect(slow.waiter.waitForEvents()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('refuses to start without peers (nothing has been sent to the orderer yet)', async () => {
    const state = { stage: 'endorse' as const };
    const waiter = new CommitWaiter('tx', { addCommitListener: jest.fn(), removeCommitListener: jest.fn() } as never, [], 1000, state);
    await expect(waiter.startListening()).rejects.toThrow(/no peer/);
    expect(state.stage).toBe('endorse');
  });
});

// MeterledgerError is what every rejection above is; keep the import checked.
export const errorClass = MeterledgerError;
