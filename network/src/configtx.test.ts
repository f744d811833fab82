import { parse } from 'yaml';
import { CHANNEL_PROFILE, renderConfigtx } from './configtx';
import { DEFAULT_TOPOLOGY, statePaths } from './paths';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const paths = statePaths('/state');
type Org = { Name: string; ID: string; MSPDir: string; Policies: Record<string, { Type: string; Rule: string }>; AnchorPeers?: unknown; OrdererEndpoints?: string[] };
const doc = parse(renderConfigtx(t, paths)) as {
  Organizations: Org[];
  Profiles: Record<string, {
    Capabilities: Record<string, boolean>;
    Policies: Record<string, { Type: string; Rule: string }>;
    Orderer: { OrdererType: string; EtcdRaft: { Consenters: { Host: string; Port: number; ClientTLSCert: string; ServerTLSCert: string }[] }; Capabilities: Record<string, boolean>; Organizations: Org[]; Policies: Record<string, unknown> };
    Application: { Organizations: Org[]; Policies: Record<string, { Type: string; Rule: string }>; Capabilities: Record<string, boolean> };
  }>;
};
const profile = doc.Profiles[CHANNEL_PROFILE];

describe('configtx.yaml', () => {
  it('declares the orderer org, both authorities, the operator and the customers with their MSP folders', () => {
    expect(doc.Organizations.map((o) => [o.Name, o.ID, o.MSPDir])).toEqual([
      ['OrdererOrg', 'OrdererMSP', '/state/orgs/OrdererOrg/msp'],
      ['PTB', 'PTBMSP', '/state/orgs/PTB/msp'],
      ['Inmetro', 'InmetroMSP', '/state/orgs/Inmetro/msp'],
      ['Operator', 'OperatorMSP', '/state/orgs/Operator/msp'],
      ['CustomerA', 'CustomerAMSP', '/state/orgs/CustomerA/msp'],
      ['CustomerB', 'CustomerBMSP', '/state/orgs/CustomerB/msp'],
    ]);
    expect(profile.Orderer.Organizations.map((o) => o.ID)).toEqual(['OrdererMSP']);
    expect(profile.Application.Organizations.map((o) => o.ID)).toEqual(['PTBMSP', 'InmetroMSP', 'OperatorMSP', 'CustomerAMSP', 'CustomerBMSP']);
  });

  it('makes the 3 orderers Raft consenters on their cluster ports, with their TLS certificates', () => {
    expect(profile.Orderer.OrdererType).toBe('etcdraft');
    expect(profile.Orderer.EtcdRaft.Consenters).toEqual(
      t.ordererOrg.orderers.map((o) => {
        const cert = `/state/orgs/OrdererOrg/nodes/${o.name}.meterledger.local/tls/server.crt`;
        return { Host: '127.0.0.1', Port: o.clusterPort, ClientTLSCert: cert, ServerTLSCert: cert };
      }),
    );
    expect(doc.Organizations[0].OrdererEndpoints).toEqual(['127.0.0.1:7050', '127.0.0.1:8050', '127.0.0.1:9050']);
  });

  it('sets MAJORITY lifecycle and chaincode endorsement, and per-org role policies', () => {
    expect(profile.Application.Policies.LifecycleEndorsement).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
    expect(profile.Application.Policies.Endorsement).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Endorsement' });
    expect(profile.Application.Policies.Admins).toEqual({ Type: 'ImplicitMeta', Rule: 'MAJORITY Admins' });
    const ptb = profile.Application.Organizations[0];
    expect(ptb.Policies.Endorsement.Rule).toBe("OR('PTBMSP.peer')");
    expect(ptb.Policies.Admins.Rule).toBe("OR('PTBMSP.admin')");
    expect(ptb.Policies.Readers.Rule).toBe("OR('PTBMSP.admin', 'PTBMSP.peer', 'PTBMSP.client')");
    expect(profile.Orderer.Policies.BlockValidation).toEqual({ Type: 'ImplicitMeta', Rule: 'ANY Writers' });
  });

  it('puts each org’s first peer in as anchor peer', () => {
    expect(profile.Application.Organizations.map((o) => o.AnchorPeers)).toEqual([
      [{ Host: '127.0.0.1', Port: 7051 }],
      [{ Host: '127.0.0.1', Port: 8051 }],
      [{ Host: '127.0.0.1', Port: 13051 }],
      [{ Host: '127.0.0.1', Port: 14051 }],
      [{ Host: '127.0.0.1', Port: 15051 }],
    ]);
  });

  it('uses Fabric 2.5 capabilities: Channel V2_0 (V2_5 does not exist there), Orderer V2_0, Application V2_5', () => {
    expect(profile.Capabilities).toEqual({ V2_0: true });
    expect(profile.Orderer.Capabilities).toEqual({ V2_0: true });
    expect(profile.Application.Capabilities).toEqual({ V2_5: true });
  });

  it('is plain YAML without anchors or aliases', () => {
    expect(renderConfigtx(t, paths)).not.toMatch(/[&*][a-z]\w*\b\s*$/m);
  });
});
