// Affiliation of new organisations (002 §3.1, future work there): an org added to the topology of a
// running network joins its channel through a channel configuration update. `up` fetches the channel's
// latest config block, adds each org of the topology the channel lacks (its MSP and policies from
// configtxgen -printOrg, plus its anchor peer), computes the update with configtxlator, has it signed by
// the admins of the orgs already in the channel (the Application group's Admins policy is MAJORITY
// Admins; every member signs, which satisfies it), and submits it. This tooling holds every org's
// admin because it runs the whole network on one machine; in a real consortium each admin signs the
// same envelope file in turn (`peer channel signconfigtx`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { peerAdminEnv, type EnvContext } from './env';
import { bin } from './fabric';
import { ordererArgs } from './chaincode';
import { joinedChannels } from './channel';
import { runCommand, type Command } from './process';
import type { PeerOrg, Topology } from './topology';

type ConfigGroup = { groups: Record<string, ConfigGroup>; values: Record<string, unknown>; policies: Record<string, unknown>; mod_policy: string; version: string };
export interface ChannelConfig {
  channel_group: { groups: { Application: ConfigGroup } & Record<string, ConfigGroup> } & Omit<ConfigGroup, 'groups'>;
  sequence?: string;
}

/** Topology orgs the channel's Application group does not have yet (groups are keyed by org name). */
export function missingOrgs(t: Topology, config: ChannelConfig): PeerOrg[] {
  const present = Object.keys(config.channel_group.groups.Application.groups);
  return t.orgs.filter((org) => !present.includes(org.name));
}

/** The config with each new org's group (from configtxgen -printOrg) and anchor peer added. */
export function withOrgs(t: Topology, config: ChannelConfig, additions: { org: PeerOrg; group: ConfigGroup }[]): ChannelConfig {
  const next = structuredClone(config);
  for (const { org, group } of additions) {
    next.channel_group.groups.Application.groups[org.name] = {
      ...group,
      values: {
        ...group.values,
        AnchorPeers: { mod_policy: 'Admins', value: { anchor_peers: [{ host: t.host, port: org.peers[0].port }] }, version: '0' },
      },
    };
  }
  return next;
}

/** A config update wrapped in the envelope `peer channel update` submits (HeaderType CONFIG_UPDATE = 2). */
export function updateEnvelope(channel: string, configUpdate: unknown): unknown {
  return { payload: { header: { channel_header: { channel_id: channel, type: 2 } }, data: { config_update: configUpdate } } };
}

/**
 * Adds the topology's new orgs to the running channel; 'none' when the channel already has them all or
 * has no member yet (a channel created by this run of `up` has every org in its genesis block).
 */
export async function addNewOrgs(ctx: EnvContext): Promise<string> {
  const t = ctx.topology;
  const logPath = ctx.paths.log('channel-update');
  const step = `updating the ${t.channel} configuration`;
  // Orderers that just elected a leader may still answer SERVICE_UNAVAILABLE for a moment.
  const run = (c: Command) => runCommand(c, { step, logPath, retryIf: /SERVICE_UNAVAILABLE/ });
  const peerCli = (org: PeerOrg, args: string[]): Command => ({ bin: bin(ctx.paths, 'peer'), args, env: peerAdminEnv(ctx, org) });
  const lator = (args: string[]): Command => ({ bin: bin(ctx.paths, 'configtxlator'), args });

  // Members: orgs whose first peer has joined (their admins can read the channel and sign for it).
  const members: PeerOrg[] = [];
  for (const org of t.orgs) {
    const r = await runCommand(peerCli(org, ['channel', 'list']), { step, logPath, okIf: /./ });
    if (joinedChannels(r).includes(t.channel)) members.push(org);
  }
  if (members.length === 0) return 'none (new channel)';

  const work = fs.mkdtempSync(path.join(ctx.paths.root, 'channel-update-'));
  try {
    const file = (name: string) => path.join(work, name);
    await run(peerCli(members[0], ['channel', 'fetch', 'config', file('config_block.pb'), '-c', t.channel, ...ordererArgs(ctx)]));
    await run(lator(['proto_decode', '--input', file('config_block.pb'), '--type', 'common.Block', '--output', file('config_block.json')]));
    const block = JSON.parse(fs.readFileSync(file('config_block.json'), 'utf8')) as { data: { data: { payload: { data: { config: ChannelConfig } } }[] } };
    const config = block.data.data[0].payload.data.config;
    const newOrgs = missingOrgs(t, config);
    if (newOrgs.length === 0) return 'none';

    const additions = [];
    for (const org of newOrgs) {
      const printed = await run({ bin: bin(ctx.paths, 'configtxgen'), args: ['-configPath', ctx.paths.config, '-printOrg', org.name], env: { FABRIC_CFG_PATH: ctx.paths.config } });
      additions.push({ org, group: JSON.parse(printed.slice(printed.indexOf('{'))) as ConfigGroup });
    }
    fs.writeFileSync(file('config.json'), JSON.stringify(config));
    fs.writeFileSync(file('modified.json'), JSON.stringify(withOrgs(t, config, additions)));
    for (const name of ['config', 'modified']) {
      await run(lator(['proto_encode', '--input', file(`${name}.json`), '--type', 'common.Config', '--output', file(`${name}.pb`)]));
    }
    await run(lator(['compute_update', '--channel_id', t.channel, '--original', file('config.pb'), '--updated', file('modified.pb'), '--output', file('update.pb')]));
    await run(lator(['proto_decode', '--input', file('update.pb'), '--type', 'common.ConfigUpdate', '--output', file('update.json')]));
    const update = JSON.parse(fs.readFileSync(file('update.json'), 'utf8')) as unknown;
    fs.writeFileSync(file('envelope.json'), JSON.stringify(updateEnvelope(t.channel, update)));
    await run(lator(['proto_encode', '--input', file('envelope.json'), '--type', 'common.Envelope', '--output', file('envelope.pb')]));

    // Every member's admin signs; the last one's `update` adds its own signature and submits.
    for (const org of members.slice(0, -1)) await run(peerCli(org, ['channel', 'signconfigtx', '-f', file('envelope.pb')]));
    await run(peerCli(members[members.length - 1], ['channel', 'update', '-f', file('envelope.pb'), '-c', t.channel, ...ordererArgs(ctx)]));
    return `added ${newOrgs.map((o) => o.name).join(', ')} (signed by ${members.map((o) => o.mspId).join(', ')})`;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
