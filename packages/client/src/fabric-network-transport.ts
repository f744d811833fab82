import { REGISTRY_CONTRACT } from '@meterledger/contract-api';
import { StatusCode } from '@hyperledger/fabric-gateway';
import type * as FabricNetwork from 'fabric-network';
import { resolveCommit, type ResolutionOptions, type ResubmitOutcome } from './commit-resolution';
import type { CommonConnectionProfile } from './connection-profile';
import { MeterledgerError } from './errors';
import { fromFabricNetworkError, type FabricNetworkStage } from './fabric-network-errors';
import { findTransaction, type LedgerTarget } from './ledger';
import type { ContractTransport, EvaluateOutcome, Invocation, SubmitOutcome, Transport } from './transport';

/**
 * The `fabric-network` transport: the legacy fabric-network 2.2 SDK, for peers without the Gateway service
 * (Fabric < 2.4). The client endorses through service discovery, sends the envelope to an orderer itself and
 * waits for commit events from its org's peers. fabric-network is loaded only when this transport is used.
 */

type FnModule = typeof FabricNetwork;
type FnNetwork = FabricNetwork.Network;
type FnContract = FabricNetwork.Contract;
type FnTransaction = FabricNetwork.Transaction;
type FnGateway = FabricNetwork.Gateway;
type Channel = ReturnType<FnNetwork['getChannel']>;
type Endorser = ReturnType<Channel['getEndorsers']>[number];
type TxEventHandler = FabricNetwork.TxEventHandler;
type CommitListener = FabricNetwork.CommitListener;

/** Per-stage timeouts in ms (fabric-network takes whole seconds; they are rounded up). */
export interface FabricNetworkTimeouts {
  evaluate: number;
  endorse: number;
  commitStatus: number;
}

export interface FabricNetworkConnectOptions {
  connectionProfile: CommonConnectionProfile;
  mspId: string;
  /** PEM X.509 certificate and PKCS#8 private key of the identity. */
  certificate: string;
  privateKey: string;
  channel: string;
  chaincode: string;
  /** Map discovered endpoints to localhost (a network on this machine); see defaultAsLocalhost. */
  asLocalhost: boolean;
  timeouts: FabricNetworkTimeouts;
  resolution?: ResolutionOptions;
  /**
   * The orgs that endorse submits of the registry contract (the network's authority orgs). fabric-network
   * 2.2 plans endorsements from the chaincode-level policy alone, which any majority of orgs satisfies;
   * a meter's key-level policy names the authorities that approved it, so a plan without them commits as
   * ENDORSEMENT_POLICY_FAILURE. (The Fabric Gateway plans with key-level policies itself.)
   */
  registryEndorsers?: readonly string[];
  /** The fabric-network module (tests inject a fake); default `import('fabric-network')`. */
  fabricNetwork?: Pick<FnModule, 'Gateway' | 'Wallets'>;
}

/** What the commit waiter learned about one submit attempt. */
interface AttemptState {
  /** `order` once the endorsement succeeded and the envelope is about to be sent to the orderer. */
  stage: FabricNetworkStage;
  blockNumber?: bigint;
  waiter?: CommitWaiter;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function namedError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

/**
 * Waits for the commit events of one transaction from every given peer (all of the client's org, as
 * fabric-network's default strategy does), records the block number and marks the moment the envelope is
 * handed to the orderer. Fails on the first invalid event (TransactionError with the validation code) or
 * on the timeout (TimeoutError); a peer whose event stream fails counts as answered.
 */
export class CommitWaiter implements TxEventHandler {
  readonly #transactionId: string;
  readonly #network: Pick<FnNetwork, 'addCommitListener' | 'removeCommitListener'>;
  readonly #pending: Set<unknown>;
  readonly #timeoutMs: number;
  readonly #state: AttemptState;
  readonly #done: Promise<Error | undefined>;
  #finish!: (err: Error | undefined) => void;
  #finished = false;
  #successes = 0;
  #timer: NodeJS.Timeout | undefined;
  #listener: CommitListener | undefined;

  constructor(
    transactionId: string,
    network: Pick<FnNetwork, 'addCommitListener' | 'removeCommitListener'>,
    peers: readonly Endorser[],
    timeoutMs: number,
    state: AttemptState,
  ) {
    this.#transactionId = transactionId;
    this.#network = network;
    this.#pending = new Set(peers);
    this.#timeoutMs = timeoutMs;
    this.#state = state;
    this.#done = new Promise((resolve) => (this.#finish = resolve));
  }

