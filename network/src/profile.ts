// <state>/network.json: the connection profile the SDKs read — channel, chaincode definition and,
// per org, its peers, its CA and the enrolled identities' key pairs (absolute paths). Its type and
// schema are @meterledger/client's (the reader's); this module only writes it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { caUrl } from './ca';
import type { ChaincodeDefinition } from './chaincode';
import type { IdentityProfile, NetworkProfile, OrgProfile } from '@meterledger/client';
import type { StatePaths } from './paths';
import { address, mqttUrl, peerHost, type Topology } from './topology';

/**
 * network.json as written: exactly @meterledger/client's NetworkProfile (its one definition), with
 * `mqtt.url`, the broker of the topology, absent when the topology has no mqtt section.
 */
export type WrittenProfile = NetworkProfile;

export function buildProfile(t: Topology, paths: StatePaths, chaincode: ChaincodeDefinition): WrittenProfile {
  const orgs: Record<string, OrgProfile> = {};
  for (const org of t.orgs) {
    const identities: Record<string, IdentityProfile> = {};
    for (const i of org.identities) {
      identities[i.name] = { certPath: paths.userCert(org.name, i.name), keyPath: paths.userKey(org.name, i.name), role: i.role ?? null, ...(i.station ? { station: i.station } : {}) };
    }
    orgs[org.name] = {
      mspId: org.mspId,
      kind: org.kind,
      peers: org.peers.map((p) => ({
        name: peerHost(t, org, p),
        endpoint: address(t, p.port),
        hostAlias: peerHost(t, org, p),
        tlsRootCertPath: paths.orgTlsCa(org.name),
      })),
      ca: { url: caUrl(t, org), tlsCertPath: paths.caTlsBundle(org.name) },
      identities,
    };
  }
  const mqtt = mqttUrl(t);
  return {
    channel: t.channel,
    chaincode: { name: chaincode.name, sequence: chaincode.sequence, version: chaincode.version },
    orgs,
    ...(mqtt ? { mqtt: { url: mqtt } } : {}),
  };
}

export function writeProfile(paths: StatePaths, profile: WrittenProfile): void {
  fs.mkdirSync(path.dirname(paths.profile), { recursive: true });
  fs.writeFileSync(paths.profile, JSON.stringify(profile, null, 2) + '\n');
}
