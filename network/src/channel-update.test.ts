import { missingOrgs, updateEnvelope, withOrgs, type ChannelConfig } from './channel-update';
import { DEFAULT_TOPOLOGY } from './paths';
import { loadTopology, parseTopology } from './topology';
import * as fs from 'node:fs';
import { parse } from 'yaml';

const base = parse(fs.readFileSync(DEFAULT_TOPOLOGY, 'utf8')) as { orgs: { identities: unknown }[]; chaincode: { serverPorts: Record<string, number> } };
const lab = {
  name: 'Lab',
  mspId: 'LabMSP',
  kind: 'authority',
  ca: { port: 12054, operationsPort: 22054 },
  peers: [{ name: 'peer0', port: 12051, chaincodePort: 12052, operationsPort: 22051 }],
  identities: base.orgs[0].identities,
};
const withLab = parseTopology({ ...base, orgs: [...base.orgs, lab], chaincode: { ...base.chaincode, serverPorts: { ...base.chaincode.serverPorts, Lab: 12100 } } });

const group = (name: string) => ({ groups: {}, values: { MSP: { value: { name } } }, policies: {}, mod_policy: 'Admins', version: '0' });
const config = (orgs: string[]): ChannelConfig => ({
  channel_group: {
    groups: { Application: { groups: Object.fromEntries(orgs.map((o) => [o, group(o)])), values: {}, policies: {}, mod_policy: 'Admins', version: '1' } },
    values: {},
    policies: {},
    mod_policy: 'Admins',
    version: '0',
  },
});

describe('channel configuration update for a new org', () => {
  it('finds the topology orgs the channel lacks', () => {
    expect(missingOrgs(loadTopology(DEFAULT_TOPOLOGY), config(['PTB', 'Inmetro', 'Operator', 'CustomerA', 'CustomerB']))).toEqual([]);
    expect(missingOrgs(withLab, config(['PTB', 'Inmetro', 'Operator', 'CustomerA', 'CustomerB'])).map((o) => o.name)).toEqual(['Lab']);
    expect(missingOrgs(withLab, config(['PTB', 'Inmetro'])).map((o) => o.name)).toEqual(['Operator', 'CustomerA', 'CustomerB', 'Lab']);
  });

  it('adds the org group with its anchor peer, leaving the original config untouched', () => {
    const original = config(['PTB', 'Inmetro', 'Operator', 'CustomerA', 'CustomerB']);
    const org = withLab.orgs.find((o) => o.name === 'Lab')!;
    const next = withOrgs(withLab, original, [{ org, group: group('LabMSP') }]);
    expect(Object.keys(next.channel_group.groups.Application.groups)).toEqual(['PTB', 'Inmetro', 'Operator', 'CustomerA', 'CustomerB', 'Lab']);
    expect(next.channel_group.groups.Application.groups.Lab.values.AnchorPeers).toEqual({
      mod_policy: 'Admins',
      value: { anchor_peers: [{ host: '127.0.0.1', port: 12051 }] },
      version: '0',
    });
    expect(Object.keys(original.channel_group.groups.Application.groups)).toEqual(['PTB', 'Inmetro', 'Operator', 'CustomerA', 'CustomerB']);
  });

  it('wraps the update in a CONFIG_UPDATE envelope for the channel', () => {
    expect(updateEnvelope('nmichannel', { x: 1 })).toEqual({
      payload: { header: { channel_header: { channel_id: 'nmichannel', type: 2 } }, data: { config_update: { x: 1 } } },
    });
  });
});
