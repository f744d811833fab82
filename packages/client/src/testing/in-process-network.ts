import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode, type ChaincodeEvent, type Checkpointer, type CloseableAsyncIterable, type Status } from '@hyperledger/fabric-gateway';
import { REGISTRY_CONTRACT } from '@meterledger/contract-api';
import type { SoftwareSigner } from '@meterledger/crypto';
// Test-only code of a sibling package (never built, so no package dependency): the REAL chaincode in process
// (fabric-shim's routing, the meterledger contracts over an in-memory ledger), its X.509 test identities with
// the meterledger.role attribute, and its registration fixtures.
import { possessionProof, registration } from '../../../chaincode/src/testing/fixtures';
import { IDENTITIES, type IdentityName, type TestIdentity } from '../../../chaincode/src/testing/identities';
import { InProcessChaincode, type CallOptions } from '../../../chaincode/src/testing/in-process-chaincode';
import { ContractClient, type ProposalContract, type ProposalLike } from '../contract-client';
import { commitStatusError, endorseError, gatewayError } from './gateway-errors';

/** The chaincode name the in-process network's events carry (as deployed by network/). */
export const IN_PROCESS_CHAINCODE = 'meterledger';

/** One call as the chaincode received it. */
export interface RecordedCall {
  fn: string;
  /** Arguments exactly as the chaincode received them (bytes decoded as UTF-8). */
  args: string[];
  stage: 'evaluate' | 'submit';
}

/**
 * A failure injected into the next submission(s), on top of the real chaincode:
 * - `unavailable`: the gateway peer cannot be reached before endorsement (nothing happens on the ledger);
 * - `mvcc`: endorsed, ordered, and invalidated as MVCC_READ_CONFLICT (nothing applied), as when another
 *   transaction changed what this one read;
 * - `lost-commit-status`: committed on the ledger, but the commit status never reaches the client;
 * - `hang-after-commit`: committed on the ledger, and the client never hears back (the process "dies");
 * - `hang-before-commit`: endorsed and never ordered, and the client never hears back.
 */
export type Fault = 'unavailable' | 'mvcc' | 'lost-commit-status' | 'hang-after-commit' | 'hang-before-commit';

/** A submission and how it ended: a validation code's name, or UNAVAILABLE / ENDORSEMENT_FAILED. */
export interface SubmittedTransaction {
  transactionId: string;
  fn: string;
  code: string;
}

export interface InProcessProposalsOptions {
  /** The transaction time of evaluations and endorsements (default: the network's clock, else the ledger's). */
  clock?: () => string;
}

function peerOf(identity: TestIdentity) {
  return { address: `peer0.${identity.mspId.replace(/MSP$/, '').toLowerCase()}.meterledger.local:7051`, mspId: identity.mspId };
}

/** Unique transaction ids across every proposal surface of the process (a gateway restarted in a test gets a new one). */
let txCounter = 0;

/**
 * fabric-gateway's proposal surface (what GatewayContractTransport drives) for one identity and contract,
 * answered by the REAL chaincode of an InProcessNetwork. As a Gateway: the transient map reaches the
 * chaincode, and the first endorsing org's peer executes (private data membership). Chaincode errors come
 * back as fabric-gateway's own EndorseError / GatewayError with the peer's `chaincode response 500, CODE: ...`
 * detail; a submit commits only if it passes the key-level endorsement policies and MVCC validation, as on a
 * peer, in a block of its own. Concurrent submissions really interleave: each is simulated against the
 * committed state when it is endorsed and validated when it commits. Nothing is echoed: every answer is
 * computed. `faults` and `commitDelayMs` inject what a network does to a client.
 */
export class InProcessProposals implements ProposalContract {
  /** Every call, as the chaincode received it. */
  readonly calls: RecordedCall[] = [];
  /** Failures for the next submissions, one each, in order. */
  readonly faults: Fault[] = [];
  /** Time between endorsement and commit (ordering and block cutting); lets concurrent submissions overlap. */
  commitDelayMs = 0;
  /** Every submitted transaction and how it ended. */
  readonly submitted: SubmittedTransaction[] = [];

