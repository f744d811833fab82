// Generates /docker-compose.yaml: the same network (same orgs, ports, channel, environment) run
// with the official Fabric images instead of native processes. It is generated from topology.yaml
// by `meterledger-network compose` and committed; a unit test fails when it is out of step.
//
// All services use host networking, so every node listens on exactly the 127.0.0.1 ports of
// topology.yaml and configtx.yaml / connection.json / network.json are identical for both ways of
// running. The state folder is mounted at /state and the environment is computed by the very
// functions the native processes use (env.ts, ca.ts), only with container paths.
import { Document } from 'yaml';
import { caProcessName, caServerArgs, caServerEnv } from './ca';
import { chaincodePackage, chaincodeProcessName, serverAddress } from './chaincode';
import { ordererEnv, peerEnv, type EnvContext } from './env';
import { BROKER_PROCESS, renderMosquittoConf } from './mqtt';
import { statePaths } from './paths';
import { allOrgs, caHost, ordererHost, peerHost, type Topology } from './topology';

export const IMAGES = {
  ca: 'hyperledger/fabric-ca:1.5',
  orderer: 'hyperledger/fabric-orderer:2.5',
  peer: 'hyperledger/fabric-peer:2.5',
  tools: 'hyperledger/fabric-tools:2.5',
  node: 'node:20',
  mqtt: 'eclipse-mosquitto:2',
} as const;

const CONTAINER_STATE = '/state';
const CONTAINER_BUILDER = '/opt/meterledger/builders/ccaas';
/** The images ship Fabric's default core.yaml / orderer.yaml here. */
const IMAGE_FABRIC_CFG = '/etc/hyperledger/fabric';
const STATE_VOLUME = '${MLEDGER_STATE_DIR:-./.fabric}:/state';

const HEADER = `GENERATED from network/topologies/dev.yaml by \`node network/dist/cli.js compose > docker-compose.yaml\`; do not edit.
A unit test (network/src/compose.test.ts) fails when this file and the generator disagree.

The MeterLedger Fabric network with the official images: the same orgs, ports (all on 127.0.0.1,
host networking) and channel as the native network of network/up.sh, and the same state folder
(.fabric, or $MLEDGER_STATE_DIR) mounted at /state.

It CANNOT be run on the project's CI machine (there is no Docker engine there) and has never been
run; the native scripts are the supported way. The long-running nodes are defined here; enrolling
identities, creating/joining the channel and deploying chaincode are the same one-shot steps
network/up.sh and network/deploy.sh perform (the fabric-tools and fabric-ca images contain the
CLIs they need). Chaincode servers: \`docker compose --profile chaincode up -d\` after deploy
(CHAINCODE_ID_<ORG> defaults to the package id of the first definition). The MQTT broker runs the
mosquitto.conf network/up.sh generates, with the state folder's paths inside the container.`;

export function buildCompose(t: Topology) {
  const ctx: EnvContext = {
    topology: t,
    paths: statePaths(CONTAINER_STATE),
    fabricCfgPath: IMAGE_FABRIC_CFG,
    builderDir: CONTAINER_BUILDER,
  };
  const services: Record<string, unknown> = {};
  const base = { network_mode: 'host', restart: 'unless-stopped' };
  for (const org of allOrgs(t)) {
    services[caHost(t, org)] = {
      image: IMAGES.ca,
      ...base,
      labels: { 'meterledger.org': org.name, 'meterledger.process': caProcessName(org) },
      environment: caServerEnv(t, org, ctx.paths),
      command: ['fabric-ca-server', ...caServerArgs(t, org)],
      volumes: [STATE_VOLUME],
    };
  }
  for (const o of t.ordererOrg.orderers) {
    services[ordererHost(t, o)] = {
      image: IMAGES.orderer,
      ...base,
      labels: { 'meterledger.org': t.ordererOrg.name },
      environment: ordererEnv(ctx, o),
      command: ['orderer'],
      volumes: [STATE_VOLUME],
    };
  }
  for (const org of t.orgs) {
    for (const p of org.peers) {
      services[peerHost(t, org, p)] = {
        image: IMAGES.peer,
        ...base,
        labels: { 'meterledger.org': org.name },
        environment: peerEnv(ctx, org, p),
        command: ['peer', 'node', 'start'],
        volumes: [STATE_VOLUME, `./network/builders/ccaas:${CONTAINER_BUILDER}:ro`],
      };
    }
  }
  for (const org of t.orgs) {
    const firstId = chaincodePackage(t, org, t.chaincode.version).packageId;
    services[chaincodeProcessName(org).toLowerCase()] = {
      image: IMAGES.node,
      ...base,
      profiles: ['chaincode'],
      labels: { 'meterledger.org': org.name, 'meterledger.process': chaincodeProcessName(org) },
      working_dir: '/repo/packages/chaincode',
      command: ['npx', '--no', 'fabric-chaincode-node', 'server', '--chaincode-address', serverAddress(t, org), '--chaincode-id', `\${CHAINCODE_ID_${org.name.toUpperCase()}:-${firstId}}`],
      volumes: ['./:/repo:ro'],
    };
  }
  let configs: Record<string, { content: string }> | undefined;
  if (t.mqtt) {
    // The same mosquitto.conf as the native broker's, with the container's paths; the image runs as root.
    configs = { 'mosquitto.conf': { content: renderMosquittoConf(t, ctx.paths, { user: 'root' }) } };
    services[BROKER_PROCESS] = {
      image: IMAGES.mqtt,
      ...base,
      labels: { 'meterledger.process': BROKER_PROCESS },
      configs: [{ source: 'mosquitto.conf', target: '/mosquitto/config/mosquitto.conf' }],
      command: ['mosquitto', '-c', '/mosquitto/config/mosquitto.conf'],
      volumes: [STATE_VOLUME],
    };
  }
  services.tools = {
    image: IMAGES.tools,
    network_mode: 'host',
    profiles: ['tools'],
    environment: { FABRIC_CFG_PATH: IMAGE_FABRIC_CFG, CHANNEL_NAME: t.channel, CHAINCODE_NAME: t.chaincode.name },
    working_dir: CONTAINER_STATE,
    command: ['sleep', 'infinity'],
    volumes: [STATE_VOLUME],
  };
  return { name: 'meterledger', services, ...(configs ? { configs } : {}) };
}

export function renderCompose(t: Topology): string {
  const doc = new Document(buildCompose(t), { aliasDuplicateObjects: false });
  doc.commentBefore = HEADER.split('\n')
    .map((l) => (l ? ` ${l}` : ''))
    .join('\n');
  return doc.toString({ lineWidth: 0 });
}
