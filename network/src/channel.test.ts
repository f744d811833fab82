import { blockHeight, genesisBlockCommand, joinedChannels, osnadminJoinCommand, osnadminListCommand, osnadminStatus, peerChannelCommand } from './channel';
import type { EnvContext } from './env';
import { DEFAULT_TOPOLOGY, statePaths } from './paths';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);
const paths = statePaths('/state');
const ctx: EnvContext = { topology: t, paths, fabricCfgPath: '/state/config', builderDir: '/b' };
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('channel commands', () => {
  it('configtxgen writes the genesis block from our configtx.yaml profile', () => {
    const c = genesisBlockCommand(t, paths);
    expect(c.bin).toBe('/state/bin/configtxgen');
    expect(c.args).toEqual(['-configPath', '/state/config', '-profile', 'MeterLedgerChannel', '-channelID', 'nmichannel', '-outputBlock', '/state/channel/nmichannel.block']);
  });

  it('osnadmin joins each orderer through its admin port with mutual TLS', () => {
    const o2 = t.ordererOrg.orderers[1];
    const c = osnadminJoinCommand(t, o2, paths);
    const tls = '/state/orgs/OrdererOrg/nodes/orderer2.meterledger.local/tls';
    expect(c.args.slice(0, 2)).toEqual(['channel', 'join']);
    expect(flag(c.args, '-o')).toBe('127.0.0.1:8053');
    expect(flag(c.args, '--config-block')).toBe('/state/channel/nmichannel.block');
    expect([flag(c.args, '--ca-file'), flag(c.args, '--client-cert'), flag(c.args, '--client-key')]).toEqual([`${tls}/ca.crt`, `${tls}/server.crt`, `${tls}/server.key`]);
    expect(osnadminListCommand(t, o2, paths).args.slice(0, 4)).toEqual(['channel', 'list', '--channelID', 'nmichannel']);
  });

  it('peer channel commands run as the org admin', () => {
    const c = peerChannelCommand(ctx, t.orgs[0], t.orgs[0].peers[0], ['join', '-b', paths.channelBlock('nmichannel')]);
    expect(c.args).toEqual(['channel', 'join', '-b', '/state/channel/nmichannel.block']);
    expect(c.env?.CORE_PEER_LOCALMSPID).toBe('PTBMSP');
  });
});

describe('channel output parsers', () => {
  it('osnadmin status', () => {
    expect(osnadminStatus('Status: 201\n{\n\t"name": "nmichannel"\n}')).toBe(201);
    expect(osnadminStatus('Status: 405\n{"error":"cannot join: channel already exists"}')).toBe(405);
    expect(osnadminStatus('Error: connection refused')).toBeNull();
  });

  it('peer channel list', () => {
    expect(joinedChannels('2024-01-01 INFO [channelCmd] InitCmdFactory -> Endorser and orderer connections initialized\nChannels peers has joined: \nnmichannel\n')).toEqual(['nmichannel']);
    expect(joinedChannels('Channels peers has joined: \n')).toEqual([]);
  });

  it('peer channel getinfo', () => {
    expect(blockHeight('Blockchain info: {"height":7,"currentBlockHash":"abc","previousBlockHash":"def"}')).toBe(7);
    expect(blockHeight('Error: ...')).toBeNull();
  });
});
