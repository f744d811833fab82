// Public API of @meterledger/network: the network.json type the SDKs read, and the building blocks
// of the CLI for tests and tools.
export type { NetworkProfile, OrgProfile, PeerProfile, IdentityProfile } from '@meterledger/client';
export { buildProfile, type WrittenProfile } from './profile';
export { BROKER_PROCESS, brokerTarget, mqttReadiness, renderMosquittoConf, restartBroker, restartBrokerFromEnv, startBroker, stopBroker } from './mqtt';
export { loadTopology, mqttUrl, parseTopology, TopologyError, type Topology } from './topology';
export { defaultStatePaths, resolveStateDir, statePaths, type StatePaths } from './paths';
export { renderCompose } from './compose';
export { renderConfigtx } from './configtx';
export { up, down } from './network';
export { deploy } from './deploy';
