import { AuditorClient } from '@meterledger/auditor';
import { AuthorityClient } from '@meterledger/authority';
import { ProfileError } from '@meterledger/client';
import { READINGS_CONTRACT, WEIGHING_CONTRACT } from '@meterledger/contract-api';
import { CustomerClient, InspectorClient } from '@meterledger/weighing';
// Test-only code of sibling packages (never built): the REAL chaincode (fabric-shim routing, the meterledger
// contracts) over an in-memory ledger, behind fabric-gateway's proposal surface, with X.509 test identities
// carrying the meterledger.role attribute.
import { IDENTITIES, type IdentityName } from '../../../chaincode/src/testing/identities';
import { InProcessNetwork } from '../../../client/src/testing/in-process-network';
import type { OpenSession, SessionOptions } from '../session';

/** The channel the in-memory ledger reports (MemoryLedger's default), bound into possession challenges. */
export const IN_PROCESS_CHANNEL = 'nmichannel';

/** `--org PTB --identity registrar` → the test identity `ptbRegistrar`, `--org Operator --identity gateway` → `operatorGateway` (org by profile key or MSP id). */
export function identityName(org: string, identity: string): IdentityName | undefined {
  const key = org.replace(/MSP$/, '').toLowerCase();
  const role = identity === 'norole' ? 'NoRole' : identity.charAt(0).toUpperCase() + identity.slice(1);
  const name = `${key}${role}`;
  return name in IDENTITIES ? (name as IdentityName) : undefined;
}

/**
 * A session factory for runCli that connects `--org/--identity` to one in-process network running the real
 * chaincode (registry, readings and weighing contracts). Like connect(), an org/identity the "profile" lacks
 * is UNKNOWN_PROFILE_ENTRY.
 */
export function inProcessSessions(network: InProcessNetwork = new InProcessNetwork()) {
  const opened: SessionOptions[] = [];
  let open = 0;
  const openSession: OpenSession = async (options) => {
    opened.push(options);
    const name = identityName(options.org, options.identity);
    if (name === undefined) {
      throw new ProfileError('UNKNOWN_PROFILE_ENTRY', `identity '${options.identity}' of org '${options.org}' is not in the in-process network`);
    }
    const mspId = IDENTITIES[name].mspId;
    const weighingTarget = { contract: network.contract(name, WEIGHING_CONTRACT), mspId };
    open++;
    let closed = false;
    return {
      registry: new AuthorityClient(network.contract(name), { channel: IN_PROCESS_CHANNEL, mspId }),
      // The readings contract of the same chaincode and ledger (no event source: followReadings is the auditor's tests' business).
      readings: new AuditorClient({ readings: network.contract(name, READINGS_CONTRACT), registry: network.contract(name) }),
      weighing: weighingTarget,
      customer: new CustomerClient(weighingTarget),
      inspector: new InspectorClient(weighingTarget),
      channel: IN_PROCESS_CHANNEL,
      close: () => {
        if (!closed) open--;
        closed = true;
      },
    };
  };
  return {
    network,
    openSession,
    /** Every SessionOptions runCli asked for, in order. */
    opened,
    /** Sessions opened and not closed (runCli must close what it opens). */
    openCount: () => open,
  };
}
