import { ContractClient } from '@meterledger/client';
import { READINGS_CONTRACT, type Page, type ReadingRecord } from '@meterledger/contract-api';
import { generateSoftwareSigner, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
// Test-only code of sibling packages (never built): the real chaincode in process behind fabric-gateway's
// proposal surface (with injectable faults), and the X.509 test identities.
import { IDENTITIES, type IdentityName } from '../../../chaincode/src/testing/identities';
import { InProcessNetwork, InProcessProposals } from '../../../client/src/testing/in-process-network';

/** A registered, active meter with its software key. */
export interface TestMeter {
  meterId: string;
  signer: SoftwareSigner;
}

/**
 * The client's InProcessNetwork (the real chaincode, registry and readings contracts, over an in-memory
 * ledger) for the gateway's tests: meters registered by two authorities with proof of possession, gateways
 * submitting readings at the wall clock's time (the readings are measured "now"), auditors reading them back.
 */
export class InProcessReadingsNetwork extends InProcessNetwork {
  /**
   * A readings ContractClient for a test identity (operatorGateway, operatorGateway2, ptbAuditor, ...) over a
   * proposal surface of its own (`proposals.faults`, `commitDelayMs`, `submitted`), transaction time: now.
   */
  readings(name: IdentityName): { contract: ContractClient; proposals: InProcessProposals } {
    const proposals = new InProcessProposals(this, IDENTITIES[name], READINGS_CONTRACT, { clock: () => new Date().toISOString() });
    return { contract: new ContractClient(proposals, { contractName: READINGS_CONTRACT }), proposals };
  }

  /** Register and activate a meter with a fresh software key (PTB registers, Inmetro approves, both with proof of possession). */
  async meter(meterId: string, scheme: SignatureScheme = 'ecdsa-p256-sha256'): Promise<TestMeter> {
    const signer = generateSoftwareSigner(scheme);
    await this.registerMeters([[meterId, signer]]);
    return { meterId, signer };
  }

  /** Every reading of a meter on the ledger, read back as an auditor. */
  async ledgerReadings(meterId: string): Promise<ReadingRecord[]> {
    const contract = this.contract('ptbAuditor', READINGS_CONTRACT);
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