  async startListening(): Promise<void> {
    const peers = [...this.#pending] as Endorser[];
    if (peers.length === 0) throw new Error(`no peer on the channel to receive the commit event of ${this.#transactionId} from`);
    this.#listener = (error, event) => this.#onEvent(error, event);
    this.#timer = setTimeout(
      () => this.#end(namedError('TimeoutError', `no commit event for transaction ${this.#transactionId} within ${this.#timeoutMs} ms`, { transactionId: this.#transactionId })),
      this.#timeoutMs,
    );
    await this.#network.addCommitListener(this.#listener, peers, this.#transactionId);
    this.#state.stage = 'order';
  }

  async waitForEvents(): Promise<void> {
    const err = await this.#done;
    if (err) throw err;
  }

  cancelListening(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#listener) this.#network.removeCommitListener(this.#listener);
    this.#listener = undefined;
  }

  #end(err: Error | undefined): void {
    if (this.#finished) return;
    this.#finished = true;
    this.cancelListening();
    this.#finish(err);
  }

  #onEvent(error?: FabricNetwork.CommitError, event?: FabricNetwork.CommitEvent): void {
    if (event) {
      const blockNumber = BigInt(event.getBlockEvent().blockNumber.toString());
      if (!event.isValid) {
        this.#state.blockNumber = blockNumber;
        this.#end(
          namedError('TransactionError', `transaction ${this.#transactionId} was committed as invalid: ${event.status}`, {
            transactionId: this.#transactionId,
            transactionCode: event.status,
          }),
        );
        return;
      }
      this.#state.blockNumber ??= blockNumber;
    }
    const peer = error?.peer ?? event?.peer;
    if (!this.#pending.delete(peer)) return;
    if (event) this.#successes++;
    if (this.#pending.size === 0) {
      this.#end(this.#successes > 0 ? undefined : new Error(`no peer reported the commit of transaction ${this.#transactionId}: ${error?.message ?? ''}`));
    }
  }
}

function isTransactionError(err: unknown): err is Error & { transactionCode: string } {
  return err instanceof Error && err.name === 'TransactionError' && typeof (err as { transactionCode?: unknown }).transactionCode === 'string';
}

function validationCodeNumber(name: string): number {
  const code = (StatusCode as unknown as Record<string, number>)[name];
  return typeof code === 'number' ? code : -1;
}

function toArgs(args: readonly (string | Uint8Array)[]): string[] {
  // fabric-common sends Buffer arguments as they are and anything else as UTF-8 text.
  return args.map((a) => (typeof a === 'string' ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength))) as string[];
}

function toTransient(data: Record<string, string | Uint8Array>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)]));
}

/** The fabric-network pieces one contract transport needs (a fake in tests). */
export interface FabricNetworkContext {
  network: Pick<FnNetwork, 'addCommitListener' | 'removeCommitListener' | 'getChannel'>;
  contract: Pick<FnContract, 'createTransaction'>;
  channel: string;
  mspId: string;
  timeouts: FabricNetworkTimeouts;
  /** Where to look transactions up, in order. */
  ledgerTargets: () => readonly LedgerTarget[];
  resolution?: ResolutionOptions;
  /** Endorsing orgs for submits that name none (see FabricNetworkConnectOptions.registryEndorsers). */
  defaultEndorsers?: readonly string[];
}

/** Calls on one contract through fabric-network, with the same outcomes and codes as the gateway transport. */
export class FabricNetworkContractTransport implements ContractTransport {
  readonly #ctx: FabricNetworkContext;

  constructor(context: FabricNetworkContext) {
    this.#ctx = context;
  }

