// `up` and `down`: the ordered steps that bring the native network up and take it down. Every step
// first checks whether its work is already done, so `up` on a running network changes nothing
// and `down` on a stopped one just reports that nothing runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { caServer, enrollOrg } from './ca';
import { createGenesisBlock, joinOrderer, joinPeer } from './channel';
import { addNewOrgs } from './channel-update';
import { readDeployedDefinition, targetDefinition } from './chaincode';
import { renderConfigtx } from './configtx';
import { ordererEnv, peerEnv, type EnvContext } from './env';
import { bin, ensureBinaries, findSampleConfig, installFabricConfig } from './fabric';
import { findMosquitto, INSTALL_HINT as MOSQUITTO_INSTALL_HINT, startBroker } from './mqtt';
import { CCAAS_BUILDER_DIR, type StatePaths } from './paths';
import { startProcess, StepError, stopProcess, type ProcessSpec } from './process';
import { buildProfile, writeProfile } from './profile';
import { runSteps, summarize, type Print } from './progress';
import { discoveryReadiness, raftReadiness, waitUntil } from './readiness';
import { plannedProcesses } from './status';
import { address, allOrgs, ordererHost, peerHost, type Topology } from './topology';

/** How long `up` and `deploy` wait for the network to be able to serve a client. */
export const READY_TIMEOUT_MS = 120_000;

export interface Runtime {
  topology: Topology;
  paths: StatePaths;
  print: Print;
  env: NodeJS.ProcessEnv;
}

/** Native processes read Fabric's defaults from <state>/config and use our ccaas builder. */
export function nativeContext(t: Topology, paths: StatePaths): EnvContext {
  return { topology: t, paths, fabricCfgPath: paths.config, builderDir: CCAAS_BUILDER_DIR };
}

export function ordererProcess(ctx: EnvContext, o: Topology['ordererOrg']['orderers'][number]): ProcessSpec {
  const t = ctx.topology;
  return { name: ordererHost(t, o), bin: bin(ctx.paths, 'orderer'), args: [], env: ordererEnv(ctx, o), port: o.port, host: t.host };
}

export function peerProcess(ctx: EnvContext, org: Topology['orgs'][number], p: Topology['orgs'][number]['peers'][number]): ProcessSpec {
  const t = ctx.topology;
  return { name: peerHost(t, org, p), bin: bin(ctx.paths, 'peer'), args: ['node', 'start'], env: peerEnv(ctx, org, p), port: p.port, host: t.host };
}

async function startAll(specs: ProcessSpec[], paths: StatePaths, step: string): Promise<string | void> {
  for (const s of specs) fs.mkdirSync(paths.data(s.name), { recursive: true });
  const outcomes = await Promise.all(specs.map((s) => startProcess(s, paths, { step, timeoutMs: 60_000 })));
  return summarize(outcomes, { running: 'already running', restarted: 'restarted with a changed configuration' });
}

