// `status`: which of the network's processes are alive and listening, each peer's channel height
// and the committed chaincode definition.
import { caProcessName } from './ca';
import { channelHeight } from './channel';
import { chaincodeProcessName, lifecycleCommands, parseCommitted, type ChaincodeDefinition } from './chaincode';
import type { EnvContext } from './env';
import { missingBinaries } from './fabric';
import { BROKER_PROCESS } from './mqtt';
import { portOpen, runCapture, runningPid } from './process';
import { allOrgs, mqttUrl, ordererHost, peerHost, type Topology } from './topology';

export type ProcessKind = 'ca' | 'orderer' | 'peer' | 'mqtt' | 'chaincode';

export interface PlannedProcess {
  name: string;
  kind: ProcessKind;
  org: string;
  /** The port whose listening means "up", then the others it owns. */
  ports: number[];
}

/** Every long-running process the topology implies, in start order. */
export function plannedProcesses(t: Topology): PlannedProcess[] {
  const out: PlannedProcess[] = [];
  for (const org of allOrgs(t)) out.push({ name: caProcessName(org), kind: 'ca', org: org.name, ports: [org.ca.port, org.ca.operationsPort] });
  for (const o of t.ordererOrg.orderers) {
    out.push({ name: ordererHost(t, o), kind: 'orderer', org: t.ordererOrg.name, ports: [o.port, o.adminPort, o.clusterPort, o.operationsPort] });
  }
  for (const org of t.orgs) {
    for (const p of org.peers) out.push({ name: peerHost(t, org, p), kind: 'peer', org: org.name, ports: [p.port, p.chaincodePort, p.operationsPort] });
  }
  // Started by `up` after the peers; the chaincode servers come with `deploy`.
  if (t.mqtt) out.push({ name: BROKER_PROCESS, kind: 'mqtt', org: '-', ports: [t.mqtt.port] });
  for (const org of t.orgs) out.push({ name: chaincodeProcessName(org), kind: 'chaincode', org: org.name, ports: [t.chaincode.serverPorts[org.name]] });
  return out;
}

export interface ProcessStatus extends PlannedProcess {
  pid: number | null;
  listening: boolean;
}

export interface NetworkStatus {
  processes: ProcessStatus[];
  heights: { peer: string; height: number | null }[];
  chaincode: ChaincodeDefinition | null;
  missingBinaries: string[];
}

export async function collectStatus(ctx: EnvContext): Promise<NetworkStatus> {
  const t = ctx.topology;
  const processes = await Promise.all(
    plannedProcesses(t).map(async (p) => ({ ...p, pid: runningPid(ctx.paths, p.name), listening: await portOpen(t.host, p.ports[0]) })),
  );
  const missing = missingBinaries(ctx.paths);
  const heights: NetworkStatus['heights'] = [];
  let chaincode: ChaincodeDefinition | null = null;
  if (missing.length === 0) {
    for (const org of t.orgs) {
      for (const p of org.peers) {
        const name = peerHost(t, org, p);
        const up = processes.find((x) => x.name === name)?.listening;
        heights.push({ peer: name, height: up ? await channelHeight(ctx, org, p) : null });
      }
    }
    if (processes.some((x) => x.kind === 'peer' && x.listening)) {
      const r = await runCapture(lifecycleCommands.queryCommitted(ctx, t.orgs[0]), ctx.paths.log('status'), 15_000);
      if (r.code === 0) chaincode = parseCommitted(t.chaincode.name, r.output);
    }
  }
  return { processes, heights, chaincode, missingBinaries: missing };
}

export function formatStatus(t: Topology, s: NetworkStatus): string {
  const lines: string[] = [];
  if (s.missingBinaries.length) lines.push(`Fabric binaries missing: ${s.missingBinaries.join(', ')} (run scripts/install-fabric.sh)`);
  const width = Math.max(...s.processes.map((p) => p.name.length));
  for (const p of s.processes) {
    const state = processState(p);
    lines.push(`${p.name.padEnd(width)}  ${p.kind.padEnd(9)}  ${state.padEnd(9)}  pid ${String(p.pid ?? '-').padEnd(7)}  ports ${p.ports.join(',')}`);
  }
  lines.push('');
  for (const h of s.heights) lines.push(`${t.channel} height on ${h.peer}: ${h.height ?? 'unknown (not running or not joined)'}`);
  lines.push(
    s.chaincode
      ? `chaincode ${s.chaincode.name}: committed, version ${s.chaincode.version}, sequence ${s.chaincode.sequence}`
      : `chaincode ${t.chaincode.name}: not committed (or network down)`,
  );
  const mqtt = mqttUrl(t);
  if (mqtt) lines.push(`mqtt broker: ${mqtt}`);
  const notUp = notServing(s);
  lines.push(notUp.length ? `NOT SERVING: ${notUp.map((p) => `${p.name} (${processState(p)})`).join(', ')}` : `all ${s.processes.length} processes up`);
  return lines.join('\n');
}

/** A chaincode server whose supervisor lives but whose port is closed is being restarted. */
export function processState(p: ProcessStatus): string {
  if (p.pid !== null && p.listening) return 'up';
  if (p.pid !== null) return p.kind === 'chaincode' ? 'down (supervisor restarting it)' : 'not listening';
  return p.listening ? 'port taken by another program' : 'down';
}

export function notServing(s: NetworkStatus): ProcessStatus[] {
  return s.processes.filter((p) => processState(p) !== 'up');
}
