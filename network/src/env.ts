// The environment-variable overrides that turn Fabric's default orderer.yaml/core.yaml into each
// of our nodes (Fabric maps ORDERER_GENERAL_TLS_ENABLED to General.TLS.Enabled, etc.), and the
// environment of the peer CLI acting as an org admin. The same functions produce the native
// processes' environment and docker-compose.yaml's, so the two cannot drift apart.
import type { StatePaths } from './paths';
import { address, ORG_ADMIN, ordererHost, peerHost, type Orderer, type Peer, type PeerOrg, type Topology } from './topology';

export interface EnvContext {
  topology: Topology;
  paths: StatePaths;
  /** FABRIC_CFG_PATH: the folder holding core.yaml / orderer.yaml. */
  fabricCfgPath: string;
  /** Folder of our chaincode-as-a-service external builder (bin/detect, bin/build, bin/release). */
  builderDir: string;
}

/** Fabric parses list-valued overrides written as [a,b]. */
const list = (...items: string[]) => `[${items.join(',')}]`;

export function ordererEnv(ctx: EnvContext, orderer: Orderer): Record<string, string> {
  const t = ctx.topology;
  const org = t.ordererOrg;
  const host = ordererHost(t, orderer);
  const tls = ctx.paths.nodeTls(org.name, host);
  const cert = `${tls}/server.crt`;
  const key = `${tls}/server.key`;
  const ca = `${tls}/ca.crt`;
  const data = ctx.paths.data(host);
  return {
    FABRIC_CFG_PATH: ctx.fabricCfgPath,
    // Per-block/per-transaction INFO lines cost CPU under load; broadcast logs a WARNING per client that
    // hangs up. One OS thread per node: nine Fabric nodes share two cores here (npm run bench:registry).
    FABRIC_LOGGING_SPEC: 'WARNING:orderer.common.broadcast=ERROR',
    GOMAXPROCS: '1',
    ORDERER_GENERAL_LISTENADDRESS: t.host,
    ORDERER_GENERAL_LISTENPORT: String(orderer.port),
    ORDERER_GENERAL_LOCALMSPID: org.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: ctx.paths.nodeMsp(org.name, host),
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_CERTIFICATE: cert,
    ORDERER_GENERAL_TLS_PRIVATEKEY: key,
    ORDERER_GENERAL_TLS_ROOTCAS: list(ca),
    // No system channel: channels are created by joining orderers with osnadmin.
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    // Raft traffic on its own listener (the consenter port in configtx.yaml), mutual TLS.
    ORDERER_GENERAL_CLUSTER_LISTENADDRESS: t.host,
    ORDERER_GENERAL_CLUSTER_LISTENPORT: String(orderer.clusterPort),
    ORDERER_GENERAL_CLUSTER_SERVERCERTIFICATE: cert,
    ORDERER_GENERAL_CLUSTER_SERVERPRIVATEKEY: key,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: cert,
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: key,
    ORDERER_GENERAL_CLUSTER_ROOTCAS: list(ca),
    // The channel participation API (osnadmin) requires client certificates from the org's TLS CA.
    ORDERER_ADMIN_LISTENADDRESS: address(t, orderer.adminPort),
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: cert,
    ORDERER_ADMIN_TLS_PRIVATEKEY: key,
    ORDERER_ADMIN_TLS_ROOTCAS: list(ca),
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: list(ca),
    ORDERER_OPERATIONS_LISTENADDRESS: address(t, orderer.operationsPort),
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_FILELEDGER_LOCATION: `${data}/ledger`,
    ORDERER_CONSENSUS_WALDIR: `${data}/etcdraft/wal`,
    ORDERER_CONSENSUS_SNAPDIR: `${data}/etcdraft/snapshot`,
  };
}

export function peerEnv(ctx: EnvContext, org: PeerOrg, peer: Peer): Record<string, string> {
  const t = ctx.topology;
  const host = peerHost(t, org, peer);
  const tls = ctx.paths.nodeTls(org.name, host);
  const data = ctx.paths.data(host);
  // Gossip bootstraps from the org's other peers; a lone peer points at itself (as Fabric's samples do).
  const others = org.peers.filter((p) => p !== peer).map((p) => address(t, p.port));
  const builder = [{ name: 'meterledger-ccaas', path: ctx.builderDir, propagateEnvironment: [] }];
  return {
    FABRIC_CFG_PATH: ctx.fabricCfgPath,
    // As for orderers (see ordererEnv).
    FABRIC_LOGGING_SPEC: 'WARNING:orderer.common.broadcast=ERROR',
    GOMAXPROCS: '1',
    CORE_PEER_ID: host,
    CORE_PEER_ADDRESS: address(t, peer.port),
    CORE_PEER_LISTENADDRESS: address(t, peer.port),
    CORE_PEER_CHAINCODEADDRESS: address(t, peer.chaincodePort),
    CORE_PEER_CHAINCODELISTENADDRESS: address(t, peer.chaincodePort),
    CORE_PEER_GOSSIP_BOOTSTRAP: others.length ? others.join(' ') : address(t, peer.port),
    // Announced to other orgs: anchor-peer gossip and the Gateway's endorsement requests use it.
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address(t, peer.port),
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: ctx.paths.nodeMsp(org.name, host),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: `${tls}/server.crt`,
    CORE_PEER_TLS_KEY_FILE: `${tls}/server.key`,
    CORE_PEER_TLS_ROOTCERT_FILE: `${tls}/ca.crt`,
    CORE_PEER_FILESYSTEMPATH: data,
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: `${data}/snapshots`,
    CORE_LEDGER_STATE_STATEDATABASE: t.stateDatabase,
    // Every peer pulls blocks from the orderers itself instead of the org leader gossiping them on
    // (0.4–0.9 ms of CPU less per transaction, measured with npm run bench:registry).
    CORE_PEER_DELIVERYCLIENT_BLOCKGOSSIPENABLED: 'false',
    // Chaincode runs as a service we start ourselves; this builder only hands the peer connection.json.
    CORE_CHAINCODE_EXTERNALBUILDERS: JSON.stringify(builder),
    CORE_OPERATIONS_LISTENADDRESS: address(t, peer.operationsPort),
    CORE_METRICS_PROVIDER: 'prometheus',
  };
}

/** The peer CLI acting as the org's admin against one of its peers (channel join, lifecycle). */
export function peerAdminEnv(ctx: EnvContext, org: PeerOrg, peer: Peer = org.peers[0]): Record<string, string> {
  return {
    FABRIC_CFG_PATH: ctx.fabricCfgPath,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: ctx.paths.userMsp(org.name, ORG_ADMIN),
    CORE_PEER_ADDRESS: address(ctx.topology, peer.port),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: ctx.paths.orgTlsCa(org.name),
  };
}
