import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode, type Status } from '@hyperledger/fabric-gateway';
import { ContractClient, type ProposalContract, type ProposalLike } from '@meterledger/client';
import { REGISTRY_CONTRACT } from '@meterledger/contract-api';
// Test-only code of sibling packages (never built): the real chaincode in-process, and fabric-gateway's
// error classes built the way the library builds them.
import { IDENTITIES, type IdentityName, type TestIdentity } from '../../../chaincode/src/testing/identities';
import type { MemoryPrivateData } from '../../../chaincode/src/testing/memory-private-data';
import { InProcessChaincode } from '../../../chaincode/src/testing/in-process-chaincode';
import { endorseError, gatewayError } from '../../../client/src/testing/gateway-errors';

export interface RecordedCall {
  fn: string;
  /** Arguments exactly as the chaincode received them. */
  args: string[];
  stage: 'evaluate' | 'submit';
}

function peerOf(identity: TestIdentity) {
  return { address: `peer0.${identity.mspId.replace(/MSP$/, '').toLowerCase()}.meterledger.local:7051`, mspId: identity.mspId };
}

/**
 * fabric-gateway's proposal surface (what GatewayContractTransport drives) for one identity, answered by
 * the REAL chaincode (fabric-shim routing, MeterRegistryContract, the registry functions, FabricStateStore)
 * over an in-memory ledger. Chaincode errors come back as fabric-gateway's own EndorseError / GatewayError
 * with the peer's `chaincode response 500, CODE: ...` detail, and a submit commits only if it passes the
 * key-level endorsement policies, as on a peer. Nothing is echoed: every answer is computed.
 */
export class InProcessProposals implements ProposalContract {
  readonly calls: RecordedCall[] = [];
  #tx = 0;

  constructor(
    readonly chaincode: InProcessChaincode,
    readonly identity: TestIdentity,
    readonly contractName: string = REGISTRY_CONTRACT,
  ) {}

  newProposal(
    fn: string,
    options?: { arguments?: (string | Uint8Array)[]; transientData?: Record<string, string | Uint8Array>; endorsingOrganizations?: string[] },
  ): ProposalLike {
    const transactionId = `${this.identity.mspId}-${this.identity.role ?? 'none'}-${++this.#tx}`;
    // As a Gateway: the transient map reaches the chaincode; the first endorsing org's peer executes (private data membership).
    const call = { txId: transactionId, ...(options?.transientData ? { transient: options.transientData } : {}), ...(options?.endorsingOrganizations?.length ? { peer: options.endorsingOrganizations[0] } : {}) };
    const args = [`${this.contractName}:${fn}`, ...(options?.arguments ?? [])];
    const record = (stage: RecordedCall['stage']) =>
      this.calls.push({ fn, args: args.slice(1).map((a) => (typeof a === 'string' ? a : Buffer.from(a).toString('utf8'))), stage });
    const peer = peerOf(this.identity);
    return {
      getTransactionId: () => transactionId,
      evaluate: async () => {
        record('evaluate');
        const result = await this.chaincode.evaluate(this.identity, args, call);
        if (result.status !== 200) {
          const message = `chaincode response ${result.status}, ${result.message}`;
          throw gatewayError(GrpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${message}`, [{ ...peer, message }]);
        }
        return result.payload;
      },
      endorse: async () => {
        record('submit');
        const endorsement = await this.chaincode.endorse(this.identity, args, call);
        if (endorsement.status !== 200) {
          throw endorseError(transactionId, GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
            { ...peer, message: `chaincode response ${endorsement.status}, ${endorsement.message}` },
          ]);
        }
        return {
          getResult: () => endorsement.payload,
          submit: async () => {
            const code = StatusCode[endorsement.commit()];
            return {
              getResult: () => endorsement.payload,
              getStatus: async (): Promise<Status> => ({ blockNumber: BigInt(this.#tx), code, successful: code === StatusCode.VALID, transactionId }),
            };
          },
        };
      },
    };
  }
}

/** One in-memory network with the real chaincode; `client(name)` is a ContractClient for a test identity. */
export class InProcessRegistry {
  readonly chaincode: InProcessChaincode;
  readonly proposals = new Map<IdentityName, InProcessProposals>();

  /** `privateData`: the weighing contract's collections (see MemoryPrivateData). */
  constructor(orgs: readonly string[] = ['PTBMSP', 'InmetroMSP', 'NmiMSP'], privateData?: MemoryPrivateData) {
    this.chaincode = new InProcessChaincode({ orgs, ...(privateData ? { privateData } : {}) });
  }

  contract(name: IdentityName): ContractClient {
    return new ContractClient(this.proposalsOf(name));
  }

  proposalsOf(name: IdentityName): InProcessProposals {
    let proposals = this.proposals.get(name);
    if (!proposals) {
      proposals = new InProcessProposals(this.chaincode, IDENTITIES[name]);
      this.proposals.set(name, proposals);
    }
    return proposals;
  }
}
