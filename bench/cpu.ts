import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultProfilePath } from '@meterledger/client';

// ---- CPU accounting ------------------------------------------------------------------------------

export const KINDS = ['orderer', 'peer', 'chaincode', 'ca', 'bench'] as const;
export type Kind = (typeof KINDS)[number];
export type CpuMs = Record<Kind, number> & { total: number; machine: number; other: number };

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function kindOf(name: string): Exclude<Kind, 'bench'> | undefined {
  if (name.startsWith('orderer')) return 'orderer';
  if (name.startsWith('peer')) return 'peer';
  if (name.startsWith('chaincode-')) return 'chaincode';
  if (name.startsWith('ca-')) return 'ca';
  return undefined;
}

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks (cutime/cstime: reaped children, so a tree's sum is continuous). */
  ticks: number;
}

function readProcStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses; fields restart after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    stats.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  return stats;
}

/** The network under test: the profile as connect() finds it, and the state folder holding its pid files. */
export function networkUnderTest(env: NodeJS.ProcessEnv = process.env): { stateDir: string; profilePath: string } {
  const profilePath = defaultProfilePath(env);
  return { stateDir: env.MLEDGER_STATE_DIR?.trim() ? path.resolve(env.MLEDGER_STATE_DIR) : path.dirname(profilePath), profilePath };
}

/** The network's processes: name → pid, from <state>/run/*.pid. */
export function networkProcesses(stateDir: string): Map<string, number> {
  const dir = path.join(stateDir, 'run');
  const pids = new Map<string, number>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.pid')) continue;
    const pid = Number(readFileSync(path.join(dir, file), 'utf8').trim());
    if (pid > 0) pids.set(file.slice(0, -'.pid'.length), pid);
  }
  return pids;
}

export interface CpuSnapshot {
  byKind: Record<Exclude<Kind, 'bench'>, number>; // ms
  benchMs: number;
  machineBusyMs: number;
}

function machineBusyMs(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number); // user nice system idle iowait irq softirq steal guest guest_nice
  const busy = n[0] + n[1] + n[2] + n[5] + n[6] + n[7];
  return (busy * 1000) / CLK_TCK;
}

export function cpuSnapshot(roots: Map<string, number>): CpuSnapshot {
  const stats = readProcStats();
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const treeTicks = (pid: number): number => {
    let sum = 0;
    const stack = [pid];
    while (stack.length) {
      const p = stack.pop()!;
      sum += stats.get(p)?.ticks ?? 0;
      stack.push(...(children.get(p) ?? []));
    }
    return sum;
  };
  const byKind = { orderer: 0, peer: 0, chaincode: 0, ca: 0 };
  for (const [name, pid] of roots) {
    const kind = kindOf(name);
    if (kind) byKind[kind] += (treeTicks(pid) * 1000) / CLK_TCK;
  }
  const own = process.cpuUsage();
  return { byKind, benchMs: (own.user + own.system) / 1000, machineBusyMs: machineBusyMs() };
}

export function cpuDelta(a: CpuSnapshot, b: CpuSnapshot): CpuMs {
  const out = { orderer: 0, peer: 0, chaincode: 0, ca: 0, bench: b.benchMs - a.benchMs, total: 0, machine: b.machineBusyMs - a.machineBusyMs, other: 0 };
  for (const k of ['orderer', 'peer', 'chaincode', 'ca'] as const) out[k] = b.byKind[k] - a.byKind[k];
  out.total = KINDS.reduce((s, k) => s + out[k], 0);
  out.other = Math.max(0, out.machine - out.total); // other processes on the machine (and the kernel)
  return out;
}

