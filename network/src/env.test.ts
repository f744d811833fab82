import { ordererEnv, peerAdminEnv, peerEnv, type EnvContext } from './env';
import { DEFAULT_TOPOLOGY, statePaths } from './paths';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const ctx: EnvContext = { topology: t, paths: statePaths('/state'), fabricCfgPath: '/state/config', builderDir: '/b/ccaas' };
const [o1] = t.ordererOrg.orderers;
const [ptb, inmetro] = t.orgs;

describe('orderer environment', () => {
  const env = ordererEnv(ctx, o1);

  it('runs without a system channel, with the channel participation API', () => {
    expect(env.ORDERER_GENERAL_BOOTSTRAPMETHOD).toBe('none');
    expect(env.ORDERER_CHANNELPARTICIPATION_ENABLED).toBe('true');
  });

  it('listens on the topology ports of 127.0.0.1 (client, admin, cluster, operations)', () => {
    expect([env.ORDERER_GENERAL_LISTENADDRESS, env.ORDERER_GENERAL_LISTENPORT]).toEqual(['127.0.0.1', '7050']);
    expect(env.ORDERER_ADMIN_LISTENADDRESS).toBe('127.0.0.1:7053');
    expect([env.ORDERER_GENERAL_CLUSTER_LISTENADDRESS, env.ORDERER_GENERAL_CLUSTER_LISTENPORT]).toEqual(['127.0.0.1', '7057']);
    expect(env.ORDERER_OPERATIONS_LISTENADDRESS).toBe('127.0.0.1:17050');
  });

  it('uses TLS everywhere with the node’s own key pair; the admin API requires client certificates', () => {
    const tls = '/state/orgs/OrdererOrg/nodes/orderer1.meterledger.local/tls';
    expect(env.ORDERER_GENERAL_TLS_ENABLED).toBe('true');
    expect(env.ORDERER_GENERAL_TLS_CERTIFICATE).toBe(`${tls}/server.crt`);
    expect(env.ORDERER_GENERAL_TLS_ROOTCAS).toBe(`[${tls}/ca.crt]`);
    expect(env.ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE).toBe(`${tls}/server.crt`);
    expect(env.ORDERER_GENERAL_CLUSTER_SERVERPRIVATEKEY).toBe(`${tls}/server.key`);
    expect(env.ORDERER_ADMIN_TLS_ENABLED).toBe('true');
    expect(env.ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED).toBe('true');
    expect(env.ORDERER_ADMIN_TLS_CLIENTROOTCAS).toBe(`[${tls}/ca.crt]`);
  });

  it('keeps MSP, ledger and Raft data in the state folder', () => {
    expect(env.ORDERER_GENERAL_LOCALMSPID).toBe('OrdererMSP');
    expect(env.ORDERER_GENERAL_LOCALMSPDIR).toBe('/state/orgs/OrdererOrg/nodes/orderer1.meterledger.local/msp');
    expect(env.ORDERER_FILELEDGER_LOCATION).toBe('/state/data/orderer1.meterledger.local/ledger');
    expect(env.ORDERER_CONSENSUS_WALDIR).toMatch(/^\/state\/data\/orderer1/);
    expect(env.FABRIC_CFG_PATH).toBe('/state/config');
  });
});

