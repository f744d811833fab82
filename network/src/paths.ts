// Every file the network creates lives under ONE git-ignored state folder (<repo>/.fabric unless
// MLEDGER_STATE_DIR says otherwise): binaries, Fabric config, CA databases, crypto material,
// ledgers, logs, pid files, chaincode packages and network.json. `down --purge` removes it
// (except bin/, so binaries need not be reinstalled).
import * as path from 'node:path';

/** network/src or network/dist -> the repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const NETWORK_DIR = path.join(REPO_ROOT, 'network');
export const DEFAULT_TOPOLOGY = path.join(NETWORK_DIR, 'topologies', 'dev.yaml');
/** Our chaincode-as-a-service external builder (committed scripts, not state). */
export const CCAAS_BUILDER_DIR = path.join(NETWORK_DIR, 'builders', 'ccaas');
export const CHAINCODE_PROJECT_DIR = path.join(REPO_ROOT, 'packages', 'chaincode');
export const INSTALL_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-fabric.sh');

export function resolveStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.MLEDGER_STATE_DIR;
  return path.resolve(override && override.length > 0 ? override : path.join(REPO_ROOT, '.fabric'));
}

export type StatePaths = ReturnType<typeof statePaths>;

/**
 * The state folder layout. Pure: `root` may also be a path inside a container (/state), which is
 * how docker-compose.yaml gets exactly the same layout.
 */
export function statePaths(root: string) {
  // POSIX joins: the layout is also used for paths inside Linux containers.
  const j = path.posix.join;
  const org = (o: string) => j(root, 'orgs', o);
  return {
    root,
    bin: j(root, 'bin'),
    /** FABRIC_CFG_PATH: core.yaml + orderer.yaml copied from Fabric's sampleconfig, generated configtx.yaml */
    config: j(root, 'config'),
    configtx: j(root, 'config', 'configtx.yaml'),
    logs: j(root, 'logs'),
    log: (name: string) => j(root, 'logs', `${name}.log`),
    run: j(root, 'run'),
    pid: (name: string) => j(root, 'run', `${name}.pid`),
    data: (host: string) => j(root, 'data', host),
    caHome: (o: string) => j(root, 'ca', o),
    /** The CA's TLS server certificate bundled with its root: what a client must trust. */
    caTlsBundle: (o: string) => j(root, 'ca', o, 'tls-bundle.pem'),
    org,
    orgMsp: (o: string) => j(org(o), 'msp'),
    /** Root of the org's TLS certificates (the org CA signs TLS certs with its "tls" profile). */
    orgTlsCa: (o: string) => j(org(o), 'tlsca.pem'),
    /** FABRIC_CA_CLIENT_HOME of the CA bootstrap admin, used to register identities. */
    caAdmin: (o: string) => j(org(o), 'ca-admin'),
    node: (o: string, host: string) => j(org(o), 'nodes', host),
    nodeMsp: (o: string, host: string) => j(org(o), 'nodes', host, 'msp'),
    nodeTls: (o: string, host: string) => j(org(o), 'nodes', host, 'tls'),
    user: (o: string, name: string) => j(org(o), 'users', name),
    userMsp: (o: string, name: string) => j(org(o), 'users', name, 'msp'),
    userCert: (o: string, name: string) => j(org(o), 'users', name, 'cert.pem'),
    userKey: (o: string, name: string) => j(org(o), 'users', name, 'key.pem'),
    /** Written when all of an org's identities are enrolled, so a second `up` skips enrollment. */
    enrolledMarker: (o: string) => j(org(o), '.enrolled'),
    channelBlock: (channel: string) => j(root, 'channel', `${channel}.block`),
    chaincode: j(root, 'chaincode'),
    chaincodePackage: (o: string, label: string) => j(root, 'chaincode', o, `${label}.tar.gz`),
    /** The definition the last `deploy` committed ({name, version, sequence}). */
    chaincodeDefinition: j(root, 'chaincode', 'definition.json'),
    /** The private data collections of the chaincode definition (peer lifecycle --collections-config). */
    collectionsConfig: j(root, 'chaincode', 'collections.json'),
    profile: j(root, 'network.json'),
    /** The MQTT broker: generated mosquitto.conf and its persistence folder. */
    mqtt: j(root, 'mqtt'),
    mqttConfig: j(root, 'mqtt', 'mosquitto.conf'),
    mqttData: j(root, 'mqtt', 'data'),
  };
}

export function defaultStatePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  return statePaths(resolveStateDir(env));
}
