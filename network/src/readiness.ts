// Readiness: `up` and `deploy` return only when the network can serve a client. A listening port is not
// enough: the orderers must have elected a Raft leader (else submits fail with "no Raft leader"), and
// every peer's discovery service must know every org's peers and the chaincode (else the Gateway answers
// "no combination of peers can be derived which satisfy the endorsement policy" for a while).
import * as http from 'node:http';
import { bin } from './fabric';
import type { EnvContext } from './env';
import { runCapture, StepError } from './process';
import { address, ORG_ADMIN, peerHost, type Peer, type PeerOrg, type Topology } from './topology';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (null = ready, else why not) until it passes; past the deadline, throws with the last reason. */
export async function waitUntil(step: string, check: () => Promise<string | null>, opts: { timeoutMs: number; intervalMs?: number }): Promise<number> {
  const started = Date.now();
  for (;;) {
    const reason = await check();
    if (reason === null) return Date.now() - started;
    if (Date.now() - started > opts.timeoutMs) throw new StepError(step, undefined, `not ready after ${opts.timeoutMs / 1000}s: ${reason}`);
    await sleep(opts.intervalMs ?? 500);
  }
}

// ---- Raft ----

export interface RaftView {
  isLeader: boolean;
  activeNodes: number;
  clusterSize: number;
}

/** Reads an orderer's Prometheus metrics (ORDERER_METRICS_PROVIDER=prometheus) for one channel. */
export function parseRaftMetrics(text: string, channel: string): RaftView | null {
  const value = (name: string): number | null => {
    const line = text.split('\n').find((l) => l.startsWith(`consensus_etcdraft_${name}{`) && l.includes(`channel="${channel}"`));
    return line ? Number(line.trim().split(/\s+/).pop()) : null;
  };
  const leader = value('is_leader');
  const active = value('active_nodes');
  const size = value('cluster_size');
  return leader === null || active === null || size === null ? null : { isLeader: leader === 1, activeNodes: active, clusterSize: size };
}

/** null when one orderer leads the channel and every orderer that answers sees a quorum of active nodes. */
export function raftProblem(views: (RaftView | null)[]): string | null {
  const answering = views.filter((v): v is RaftView => v !== null);
  if (answering.length === 0) return 'no orderer reports the channel yet';
  const leaders = answering.filter((v) => v.isLeader).length;
  if (leaders !== 1) return `${leaders} Raft leaders among ${answering.length} orderers`;
  const noQuorum = answering.filter((v) => v.activeNodes < Math.floor(v.clusterSize / 2) + 1);
  return noQuorum.length ? `an orderer sees ${noQuorum[0].activeNodes} of ${noQuorum[0].clusterSize} consenters active` : null;
}

function httpGet(url: string, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

export async function raftReadiness(t: Topology): Promise<string | null> {
  const views = await Promise.all(
    t.ordererOrg.orderers.map(async (o) => {
      const text = await httpGet(`http://${address(t, o.operationsPort)}/metrics`);
      return text === null ? null : parseRaftMetrics(text, t.channel);
    }),
  );
  return raftProblem(views);
}

// ---- discovery ----

interface DiscoveredPeer {
  MSPID: string;
  Endpoint: string;
  Chaincodes?: string[] | null;
}

function discoverCommand(ctx: EnvContext, org: PeerOrg, peer: Peer, args: string[]) {
  const p = ctx.paths;
  return {
    bin: bin(p, 'discover'),
    args: [
      '--peerTLSCA', p.orgTlsCa(org.name),
      '--userKey', p.userKey(org.name, ORG_ADMIN),
      '--userCert', p.userCert(org.name, ORG_ADMIN),
      '--MSP', org.mspId,
      ...args,
      '--channel', ctx.topology.channel,
      '--server', address(ctx.topology, peer.port),
    ],
  };
}

/** What `discover peers` shows that is missing: a peer of the topology, or the chaincode on a peer. */
export function discoveryProblem(t: Topology, seenBy: string, discovered: DiscoveredPeer[], chaincode: string | null): string | null {
  for (const org of t.orgs) {
    for (const p of org.peers) {
      const found = discovered.find((d) => d.Endpoint === address(t, p.port) && d.MSPID === org.mspId);
      if (!found) return `${seenBy} does not see ${peerHost(t, org, p)} yet`;
      if (chaincode && !(found.Chaincodes ?? []).includes(chaincode)) return `${seenBy} does not see ${chaincode} on ${peerHost(t, org, p)} yet`;
    }
  }
  return null;
}

/**
 * null when, through every peer's discovery service, every org's peers are visible (with the chaincode,
 * when given) and the chaincode has at least one endorsement layout.
 */
export async function discoveryReadiness(ctx: EnvContext, chaincode: string | null, logPath: string): Promise<string | null> {
  const t = ctx.topology;
  for (const org of t.orgs) {
    for (const peer of org.peers) {
      const name = peerHost(t, org, peer);
      const peers = await runCapture(discoverCommand(ctx, org, peer, ['peers']), logPath, 15_000);
      if (peers.code !== 0) return `discovery on ${name}: ${peers.output.trim().split('\n').pop()}`;
      let discovered: DiscoveredPeer[];
      try {
        discovered = JSON.parse(peers.output) as DiscoveredPeer[];
      } catch {
        return `discovery on ${name} answered something that is not JSON`;
      }
      const problem = discoveryProblem(t, name, discovered, chaincode);
      if (problem) return problem;
      if (chaincode) {
        const endorsers = await runCapture(discoverCommand(ctx, org, peer, ['endorsers', '--chaincode', chaincode]), logPath, 15_000);
        if (endorsers.code !== 0) return `no endorsement plan for ${chaincode} on ${name} yet: ${endorsers.output.trim().split('\n').pop()}`;
      }
    }
  }
  return null;
}