export async function up(rt: Runtime): Promise<void> {
  const { topology: t, paths } = rt;
  const ctx = nativeContext(t, paths);
  const orderers = t.ordererOrg.orderers;
  const peers = t.orgs.flatMap((org) => org.peers.map((p) => ({ org, p })));
  await runSteps(
    [
      {
        title: `checking Fabric binaries${t.mqtt ? ' and mosquitto' : ''}`,
        run: async () => {
          const note = await ensureBinaries(paths, rt.env);
          if (t.mqtt && !findMosquitto(rt.env)) throw new StepError('checking mosquitto', undefined, `mosquitto not found: ${MOSQUITTO_INSTALL_HINT}`);
          return note;
        },
      },
      {
        title: 'writing Fabric config (core.yaml, orderer.yaml, configtx.yaml)',
        run: async () => {
          const defaults = findSampleConfig(paths, rt.env);
          installFabricConfig(paths, defaults);
          fs.writeFileSync(paths.configtx, renderConfigtx(t, paths));
          return `defaults from ${defaults}`;
        },
      },
      {
        title: `starting CAs (${allOrgs(t).map((o) => o.name).join(', ')})`,
        run: () => startAll(allOrgs(t).map((org) => caServer(t, org, paths)), paths, 'starting CAs'),
      },
      {
        title: 'enrolling nodes and identities',
        run: async () => summarize(await Promise.all(allOrgs(t).map((org) => enrollOrg(t, org, paths))), { 'already enrolled': 'orgs already enrolled', 'identities added': 'orgs with new identities enrolled' }),
      },
      { title: `starting ${orderers.length} orderers`, run: () => startAll(orderers.map((o) => ordererProcess(ctx, o)), paths, 'starting orderers') },
      { title: `starting ${peers.length} peers`, run: () => startAll(peers.map(({ org, p }) => peerProcess(ctx, org, p)), paths, 'starting peers') },
      ...(t.mqtt
        ? [
            {
              // Resolves once an MQTT client is accepted (CONNECT/CONNACK), not merely when the port listens.
              title: `starting the MQTT broker (mosquitto on ${address(t, t.mqtt.port)})`,
              run: async () => {
                const outcome = await startBroker(t, paths, rt.env);
                return outcome === 'started' ? undefined : outcome === 'running' ? 'already running' : 'restarted with a changed configuration';
              },
            },
          ]
        : []),
      {
        title: `creating the ${t.channel} genesis block`,
        run: async () => ((await createGenesisBlock(t, paths)) === 'exists' ? 'already created' : undefined),
      },
      {
        title: `joining orderers to ${t.channel}`,
        run: async () => summarize(await Promise.all(orderers.map((o) => joinOrderer(t, o, paths))), { 'already joined': 'already joined' }),
      },
      {
        title: `waiting for a Raft leader on ${t.channel}`,
        run: async () => `after ${((await waitUntil('waiting for a Raft leader', () => raftReadiness(t), { timeoutMs: READY_TIMEOUT_MS })) / 1000).toFixed(1)}s`,
      },
      {
        // Needs the Raft leader: fetching the config block from a restarting orderer answers SERVICE_UNAVAILABLE.
        title: `adding the topology's new orgs to ${t.channel}`,
        run: () => addNewOrgs(ctx),
      },
      {
        title: `joining peers to ${t.channel}`,
        run: async () => summarize(await Promise.all(peers.map(({ org, p }) => joinPeer(ctx, org, p))), { 'already joined': 'already joined' }),
      },
      {
        title: 'waiting for every peer to see every org through gossip and discovery',
        run: async () =>
          `after ${((await waitUntil('waiting for discovery', () => discoveryReadiness(ctx, null, paths.log('readiness')), { timeoutMs: READY_TIMEOUT_MS })) / 1000).toFixed(1)}s`,
      },
      {
        title: 'writing network.json',
        run: async () => {
          writeProfile(paths, buildProfile(t, paths, readDeployedDefinition(paths) ?? targetDefinition(t, null, false)));
          return paths.profile;
        },
      },
    ],
    rt.print,
  );
}

/** Stops everything (chaincode servers first, CAs last); with purge also deletes the state, except bin/. */
export async function down(rt: Runtime, opts: { purge: boolean }): Promise<void> {
  const { topology: t, paths } = rt;
  const planned = plannedProcesses(t).reverse();
  const kinds = ['chaincode', 'mqtt', 'peer', 'orderer', 'ca'] as const;
  const titles = { chaincode: 'chaincode servers', mqtt: 'the MQTT broker', peer: 'peers', orderer: 'orderers', ca: 'CAs' };
  const steps = kinds.map((kind) => ({
    title: `stopping ${titles[kind]}`,
    run: async () => {
      const names = planned.filter((p) => p.kind === kind).map((p) => p.name);
      const outcomes = await Promise.all(names.map((n) => stopProcess(paths, n)));
      return summarize(outcomes, { 'not running': 'were not running' });
    },
  }));
  steps.push({
    // e.g. processes of an org since removed from topology.yaml
    title: 'stopping leftover processes',
    run: async () => {
      const left = fs.existsSync(paths.run) ? fs.readdirSync(paths.run).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4)) : [];
      const outcomes = await Promise.all(left.map((n) => stopProcess(paths, n)));
      return summarize(outcomes, { stopped: 'stopped', 'not running': 'stale pid files removed' }) ?? 'none';
    },
  });
  if (opts.purge) {
    steps.push({
      title: `deleting ${paths.root} (keeping bin/)`,
      run: async () => {
        if (!fs.existsSync(paths.root)) return 'nothing to delete';
        for (const entry of fs.readdirSync(paths.root)) {
          if (entry !== path.basename(paths.bin)) fs.rmSync(path.join(paths.root, entry), { recursive: true, force: true });
        }
      },
    });
  }
  await runSteps(steps, rt.print);
}
