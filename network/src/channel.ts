// Creates the application channel without a system channel: configtxgen writes the genesis block,
// every orderer joins it through its admin endpoint (osnadmin), then every peer joins it.
// Anchor peers are already in the genesis block (see configtx.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHANNEL_PROFILE } from './configtx';
import { peerAdminEnv, type EnvContext } from './env';
import { bin } from './fabric';
import type { StatePaths } from './paths';
import { runCapture, runCommand, StepError, type Command } from './process';
import { address, ordererHost, peerHost, type Orderer, type Peer, type PeerOrg, type Topology } from './topology';

export function genesisBlockCommand(t: Topology, paths: StatePaths): Command {
  return {
    bin: bin(paths, 'configtxgen'),
    args: ['-configPath', paths.config, '-profile', CHANNEL_PROFILE, '-channelID', t.channel, '-outputBlock', paths.channelBlock(t.channel)],
  };
}

/** osnadmin authenticates with the orderer's own TLS key pair (its admin endpoint trusts the org TLS CA). */
function osnadminTls(t: Topology, orderer: Orderer, paths: StatePaths): string[] {
  const tls = paths.nodeTls(t.ordererOrg.name, ordererHost(t, orderer));
  return ['--ca-file', `${tls}/ca.crt`, '--client-cert', `${tls}/server.crt`, '--client-key', `${tls}/server.key`];
}

export function osnadminJoinCommand(t: Topology, orderer: Orderer, paths: StatePaths): Command {
  return {
    bin: bin(paths, 'osnadmin'),
    args: ['channel', 'join', '--channelID', t.channel, '--config-block', paths.channelBlock(t.channel), '-o', address(t, orderer.adminPort), ...osnadminTls(t, orderer, paths)],
  };
}

export function osnadminListCommand(t: Topology, orderer: Orderer, paths: StatePaths): Command {
  return {
    bin: bin(paths, 'osnadmin'),
    args: ['channel', 'list', '--channelID', t.channel, '-o', address(t, orderer.adminPort), ...osnadminTls(t, orderer, paths)],
  };
}

/** osnadmin prints "Status: <http code>" followed by the JSON body, and exits 0 for any HTTP answer. */
export function osnadminStatus(output: string): number | null {
  const m = /Status:\s*(\d{3})/.exec(output);
  return m ? Number(m[1]) : null;
}

export function peerChannelCommand(ctx: EnvContext, org: PeerOrg, peer: Peer, args: string[]): Command {
  return { bin: bin(ctx.paths, 'peer'), args: ['channel', ...args], env: peerAdminEnv(ctx, org, peer) };
}

/** `peer channel list` prints "Channels peers has joined:" followed by one channel per line. */
export function joinedChannels(output: string): string[] {
  const lines = output.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => /^Channels peers has joined/.test(l));
  return start < 0 ? [] : lines.slice(start + 1).filter((l) => /^[a-z][a-z0-9.-]*$/.test(l));
}

/** `peer channel getinfo` prints "Blockchain info: {"height":5,...}". */
export function blockHeight(output: string): number | null {
  const m = /Blockchain info:\s*(\{.*\})/.exec(output);
  if (!m) return null;
  try {
    const h = (JSON.parse(m[1]) as { height?: number }).height;
    return typeof h === 'number' ? h : null;
  } catch {
    return null;
  }
}

export async function createGenesisBlock(t: Topology, paths: StatePaths): Promise<'created' | 'exists'> {
  const block = paths.channelBlock(t.channel);
  if (fs.existsSync(block)) return 'exists';
  fs.mkdirSync(path.dirname(block), { recursive: true });
  await runCommand(genesisBlockCommand(t, paths), { step: `creating the ${t.channel} genesis block`, logPath: paths.log('channel') });
  return 'created';
}

export async function joinOrderer(t: Topology, orderer: Orderer, paths: StatePaths): Promise<'joined' | 'already joined'> {
  const step = `joining ${orderer.name} to ${t.channel}`;
  const logPath = paths.log('channel');
  const listed = await runCapture(osnadminListCommand(t, orderer, paths), logPath);
  if (osnadminStatus(listed.output) === 200) return 'already joined';
  const out = await runCommand(osnadminJoinCommand(t, orderer, paths), { step, logPath });
  const status = osnadminStatus(out);
  if (status === 201) return 'joined';
  if (status === 405) return 'already joined'; // "channel already exists"
  throw new StepError(step, logPath, `osnadmin answered ${status ?? 'nothing'}:\n${out.trim()}`);
}

export async function joinPeer(ctx: EnvContext, org: PeerOrg, peer: Peer): Promise<'joined' | 'already joined'> {
  const t = ctx.topology;
  const step = `joining ${peerHost(t, org, peer)} to ${t.channel}`;
  const logPath = ctx.paths.log('channel');
  const list = await runCommand(peerChannelCommand(ctx, org, peer, ['list']), { step, logPath });
  if (joinedChannels(list).includes(t.channel)) return 'already joined';
  await runCommand(peerChannelCommand(ctx, org, peer, ['join', '-b', ctx.paths.channelBlock(t.channel)]), { step, logPath });
  return 'joined';
}

export async function channelHeight(ctx: EnvContext, org: PeerOrg, peer: Peer): Promise<number | null> {
  const r = await runCapture(peerChannelCommand(ctx, org, peer, ['getinfo', '-c', ctx.topology.channel]), ctx.paths.log('status'), 15_000);
  return r.code === 0 ? blockHeight(r.output) : null;
}