describe('peer environment', () => {
  const env = peerEnv(ctx, ptb, ptb.peers[0]);

  it('identifies the peer and listens on its ports', () => {
    expect(env.CORE_PEER_ID).toBe('peer0.ptb.meterledger.local');
    expect(env.CORE_PEER_LOCALMSPID).toBe('PTBMSP');
    expect(env.CORE_PEER_LISTENADDRESS).toBe('127.0.0.1:7051');
    expect(env.CORE_PEER_CHAINCODELISTENADDRESS).toBe('127.0.0.1:7052');
    expect(env.CORE_OPERATIONS_LISTENADDRESS).toBe('127.0.0.1:17051');
    expect(peerEnv(ctx, inmetro, inmetro.peers[0]).CORE_PEER_ADDRESS).toBe('127.0.0.1:8051');
  });

  it('uses TLS, LevelDB and gossip to its external endpoint', () => {
    expect(env.CORE_PEER_TLS_ENABLED).toBe('true');
    expect(env.CORE_PEER_TLS_CERT_FILE).toBe('/state/orgs/PTB/nodes/peer0.ptb.meterledger.local/tls/server.crt');
    expect(env.CORE_LEDGER_STATE_STATEDATABASE).toBe('goleveldb');
    expect(env.CORE_PEER_GOSSIP_EXTERNALENDPOINT).toBe('127.0.0.1:7051');
    expect(env.CORE_PEER_GOSSIP_BOOTSTRAP).toBe('127.0.0.1:7051'); // a lone peer bootstraps from itself
  });

  it('bootstraps gossip from the org’s other peers when it has several', () => {
    const org = { ...ptb, peers: [...ptb.peers, { name: 'peer1', port: 7061, chaincodePort: 7062, operationsPort: 17061 }] };
    expect(peerEnv(ctx, org, org.peers[1]).CORE_PEER_GOSSIP_BOOTSTRAP).toBe('127.0.0.1:7051');
  });

  it('registers our ccaas builder as the only external builder', () => {
    expect(JSON.parse(env.CORE_CHAINCODE_EXTERNALBUILDERS)).toEqual([{ name: 'meterledger-ccaas', path: '/b/ccaas', propagateEnvironment: [] }]);
  });

  it('keeps the ledger in the state folder', () => {
    expect(env.CORE_PEER_FILESYSTEMPATH).toBe('/state/data/peer0.ptb.meterledger.local');
    expect(env.CORE_LEDGER_SNAPSHOTS_ROOTDIR).toBe('/state/data/peer0.ptb.meterledger.local/snapshots');
  });
});

describe('runtime settings measured with npm run bench:registry (README, "Throughput")', () => {
  const nodes = [...t.ordererOrg.orderers.map((o) => ordererEnv(ctx, o)), ...t.orgs.flatMap((org) => org.peers.map((p) => peerEnv(ctx, org, p)))];

  it('logs warnings and errors only, not lines per transaction; broadcast hang-ups are not even warnings', () => {
    for (const env of nodes) expect(env.FABRIC_LOGGING_SPEC).toBe('WARNING:orderer.common.broadcast=ERROR');
  });

  it('runs every node on one OS thread of Go code (all nodes share one machine)', () => {
    for (const env of nodes) expect(env.GOMAXPROCS).toBe('1');
  });

  it('has every peer take blocks from the orderers only, not a second time through gossip', () => {
    expect(peerEnv(ctx, ptb, ptb.peers[0]).CORE_PEER_DELIVERYCLIENT_BLOCKGOSSIPENABLED).toBe('false');
  });
});

describe('peer CLI admin environment', () => {
  it('acts as the org admin against the org’s peer, trusting the org TLS root', () => {
    expect(peerAdminEnv(ctx, inmetro)).toEqual({
      FABRIC_CFG_PATH: '/state/config',
      CORE_PEER_LOCALMSPID: 'InmetroMSP',
      CORE_PEER_MSPCONFIGPATH: '/state/orgs/Inmetro/users/orgadmin/msp',
      CORE_PEER_ADDRESS: '127.0.0.1:8051',
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_ROOTCERT_FILE: '/state/orgs/Inmetro/tlsca.pem',
    });
  });
});

describe('listen addresses', () => {
  it('never overlap between any two nodes', () => {
    const addresses = [
      ...t.ordererOrg.orderers.flatMap((o) => {
        const e = ordererEnv(ctx, o);
        return [`127.0.0.1:${e.ORDERER_GENERAL_LISTENPORT}`, e.ORDERER_ADMIN_LISTENADDRESS, `127.0.0.1:${e.ORDERER_GENERAL_CLUSTER_LISTENPORT}`, e.ORDERER_OPERATIONS_LISTENADDRESS];
      }),
      ...t.orgs.flatMap((org) =>
        org.peers.flatMap((p) => {
          const e = peerEnv(ctx, org, p);
          return [e.CORE_PEER_LISTENADDRESS, e.CORE_PEER_CHAINCODELISTENADDRESS, e.CORE_OPERATIONS_LISTENADDRESS];
        }),
      ),
    ];
    expect(new Set(addresses).size).toBe(addresses.length);
  });
});
