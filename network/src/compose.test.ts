import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { IMAGES, renderCompose } from './compose';
import { DEFAULT_TOPOLOGY, REPO_ROOT } from './paths';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const committedText = fs.readFileSync(path.join(REPO_ROOT, 'docker-compose.yaml'), 'utf8');
type Service = { image: string; network_mode: string; environment?: Record<string, string>; command: string[]; labels?: Record<string, string>; profiles?: string[] };
type Config = { content: string };
const committed = parse(committedText) as { name: string; services: Record<string, Service & { configs?: { source: string; target: string }[] }>; configs?: Record<string, Config> };

describe('docker-compose.yaml', () => {
  it('is exactly what the generator produces from topology.yaml now (regenerate: node network/dist/cli.js compose > docker-compose.yaml)', () => {
    expect(committedText).toBe(renderCompose(t));
  });

  it('says it cannot run on CI and how it is kept in step', () => {
    expect(committedText).toMatch(/CANNOT be run on the project's CI machine \(there is no Docker engine/);
    expect(committedText).toContain('GENERATED from network/topologies/dev.yaml');
  });

  it('runs the official 2.5 / 1.5 images', () => {
    const images = new Set(Object.values(committed.services).map((s) => s.image));
    expect(images).toEqual(new Set([IMAGES.ca, IMAGES.orderer, IMAGES.peer, IMAGES.tools, IMAGES.node, IMAGES.mqtt]));
    expect(IMAGES).toMatchObject({ ca: 'hyperledger/fabric-ca:1.5', orderer: 'hyperledger/fabric-orderer:2.5', peer: 'hyperledger/fabric-peer:2.5', tools: 'hyperledger/fabric-tools:2.5' });
  });

  it('has a CA per org, the 3 orderers and every peer, named as in topology.yaml', () => {
    const names = Object.keys(committed.services);
    expect(names).toEqual(
      expect.arrayContaining([
        'ca.meterledger.local',
        'ca.ptb.meterledger.local',
        'ca.inmetro.meterledger.local',
        'orderer1.meterledger.local',
        'orderer2.meterledger.local',
        'orderer3.meterledger.local',
        'peer0.ptb.meterledger.local',
        'peer0.inmetro.meterledger.local',
        'ca.operator.meterledger.local',
        'peer0.operator.meterledger.local',
        'chaincode-operator',
        'mosquitto',
      ]),
    );
    const orgs = new Set(Object.values(committed.services).map((s) => s.labels?.['meterledger.org']).filter(Boolean));
    expect(orgs).toEqual(new Set(['OrdererOrg', ...t.orgs.map((o) => o.name)]));
    const mspIds = new Set(Object.values(committed.services).flatMap((s) => [s.environment?.CORE_PEER_LOCALMSPID, s.environment?.ORDERER_GENERAL_LOCALMSPID]).filter(Boolean));
    expect(mspIds).toEqual(new Set(['OrdererMSP', ...t.orgs.map((o) => o.mspId)]));
  });

  it('runs the MQTT broker with the native broker’s mosquitto.conf (container paths, persistence under /state)', () => {
    const broker = committed.services.mosquitto;
    expect(broker.image).toBe('eclipse-mosquitto:2');
    expect(broker.configs).toEqual([{ source: 'mosquitto.conf', target: '/mosquitto/config/mosquitto.conf' }]);
    const conf = committed.configs?.['mosquitto.conf'].content ?? '';
    expect(conf).toContain(`listener ${t.mqtt?.port} 127.0.0.1\n`);
    expect(conf).toContain('persistence true\npersistence_location /state/mqtt/data/\n');
    expect(conf).toContain('allow_anonymous true\n');
  });

  it('listens on every port of topology.yaml (host networking, 127.0.0.1)', () => {
    for (const s of Object.values(committed.services)) expect(s.network_mode).toBe('host');
    const text = committedText;
    const ports = [
      t.ordererOrg.ca.port,
      t.ordererOrg.ca.operationsPort,
      ...t.ordererOrg.orderers.flatMap((o) => [o.port, o.adminPort, o.clusterPort, o.operationsPort]),
      ...t.orgs.flatMap((o) => [o.ca.port, o.ca.operationsPort, ...o.peers.flatMap((p) => [p.port, p.chaincodePort, p.operationsPort])]),
      ...Object.values(t.chaincode.serverPorts),
    ];
    for (const p of ports) expect(text).toMatch(new RegExp(`(127\\.0\\.0\\.1:${p}\\b|PORT: "${p}")`));
    expect(committed.services['peer0.ptb.meterledger.local'].environment?.CORE_PEER_LISTENADDRESS).toBe('127.0.0.1:7051');
    expect(committed.services['orderer2.meterledger.local'].environment?.ORDERER_ADMIN_LISTENADDRESS).toBe('127.0.0.1:8053');
  });

  it('names the channel and runs without a system channel, with goleveldb and TLS', () => {
    expect(committed.services.tools.environment?.CHANNEL_NAME).toBe(t.channel);
    const orderer = committed.services['orderer1.meterledger.local'].environment!;
    expect(orderer.ORDERER_GENERAL_BOOTSTRAPMETHOD).toBe('none');
    expect(orderer.ORDERER_GENERAL_TLS_ENABLED).toBe('true');
    expect(committed.services['peer0.inmetro.meterledger.local'].environment?.CORE_LEDGER_STATE_STATEDATABASE).toBe('goleveldb');
  });
});
