import { selectOrg, type NetworkProfile } from './profile';

/**
 * The common connection profile (CCP) that fabric-network 2.2 reads, built from meterledger's network
 * profile. It names every org's peers with their TLS root certificate and TLS host name, so the legacy SDK can
 * reach them for discovery, endorsement, queries and commit events. Orderers are not listed: network.json
 * has none, and fabric-network's service discovery (always enabled here) reads their endpoints and TLS roots
 * from the channel configuration. Peers and orderers that discovery announces with a loopback address are
 * reached as `localhost` when `asLocalhost` is true (see {@link defaultAsLocalhost}).
 */
export interface CommonConnectionProfile {
  name: string;
  version: string;
  client: { organization: string; connection: { timeout: { peer: { endorser: string } } } };
  organizations: Record<string, { mspid: string; peers: string[] }>;
  peers: Record<
    string,
    {
      url: string;
      tlsCACerts: { pem: string };
      grpcOptions: { 'ssl-target-name-override': string; hostnameOverride: string; 'request-timeout'?: number };
    }
  >;
  channels: Record<string, { peers: Record<string, { endorsingPeer: boolean; chaincodeQuery: boolean; ledgerQuery: boolean; eventSource: boolean }> }>;
}

export interface ConnectionProfileOptions {
  /** The org (profile key or MSP id) the client belongs to: fabric-network's `client.organization`. */
  org: string;
  /** Reads a PEM file named in the profile (a peer's tlsRootCertPath). */
  readPem: (file: string) => string;
  /** Endorsement timeout in ms written to `client.connection.timeout.peer.endorser` (seconds); default 15000. */
  endorseTimeoutMs?: number;
  /**
   * Write loopback endpoints as `localhost`, as fabric-network's discovery does with `asLocalhost`, so the
   * peers it discovers are recognised (by URL) as these ones instead of being connected twice.
   */
  asLocalhost?: boolean;
  /** Put this peer (name, endpoint or host alias) of the client's org first; default the org's first peer. */
  peer?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i;

function splitEndpoint(endpoint: string): [host: string, port: string] {
  const at = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, at), endpoint.slice(at + 1)];
}

function asLocalhostEndpoint(endpoint: string): string {
  const [host, port] = splitEndpoint(endpoint);
  return LOOPBACK.test(host) ? `localhost:${port}` : endpoint;
}

/** True when every peer endpoint in the profile is on the loopback interface (a local network). */
export function defaultAsLocalhost(profile: NetworkProfile): boolean {
  return Object.values(profile.orgs).every((org) =>
    org.peers.every((p) => LOOPBACK.test(splitEndpoint(p.endpoint)[0])),
  );
}

/**
 * Build the connection profile (no CAs: the SDK never enrolls). Peers of the client's org come first (the chosen `peer` first of all): they
 * are fabric-network's discovery targets and the default query and event peers. Every peer is flagged for
 * endorsing, chaincode and ledger queries and events on the channel, so fabric-network can use them without
 * discovery too.
 */
export function toCommonConnectionProfile(profile: NetworkProfile, options: ConnectionProfileOptions): CommonConnectionProfile {
  const own = selectOrg(profile, options.org);
  const ownKey = Object.keys(profile.orgs).find((key) => profile.orgs[key] === own) as string;
  const orgKeys = [ownKey, ...Object.keys(profile.orgs).filter((key) => key !== ownKey)];
  const endorseSeconds = Math.max(1, Math.ceil((options.endorseTimeoutMs ?? 15_000) / 1000));

  const ccp: CommonConnectionProfile = {
    name: `meterledger-${profile.channel}`,
    version: '1.0.0',
    client: { organization: ownKey, connection: { timeout: { peer: { endorser: String(endorseSeconds) } } } },
    organizations: {},
    peers: {},
    channels: { [profile.channel]: { peers: {} } },
  };
  const pemCache = new Map<string, string>();
  const pem = (file: string) => {
    let text = pemCache.get(file);
    if (text === undefined) {
      text = options.readPem(file);
      pemCache.set(file, text);
    }
    return text;
  };

  for (const key of orgKeys) {
    const org = profile.orgs[key];
    let peers = org.peers;
    if (key === ownKey && options.peer !== undefined) {
      const chosen = peers.find((p) => p.name === options.peer || p.endpoint === options.peer || p.hostAlias === options.peer);
      if (chosen) peers = [chosen, ...peers.filter((p) => p !== chosen)];
    }
    ccp.organizations[key] = { mspid: org.mspId, peers: peers.map((p) => p.name) };
    for (const p of peers) {
      ccp.peers[p.name] = {
        url: `grpcs://${options.asLocalhost ? asLocalhostEndpoint(p.endpoint) : p.endpoint}`,
        tlsCACerts: { pem: pem(p.tlsRootCertPath) },
        grpcOptions: { 'ssl-target-name-override': p.hostAlias, hostnameOverride: p.hostAlias },
      };
      ccp.channels[profile.channel].peers[p.name] = { endorsingPeer: true, chaincodeQuery: true, ledgerQuery: true, eventSource: true };
    }
  }
  return ccp;
}
