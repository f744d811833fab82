import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode, type ChaincodeEvent, type Checkpointer, type CloseableAsyncIterable, type Status } from '@hyperledger/fabric-gateway';
import { ContractClient, type ProposalContract, type ProposalLike } from '@meterledger/client';
import { READINGS_CONTRACT, REGISTRY_CONTRACT } from '@meterledger/contract-api';
import { generateSoftwareSigner, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
// Test-only code of sibling packages (never built): the REAL chaincode in process (fabric-shim routing,
// MeterRegistryContract + ReadingsContract over an in-memory ledger), X.509 test identities with the
// meterledger.role attribute, fabric-gateway's error classes built the way the library builds them.
import { IDENTITIES, type IdentityName, type TestIdentity } from '../../../chaincode/src/testing/identities';
import { InProcessChaincode } from '../../../chaincode/src/testing/in-process-chaincode';
import { possessionProof, registration } from '../../../chaincode/src/testing/fixtures';
import { endorseError, gatewayError } from '../../../client/src/testing/gateway-errors';
import { AuditorClient } from '../auditor-client';

function peerOf(identity: TestIdentity) {
  return { address: `peer0.${identity.mspId.replace(/MSP$/, '').toLowerCase()}.meterledger.local:7051`, mspId: identity.mspId };
}

let txCounter = 0;

/**
 * fabric-gateway's proposal surface for one identity and contract, answered by the real chaincode (as in
 * packages/authority/src/testing/in-process-registry.ts), with one block per committed transaction and
 * the chaincode events of VALID transactions kept in the network's event log.
 */
class Proposals implements ProposalContract {
  constructor(
    readonly network: InProcessReadingsNetwork,
    readonly identity: TestIdentity,
    readonly contractName: string,
  ) {}

  newProposal(fn: string, options?: { arguments?: (string | Uint8Array)[] }): ProposalLike {
    const transactionId = `${this.identity.mspId}-${this.identity.role ?? 'none'}-${++txCounter}`;
    const args = [`${this.contractName}:${fn}`, ...(options?.arguments ?? [])];
    const chaincode = this.network.chaincode;
    const peer = peerOf(this.identity);
    return {
      getTransactionId: () => transactionId,
      evaluate: async () => {
        const result = await chaincode.evaluate(this.identity, args, { txId: transactionId });
        if (result.status !== 200) {
          const message = `chaincode response ${result.status}, ${result.message}`;
          throw gatewayError(GrpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${message}`, [{ ...peer, message }]);
        }
        return result.payload;
      },
      endorse: async () => {
        const endorsement = await chaincode.endorse(this.identity, args, { txId: transactionId, ...(this.network.nextTxTime ? { at: this.network.nextTxTime() } : {}) });
        if (endorsement.status !== 200) {
          throw endorseError(transactionId, GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
            { ...peer, message: `chaincode response ${endorsement.status}, ${endorsement.message}` },
          ]);
        }
        return {
          getResult: () => endorsement.payload,
          submit: async () => {
            const code = StatusCode[endorsement.commit()];
            const blockNumber = this.network.commitBlock(transactionId, code === StatusCode.VALID, endorsement.event);
            return {
              getResult: () => endorsement.payload,
              getStatus: async (): Promise<Status> => ({ blockNumber, code, successful: code === StatusCode.VALID, transactionId }),
            };
          },
        };
      },
    };
  }
}

/**
 * One in-memory channel running the real chaincode, for the auditor's tests: ContractClients per test
 * identity and contract, one block per committed transaction, and a fabric-gateway-like
 * getChaincodeEvents with checkpoint semantics (start at the checkpoint's block, skip what the checkpoint
 * says was handled in it) over the events of committed transactions.
 */
export class InProcessReadingsNetwork {
  readonly chaincode: InProcessChaincode;
  readonly events: ChaincodeEvent[] = [];
  /** Block 0 is the genesis block. */
  height = 1;
  /** Transaction times for submits (default: the ledger's clock, one second per transaction from 2026-01-01T00:00:00Z). */
  nextTxTime?: () => string;
  readonly #waiters = new Set<() => void>();

  constructor(orgs: readonly string[] = ['PTBMSP', 'InmetroMSP', 'OperatorMSP']) {
    this.chaincode = new InProcessChaincode({ orgs });
  }

  contract(name: IdentityName, contractName: string = READINGS_CONTRACT): ContractClient {
    return new ContractClient(new Proposals(this, IDENTITIES[name], contractName));
  }

  /** An AuditorClient of a test identity, with events. */
  auditor(name: IdentityName = 'ptbAuditor'): AuditorClient {
    return new AuditorClient({
      readings: this.contract(name, READINGS_CONTRACT),
      registry: this.contract(name, REGISTRY_CONTRACT),
      events: { source: this, chaincodeName: 'meterledger' },
    });
  }

  /** One block per transaction; the chaincode event of a VALID one goes into the event log. */
  commitBlock(transactionId: string, valid: boolean, event?: { name: string; payload: Uint8Array }): bigint {
    const blockNumber = BigInt(this.height++);
    if (valid && event) this.events.push({ blockNumber, transactionId, chaincodeName: 'meterledger', eventName: event.name, payload: event.payload });
    for (const wake of this.#waiters) wake();
    return blockNumber;
  }

  /**
   * Configuration (threshold 2: PTB, Inmetro) and active meters registered through the registry contract,
   * in transactions dated from `at` on (default 2025-12-01T00:00:00Z: a month before the ledger's clock,
   * so that readings of December 2025 fall after the keys' activation and within READINGS_LIMITS.maxAgeMs).
   */
  async setUp(meters: readonly string[], options: { scheme?: SignatureScheme; at?: string } = {}): Promise<Map<string, SoftwareSigner>> {
    let t = Date.parse(options.at ?? '2025-12-01T00:00:00Z');
    this.nextTxTime = () => new Date((t += 1000)).toISOString();
    try {
      return await this.#setUp(meters, options.scheme ?? 'ecdsa-p256-sha256');
    } finally {
      this.nextTxTime = undefined;
    }
  }

  async #setUp(meters: readonly string[], scheme: SignatureScheme): Promise<Map<string, SoftwareSigner>> {
    await this.contract('ptbAdmin', REGISTRY_CONTRACT).submit('initConfig', { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    const signers = new Map<string, SoftwareSigner>();
    for (const meterId of meters) {
      const signer = generateSoftwareSigner(scheme);
      await this.contract('ptbRegistrar', REGISTRY_CONTRACT).submit('registerMeter', registration(signer, meterId));
      await this.contract('inmetroRegistrar', REGISTRY_CONTRACT).submit('approveMeter', { meterId, keyVersion: 1, proof: possessionProof(signer, meterId) });
      signers.set(meterId, signer);
    }
    return signers;
  }

  /** fabric-gateway's Network.getChaincodeEvents over this channel's committed events. */
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
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: () => {
        closed = true;
        wake?.();
      },
      [Symbol.dispose]: () => {
        closed = true;
        wake?.();
      },
    };
  }
}
