import { READINGS_CONTRACT, REGISTRY_CONTRACT } from '@meterledger/contract-api';
import { generateSoftwareSigner, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
// Test-only code of sibling packages (never built): the real chaincode in process behind fabric-gateway's
// proposal surface and Network.getChaincodeEvents, and the X.509 test identities.
import type { IdentityName } from '../../../chaincode/src/testing/identities';
import { IN_PROCESS_CHAINCODE, InProcessNetwork } from '../../../client/src/testing/in-process-network';
import { AuditorClient } from '../auditor-client';

/**
 * The client's InProcessNetwork (the real chaincode over an in-memory ledger, one block per committed
 * transaction, chaincode events with checkpoints) with an operator org among the endorsers, meters set up
 * for the auditor's readings, and AuditorClients that follow events.
 */
export class InProcessReadingsNetwork extends InProcessNetwork {
  constructor(orgs: readonly string[] = ['PTBMSP', 'InmetroMSP', 'OperatorMSP']) {
    super({ orgs });
  }

  /** An AuditorClient of a test identity, with events. */
  auditor(name: IdentityName = 'ptbAuditor'): AuditorClient {
    return new AuditorClient({
      readings: this.contract(name, READINGS_CONTRACT),
      registry: this.contract(name, REGISTRY_CONTRACT),
      events: { source: this, chaincodeName: IN_PROCESS_CHAINCODE },
    });
  }

  /**
   * Active meters with fresh software keys (see registerMeters), in transactions dated from `at` on (default
   * 2025-12-01T00:00:00Z: a month before the ledger's clock, so that readings of December 2025 fall after the
   * keys' activation and within READINGS_LIMITS.maxAgeMs).
   */
  async setUp(meters: readonly string[], options: { scheme?: SignatureScheme; at?: string } = {}): Promise<Map<string, SoftwareSigner>> {
    const signers = new Map(meters.map((meterId) => [meterId, generateSoftwareSigner(options.scheme ?? 'ecdsa-p256-sha256')] as const));
    await this.registerMeters(signers, { at: options.at ?? '2025-12-01T00:00:00Z' });
    return signers;
  }
}