  #newTransaction(invocation: Invocation): FnTransaction {
    let tx: FnTransaction;
    try {
      tx = this.#ctx.contract.createTransaction(invocation.fn);
    } catch (err) {
      throw fromFabricNetworkError(err, undefined, 'evaluate');
    }
    if (invocation.transientData) tx.setTransient(toTransient(invocation.transientData));
    const endorsers = invocation.endorsingOrganizations ?? this.#ctx.defaultEndorsers;
    if (endorsers && endorsers.length > 0) tx.setEndorsingOrganizations(...endorsers);
    return tx;
  }

  async evaluate(invocation: Invocation): Promise<EvaluateOutcome> {
    const tx = this.#newTransaction(invocation);
    const transactionId = tx.getTransactionId();
    try {
      return { result: await tx.evaluate(...toArgs(invocation.args)), transactionId };
    } catch (err) {
      throw fromFabricNetworkError(err, transactionId, 'evaluate');
    }
  }

  /** Peers whose commit events count: the client's org, else (no peer of its own) every peer of the channel. */
  #eventPeers(): Endorser[] {
    const channel = this.#ctx.network.getChannel();
    const own = channel.getEndorsers(this.#ctx.mspId);
    return own.length > 0 ? own : channel.getEndorsers();
  }

  /** One submit of `tx` (same transaction id every time): endorse, order, wait for the commit events. */
  async #attempt(tx: FnTransaction, args: string[]): Promise<{ result: Uint8Array; state: AttemptState }> {
    const state: AttemptState = { stage: 'endorse' };
    tx.setEventHandler((transactionId) => {
      state.waiter = new CommitWaiter(transactionId, this.#ctx.network, this.#eventPeers(), this.#ctx.timeouts.commitStatus, state);
      return state.waiter;
    });
    try {
      const result = await tx.submit(...args);
      return { result, state };
    } catch (err) {
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { meterledgerStage: state.stage, meterledgerBlock: state.blockNumber });
    } finally {
      state.waiter?.cancelListening(); // fabric-network leaves it listening when sending to the orderer throws
    }
  }

  async submit(invocation: Invocation): Promise<SubmitOutcome> {
    const tx = this.#newTransaction(invocation);
    const transactionId = tx.getTransactionId();
    const args = toArgs(invocation.args);

    let cause: MeterledgerError;
    try {
      const { result, state } = await this.#attempt(tx, args);
      if (state.blockNumber === undefined) throw new Error(`transaction ${transactionId} reported committed without a block number`);
      return { result, transactionId, blockNumber: state.blockNumber, resolvedBy: 'commit-status' };
    } catch (err) {
      const stage = (err as { meterledgerStage?: FabricNetworkStage }).meterledgerStage ?? 'order';
      if (isTransactionError(err) && err.transactionCode !== 'DUPLICATE_TXID') throw fromFabricNetworkError(err, transactionId, 'order');
      if (!isTransactionError(err) && stage !== 'order') throw fromFabricNetworkError(err, transactionId, 'endorse');
      cause = fromFabricNetworkError(err, transactionId, 'order');
      if (isTransactionError(err)) cause = new MeterledgerError({ ...causeProperties(cause), code: 'COMMIT_STATUS_UNAVAILABLE' });
    }

    const resolved = await resolveCommit({
      transactionId,
      cause,
      lookup: () => findTransaction(this.#ctx.ledgerTargets(), this.#ctx.channel, transactionId),
      resubmit: async (): Promise<ResubmitOutcome> => {
        try {
          const { result, state } = await this.#attempt(tx, args);
          return { code: StatusCode.VALID, blockNumber: state.blockNumber ?? -1n, result, sameEnvelope: false };
        } catch (err) {
          if (isTransactionError(err)) {
            const block = (err as { meterledgerBlock?: bigint }).meterledgerBlock ?? -1n;
            return { code: validationCodeNumber(err.transactionCode), blockNumber: block, result: new Uint8Array(), sameEnvelope: false };
          }
          throw err;
        }
      },
      options: this.#ctx.resolution,
    });
    return { result: resolved.result, transactionId, blockNumber: resolved.blockNumber, resolvedBy: resolved.resolvedBy };
  }
}

function causeProperties(err: MeterledgerError) {
  return {
    message: err.message,
    transactionId: err.transactionId,
    cause: err.cause,
    details: err.details,
    validationCode: err.validationCode,
    grpcCode: err.grpcCode,
  };
}

/**
 * qscc on one peer through fabric-common, bypassing fabric-network's query handler (which only asks the
 * client's org). Discovery does not list system chaincodes on the peers it finds, and fabric-common refuses
 * to send a proposal for a chaincode a discovered peer does not list, hence `addChaincode('qscc')`.
 */
