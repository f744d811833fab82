import { AuditorClient } from '@meterledger/auditor';
import { AuthorityClient } from '@meterledger/authority';
import { connect, type TransportKind } from '@meterledger/client';
import { CustomerClient, InspectorClient, type WeighingTarget } from '@meterledger/weighing';

/** Who connects, and how: the global options of the command. */
export interface SessionOptions {
  /**
   * Path of network.json; omitted: located by @meterledger/client's loadNetworkProfile ($MLEDGER_PROFILE, else
   * $MLEDGER_STATE_DIR/network.json, else <repo>/.fabric/network.json).
   */
  profile?: string;
  /** Org key in the profile (PTB) or its MSP id (PTBMSP). */
  org: string;
  /** Identity of the org in the profile (admin, registrar, verifier, ...). */
  identity: string;
  /** Omitted: $MLEDGER_TRANSPORT, else gateway (decided by connect()). */
  transport?: TransportKind;
}

/** An identity connected to the chaincode: the registry and the readings contracts. */
export interface Session {
  registry: AuthorityClient;
  /** The readings contract, with the registry's key history for offline verification. */
  readings: AuditorClient;
  /** The weighing contract: what a StationClient is built on, and the customer's and inspector's views of it. */
  weighing: WeighingTarget;
  customer: CustomerClient;
  inspector: InspectorClient;
  /** The channel possession challenges are bound to. */
  channel: string;
  close(): void;
}

/**
 * How the CLI reaches the registry. The default connects to the network; unit tests pass one that runs the
 * real chaincode in-process (src/testing/in-process-session.ts).
 */
export type OpenSession = (options: SessionOptions) => Promise<Session>;

/** Connect through @meterledger/client's connect(): the profile, org, identity and transport as it resolves them. */
export const openNetworkSession: OpenSession = async (options) => {
  const connection = await connect({
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    org: options.org,
    identity: options.identity,
    ...(options.transport !== undefined ? { transport: options.transport } : {}),
  });
  return {
    registry: new AuthorityClient(connection),
    readings: new AuditorClient(connection),
    weighing: connection,
    customer: new CustomerClient(connection),
    inspector: new InspectorClient(connection),
    channel: connection.channel,
    close: () => connection.close(),
  };
};
