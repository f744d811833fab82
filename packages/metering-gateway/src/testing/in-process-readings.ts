import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode, type Status } from '@hyperledger/fabric-gateway';
import { AuthorityClient, softwareProver } from '@meterledger/authority';
import { ContractClient, type ProposalContract, type ProposalLike } from '@meterledger/client';
import { READINGS_CONTRACT, type Page, type ReadingRecord } from '@meterledger/contract-api';
import { generateSoftwareSigner, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
// Test-only code of sibling packages (never built): the real chaincode in-process with its registry, and
// fabric-gateway's error classes built the way the library builds them.
import { InProcessRegistry } from '../../../authority/src/testing/in-process-registry';
import { IDENTITIES, type IdentityName, type TestIdentity } from '../../../chaincode/src/testing/identities';
import type { InProcessChaincode } from '../../../chaincode/src/testing/in-process-chaincode';
import { commitStatusError, endorseError, gatewayError } from '../../../client/src/testing/gateway-errors';

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

function peerOf(identity: TestIdentity) {
  return { address: `peer0.${identity.mspId.replace(/MSP$/, '').toLowerCase()}.meterledger.local:7051`, mspId: identity.mspId };
}

/**
 * fabric-gateway's proposal surface for the `readings` contract, answered by the REAL chaincode in
 * process (as the authority package's InProcessProposals), with the transaction time taken from a clock
 * (default: now) and injectable faults. Concurrent submissions really interleave: each is simulated
 * against the committed state when it is endorsed and validated (MVCC) when it commits.
 */
export class ReadingsProposals implements ProposalContract {
  readonly faults: Fault[] = [];
  /** Time between endorsement and commit (ordering and block cutting); lets concurrent submissions overlap. */
  commitDelayMs = 0;
  /** Every submitted transaction and how it ended. */
  readonly submitted: { transactionId: string; items: number; code: string }[] = [];
  #tx = 0;

  constructor(
    readonly chaincode: InProcessChaincode,
    readonly identity: TestIdentity,
    readonly now: () => string = () => new Date().toISOString(),
  ) {}

  newProposal(fn: string, options?: { arguments?: (string | Uint8Array)[] }): ProposalLike {
    const transactionId = `${this.identity.mspId}-${this.identity.role ?? 'none'}-r${++this.#tx}-${Math.random().toString(36).slice(2, 8)}`;
    const args = [`${READINGS_CONTRACT}:${fn}`, ...(options?.arguments ?? [])];
    const peer = peerOf(this.identity);
    const items = (() => {
      try {
        return (JSON.parse(String(options?.arguments?.[0] ?? '{}')) as { readings?: unknown[] }).readings?.length ?? 0;
      } catch {
        return 0;
      }
    })();
    return {
      getTransactionId: () => transactionId,
      evaluate: async () => {
        const result = await this.chaincode.evaluate(this.identity, args, { txId: transactionId, at: this.now() });
        if (result.status !== 200) {
          const message = `chaincode response ${result.status}, ${result.message}`;
          throw gatewayError(GrpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${message}`, [{ ...peer, message }]);
        }
        return result.payload;
      },
      endorse: async () => {
        const fault = this.faults.shift();
        if (fault === 'unavailable') {
          this.submitted.push({ transactionId, items, code: 'UNAVAILABLE' });
          throw endorseError(transactionId, GrpcStatus.UNAVAILABLE, 'failed to connect to the gateway peer');
        }
        const endorsement = await this.chaincode.endorse(this.identity, args, { txId: transactionId, at: this.now() });
        if (endorsement.status !== 200) {
          this.submitted.push({ transactionId, items, code: 'ENDORSEMENT_FAILED' });
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
            this.submitted.push({ transactionId, items, code: name });
            if (fault === 'hang-after-commit') return new Promise<never>(() => undefined);
            return {
              getResult: () => endorsement.payload,
              getStatus: async (): Promise<Status> => {
                if (fault === 'lost-commit-status') throw commitStatusError(transactionId, GrpcStatus.UNAVAILABLE, 'the gateway peer went away');
                return { blockNumber: BigInt(this.#tx), code, successful: code === StatusCode.VALID, transactionId };
              },
            };
          },
        };
      },
    };
  }
}

/** A registered, active meter with its software key. */
export interface TestMeter {
  meterId: string;
  signer: SoftwareSigner;
}

/**
 * One in-memory network running the real chaincode (registry and readings contracts): meters registered
 * by two authorities with proof of possession, gateways submitting readings, auditors reading them back.
 */
export class InProcessReadingsNetwork {
  readonly registry = new InProcessRegistry();
  #configured = false;

  get chaincode(): InProcessChaincode {
    return this.registry.chaincode;
  }

  /** A readings ContractClient for a test identity (operatorGateway, operatorGateway2, ptbAuditor, ...). */
  readings(name: IdentityName, proposals?: ReadingsProposals): { contract: ContractClient; proposals: ReadingsProposals } {
    const p = proposals ?? new ReadingsProposals(this.chaincode, IDENTITIES[name]);
    return { contract: new ContractClient(p, { contractName: READINGS_CONTRACT }), proposals: p };
  }

  /** Register and activate a meter (PTB registers, Inmetro approves, both with proof of possession). */
  async meter(meterId: string, scheme: SignatureScheme = 'ecdsa-p256-sha256'): Promise<TestMeter> {
    if (!this.#configured) {
      await new AuthorityClient(this.registry.contract('ptbAdmin'), { channel: 'nmichannel' }).initConfig({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
      this.#configured = true;
    }
    const signer = generateSoftwareSigner(scheme);
    const ptb = new AuthorityClient(this.registry.contract('ptbRegistrar'), { channel: 'nmichannel', mspId: 'PTBMSP' });
    const inmetro = new AuthorityClient(this.registry.contract('inmetroRegistrar'), { channel: 'nmichannel', mspId: 'InmetroMSP' });
    const metadata = { manufacturer: 'ACME', model: 'E350', serial: `SN-${meterId}`, typeApprovalRef: 'PTB-22.11-4711' };
    await ptb.registerWithPossession({ meterId, scheme, publicKey: signer.publicKey, metadata, prover: softwareProver(signer) });
    await inmetro.approveWithPossession({ meterId, prover: softwareProver(signer) });
    return { meterId, signer };
  }

  /** Every reading of a meter on the ledger, read back as an auditor. */
  async ledgerReadings(meterId: string): Promise<ReadingRecord[]> {
    const { contract } = this.readings('ptbAuditor');
    const all: ReadingRecord[] = [];
    let bookmark: string | undefined;
    do {
      const page: Page<ReadingRecord> = await contract.evaluate('listReadings', { meterId, pageSize: 100, ...(bookmark ? { bookmark } : {}) });
      all.push(...page.items);
      bookmark = page.bookmark || undefined;
    } while (bookmark);
    return all;
  }
}