export function fabricNetworkLedgerTarget(gateway: Pick<FnGateway, 'identityContext'>, channel: Channel, endorser: Endorser, timeoutMs: number): LedgerTarget {
  return {
    name: endorser.name,
    evaluate: async (fn, channelName, transactionId) => {
      const identity = gateway.identityContext;
      if (!identity) throw new Error('the fabric-network gateway is not connected');
      endorser.addChaincode('qscc');
      const idx = identity.calculateTransactionId();
      const query = channel.newQuery('qscc');
      query.build(idx, { fcn: fn, args: [channelName, transactionId] });
      query.sign(idx);
      const answer = await query.send({ targets: [endorser], requestTimeout: timeoutMs });
      const response = (answer.responses ?? [])[0]?.response as { status?: number; message?: string; payload?: Uint8Array } | undefined;
      if (response && response.status !== undefined && response.status < 400) return response.payload ?? new Uint8Array();
      if (response) throw Object.assign(new Error(`${endorser.name}: status ${response.status}, ${response.message ?? ''}`), { status: response.status });
      throw (answer.errors ?? [])[0] ?? new Error(`${endorser.name}: no answer`);
    },
  };
}

/** A connected fabric-network identity (see connect({ transport: 'fabric-network' })). */
export interface FabricNetworkTransport extends Transport {
  readonly kind: 'fabric-network';
  readonly gateway: FnGateway;
  readonly network: FnNetwork;
}

/** Connect through fabric-network 2.2: in-memory wallet, connection profile, discovery. */
export async function connectFabricNetwork(options: FabricNetworkConnectOptions): Promise<FabricNetworkTransport> {
  const fabricNetwork = options.fabricNetwork ?? (await import('fabric-network'));
  const label = `${options.mspId}-identity`;
  const wallet = await fabricNetwork.Wallets.newInMemoryWallet();
  await wallet.put(label, { type: 'X.509', mspId: options.mspId, credentials: { certificate: options.certificate, privateKey: options.privateKey } } as FabricNetwork.X509Identity);
  const gateway = new fabricNetwork.Gateway();
  try {
    await gateway.connect(options.connectionProfile as unknown as Record<string, unknown>, {
      wallet,
      identity: label,
      discovery: { enabled: true, asLocalhost: options.asLocalhost },
      eventHandlerOptions: { endorseTimeout: seconds(options.timeouts.endorse), commitTimeout: seconds(options.timeouts.commitStatus) },
      queryHandlerOptions: { timeout: seconds(options.timeouts.evaluate) },
      // How long fabric-common waits for a connection to a peer or orderer (its default is 3 s).
      'connection-options': { 'grpc-wait-for-ready-timeout': options.timeouts.evaluate },
    });
  } catch (err) {
    gateway.disconnect();
    throw fromFabricNetworkError(err, undefined, 'evaluate');
  }
  let network: FnNetwork;
  try {
    network = await gateway.getNetwork(options.channel);
  } catch (err) {
    gateway.disconnect();
    throw fromFabricNetworkError(err, undefined, 'evaluate');
  }
  const channel = network.getChannel();
  const ledgerTargets = (): LedgerTarget[] => {
    const own = channel.getEndorsers(options.mspId);
    const others = channel.getEndorsers().filter((e) => !own.includes(e));
    return [...own, ...others].map((e) => fabricNetworkLedgerTarget(gateway, channel, e, options.timeouts.evaluate));
  };
  const contracts = new Map<string, FabricNetworkContractTransport>();
  let closed = false;
  return {
    kind: 'fabric-network',
    channel: options.channel,
    chaincodeName: options.chaincode,
    mspId: options.mspId,
    gateway,
    network,
    contract(contractName?: string) {
      const key = contractName ?? '';
      let contract = contracts.get(key);
      if (!contract) {
        contract = new FabricNetworkContractTransport({
          network,
          contract: network.getContract(options.chaincode, contractName),
          channel: options.channel,
          mspId: options.mspId,
          timeouts: options.timeouts,
          ledgerTargets,
          resolution: options.resolution,
          ...((contractName ?? REGISTRY_CONTRACT) === REGISTRY_CONTRACT && options.registryEndorsers ? { defaultEndorsers: options.registryEndorsers } : {}),
        });
        contracts.set(key, contract);
      }
      return contract;
    },
    close() {
      if (closed) return;
      closed = true;
      gateway.disconnect();
    },
  };
}