  constructor(
    readonly network: InProcessNetwork,
    readonly identity: TestIdentity,
    readonly contractName: string = REGISTRY_CONTRACT,
    readonly options: InProcessProposalsOptions = {},
  ) {}

  newProposal(
    fn: string,
    options?: { arguments?: (string | Uint8Array)[]; transientData?: Record<string, string | Uint8Array>; endorsingOrganizations?: string[] },
  ): ProposalLike {
    const transactionId = `${this.identity.mspId}-${this.identity.role ?? 'none'}-${++txCounter}`;
    const args = [`${this.contractName}:${fn}`, ...(options?.arguments ?? [])];
    const chaincode = this.network.chaincode;
    const call = (): CallOptions => {
      const at = (this.options.clock ?? this.network.clock)?.();
      return {
        txId: transactionId,
        ...(at ? { at } : {}),
        ...(options?.transientData ? { transient: options.transientData } : {}),
        ...(options?.endorsingOrganizations?.length ? { peer: options.endorsingOrganizations[0] } : {}),
      };
    };
    const record = (stage: RecordedCall['stage']) =>
      this.calls.push({ fn, args: args.slice(1).map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8'))), stage });
    const ended = (code: string) => this.submitted.push({ transactionId, fn, code });
    const peer = peerOf(this.identity);
    return {
      getTransactionId: () => transactionId,
      evaluate: async () => {
        record('evaluate');
        const result = await chaincode.evaluate(this.identity, args, call());
        if (result.status !== 200) {
          const message = `chaincode response ${result.status}, ${result.message}`;
          throw gatewayError(GrpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${message}`, [{ ...peer, message }]);
        }
        return result.payload;
      },
      endorse: async () => {
        record('submit');
        const fault = this.faults.shift();
        if (fault === 'unavailable') {
          ended('UNAVAILABLE');
          throw endorseError(transactionId, GrpcStatus.UNAVAILABLE, 'failed to connect to the gateway peer');
        }
        const endorsement = await chaincode.endorse(this.identity, args, call());
        if (endorsement.status !== 200) {
          ended('ENDORSEMENT_FAILED');
          throw endorseError(transactionId, GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
            { ...peer, message: `chaincode response ${endorsement.status}, ${endorsement.message}` },
          ]);
        }
        return {
          getResult: () => endorsement.payload,
          submit: async () => {
            if (fault === 'hang-before-commit') return new Promise<never>(() => undefined);
            if (this.commitDelayMs > 0) await new Promise((r) => setTimeout(r, this.commitDelayMs));
            const name = fault === 'mvcc' ? 'MVCC_READ_CONFLICT' : endorsement.commit();
            const code = StatusCode[name];
            const blockNumber = this.network.commitBlock(transactionId, code === StatusCode.VALID, endorsement.event);
            ended(name);
            if (fault === 'hang-after-commit') return new Promise<never>(() => undefined);
            return {
              getResult: () => endorsement.payload,
              getStatus: async (): Promise<Status> => {
                if (fault === 'lost-commit-status') throw commitStatusError(transactionId, GrpcStatus.UNAVAILABLE, 'the gateway peer went away');
                return { blockNumber, code, successful: code === StatusCode.VALID, transactionId };
              },
            };
          },
        };
      },
    };
  }
}

/**
 * One channel of an in-memory network running the real chaincode (every meterledger contract), for the SDKs'
 * unit tests: proposal surfaces and ContractClients per test identity and contract, one block per committed
 * transaction, and fabric-gateway's Network.getChaincodeEvents with checkpoint semantics over the chaincode
 * events of VALID transactions. `orgs` are the MSP ids whose peers endorse (default: PTB, Inmetro, NMI);
 * `privateData` the weighing contract's collections (see MemoryPrivateData).
 */
export class InProcessNetwork {
  readonly chaincode: InProcessChaincode;
  readonly events: ChaincodeEvent[] = [];
  /** Block 0 is the genesis block. */
  height = 1;
  /** Transaction times for every proposal surface without a clock of its own (default: the ledger's clock, one second a transaction from 2026-01-01T00:00:00Z). */
  clock?: () => string;
  readonly #proposals = new Map<string, InProcessProposals>();
  readonly #waiters = new Set<() => void>();
  #configured = false;

  constructor(options: ConstructorParameters<typeof InProcessChaincode>[0] = {}) {
    this.chaincode = new InProcessChaincode(options);
  }

  /** The proposal surface of a test identity for a contract, one per identity and contract (its `calls` record what the SDK sent). */
  proposalsOf(name: IdentityName, contractName: string = REGISTRY_CONTRACT): InProcessProposals {
    const key = `${name}\u0000${contractName}`;
    let proposals = this.#proposals.get(key);
    if (!proposals) {
      proposals = new InProcessProposals(this, IDENTITIES[name], contractName);
      this.#proposals.set(key, proposals);
    }
    return proposals;
  }

  /** A ContractClient of a test identity for a contract (default: the registry). */
  contract(name: IdentityName, contractName: string = REGISTRY_CONTRACT): ContractClient {
    return new ContractClient(this.proposalsOf(name, contractName), { contractName });
  }

  /**
   * Meters registered through the registry contract, each by PTB and approved by Inmetro with proof of
   * possession of its key; before the first, the configuration (threshold 2: PTB, Inmetro). `at`: the time
   * of the first of these transactions, the next ones a second apart (default: the ledger's clock).
   */
  async registerMeters(meters: Iterable<readonly [meterId: string, signer: SoftwareSigner]>, options: { at?: string } = {}): Promise<void> {
    const clock = this.clock;
    if (options.at !== undefined) {
      let t = Date.parse(options.at) - 1000;
      this.clock = () => new Date((t += 1000)).toISOString();
    }
    try {
      if (!this.#configured) {
        await this.contract('ptbAdmin').submit('initConfig', { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
        this.#configured = true;
      }
      for (const [meterId, signer] of meters) {
        await this.contract('ptbRegistrar').submit('registerMeter', registration(signer, meterId));
        await this.contract('inmetroRegistrar').submit('approveMeter', { meterId, keyVersion: 1, proof: possessionProof(signer, meterId) });
      }
    } finally {
      this.clock = clock;
    }
  }

  /** One block per transaction; the chaincode event of a VALID one goes into the event log. */
  commitBlock(transactionId: string, valid: boolean, event?: { name: string; payload: Uint8Array }): bigint {
    const blockNumber = BigInt(this.height++);
    if (valid && event) this.events.push({ blockNumber, transactionId, chaincodeName: IN_PROCESS_CHAINCODE, eventName: event.name, payload: event.payload });
    for (const wake of this.#waiters) wake();
    return blockNumber;
  }

  /**
   * fabric-gateway's Network.getChaincodeEvents over this channel's committed events: from the checkpoint's
   * block (skipping what the checkpoint says was handled in it), else `startBlock`, else the next block.
   */
  async getChaincodeEvents(chaincodeName: string, options: { startBlock?: bigint; checkpoint?: Checkpointer } = {}): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const checkpointBlock = options.checkpoint?.getBlockNumber();
    const afterTx = options.checkpoint?.getTransactionId();
    const start = checkpointBlock ?? options.startBlock ?? BigInt(this.height);
    let index = this.events.findIndex((e) => e.blockNumber >= start);
    if (index < 0) index = this.events.length;
    if (afterTx !== undefined) {
      const handled = this.events.findIndex((e) => e.blockNumber === checkpointBlock && e.transactionId === afterTx);
      if (handled >= 0) index = handled + 1;
    }
    let closed = false;
    let wake: (() => void) | undefined;
    const waiters = this.#waiters;
    const events = this.events;
    async function* iterate(): AsyncGenerator<ChaincodeEvent> {
      while (!closed) {
        if (index < events.length) {
          const event = events[index++];
          if (event.chaincodeName === chaincodeName) yield event;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          waiters.add(resolve);
        });
        if (wake) waiters.delete(wake);
      }
      throw Object.assign(new Error('14 CANCELLED: Cancelled on client'), { code: GrpcStatus.CANCELLED });
    }
    const iterator = iterate();
    const close = () => {
      closed = true;
      wake?.();
    };
    return { [Symbol.asyncIterator]: () => iterator, close, [Symbol.dispose]: close };
  }
}
