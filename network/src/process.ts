// Runs the network's programs: long-running nodes are started detached (they outlive the CLI) with
// their output in <state>/logs/<name>.log and their pid in <state>/run/<name>.pid; one-shot tools
// (fabric-ca-client, configtxgen, osnadmin, peer CLI) are run to completion with their output
// appended to a log. Any failure throws a StepError naming the step and the log to read.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { StatePaths } from './paths';

export class StepError extends Error {
  constructor(
    readonly step: string,
    readonly logPath: string | undefined,
    detail: string,
  ) {
    super(`${step} failed: ${detail}${logPath ? `\n  log: ${logPath}` : ''}`);
  }
}

export interface Command {
  bin: string;
  args: string[];
  /** Only these variables plus PATH/HOME/LANG reach the program (see baseEnv). */
  env?: Record<string, string>;
  cwd?: string;
}

export interface ProcessSpec extends Command {
  /** Log/pid name, e.g. "peer0.ptb.meterledger.local" or "ca-PTB". */
  name: string;
  /** The process counts as started once this port accepts connections. */
  port: number;
  host: string;
}

// Fabric reads its settings from CORE_*, ORDERER_*, FABRIC_* variables; a stray one in the user's
// shell would silently change a node, so programs get a clean environment.
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

export function commandLine(c: Command): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [c.bin, ...c.args].map(q).join(' ');
}

/** What a running process was started with; a different fingerprint means "restart it". */
export function fingerprint(c: Command): string {
  return createHash('sha256').update(JSON.stringify([c.bin, c.args, c.env ?? {}, c.cwd ?? ''])).digest('hex');
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(paths: StatePaths, name: string): number | null {
  try {
    const pid = Number(fs.readFileSync(paths.pid(name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

interface SpecRecord {
  fingerprint: string;
  bin: string;
}

function specFile(paths: StatePaths, name: string): string {
  return path.join(paths.run, `${name}.spec`);
}

function readSpec(paths: StatePaths, name: string): SpecRecord | null {
  try {
    return JSON.parse(fs.readFileSync(specFile(paths, name), 'utf8')) as SpecRecord;
  } catch {
    return null;
  }
}

/** Whether `pid` still runs `bin` (guards against a recycled pid after a reboot or crash). */
function runsProgram(pid: number, bin: string | undefined): boolean {
  if (!bin) return true;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.basename(bin));
  } catch {
    return !fs.existsSync('/proc/self'); // no /proc: cannot tell, trust the pid file
  }
}

/** The pid of `name` if it is running, else null (stale pid files are ignored). */
export function runningPid(paths: StatePaths, name: string): number | null {
  const pid = readPid(paths, name);
  return pid !== null && isAlive(pid) && runsProgram(pid, readSpec(paths, name)?.bin) ? pid : null;
}

export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function logTail(file: string, lines = 15): string {
  try {
    const all = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return all.slice(-lines).map((l) => `    | ${l}`).join('\n');
  } catch {
    return '    (no log written)';
  }
}

/**
 * Starts `spec` detached unless it already runs with the same command line and environment.
 * Resolves once its port accepts connections; throws (naming the log) if it exits or times out.
 */
export async function startProcess(
  spec: ProcessSpec,
  paths: StatePaths,
  opts: { step: string; timeoutMs?: number },
): Promise<'started' | 'running' | 'restarted'> {
  const fp = fingerprint(spec);
  const logPath = paths.log(spec.name);
  let outcome: 'started' | 'restarted' = 'started';
  const pid = runningPid(paths, spec.name);
  if (pid !== null) {
    if (readSpec(paths, spec.name)?.fingerprint === fp) return 'running';
    await stopProcess(paths, spec.name);
    outcome = 'restarted';
  }
  if (await portOpen(spec.host, spec.port)) {
    throw new StepError(opts.step, undefined, `${spec.host}:${spec.port} (needed by ${spec.name}) is already in use by another program`);
  }
  if (!fs.existsSync(spec.bin)) throw new StepError(opts.step, undefined, `program not found: ${spec.bin}`);
  fs.mkdirSync(paths.logs, { recursive: true });
  fs.mkdirSync(paths.run, { recursive: true });
  const log = fs.openSync(logPath, 'a');
  fs.writeSync(log, `\n=== ${new Date().toISOString()} starting: ${commandLine(spec)}\n`);
  // detached: own process group, so the node survives the CLI and `down` can signal the group.
  const child = spawn(spec.bin, spec.args, { cwd: spec.cwd, env: baseEnv(spec.env), detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const state: { exited: string | null } = { exited: null };
  child.once('exit', (code, signal) => (state.exited = signal ? `signal ${signal}` : `exit code ${code}`));
  child.once('error', (e) => (state.exited = e.message));
  if (child.pid === undefined) throw new StepError(opts.step, logPath, `could not start ${spec.bin}`);
  fs.writeFileSync(paths.pid(spec.name), `${child.pid}\n`);
  fs.writeFileSync(specFile(paths, spec.name), JSON.stringify({ fingerprint: fp, bin: spec.bin } satisfies SpecRecord));
  child.unref();

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (!(await portOpen(spec.host, spec.port))) {
    if (state.exited !== null) {
      throw new StepError(opts.step, logPath, `${spec.name} stopped (${state.exited}) before listening on ${spec.host}:${spec.port}\n${logTail(logPath)}`);
    }
    if (Date.now() > deadline) {
      await stopProcess(paths, spec.name);
      throw new StepError(opts.step, logPath, `${spec.name} did not listen on ${spec.host}:${spec.port} within ${(opts.timeoutMs ?? 30_000) / 1000}s\n${logTail(logPath)}`);
    }
    await sleep(200);
  }
  return outcome;
}

/** Stops `name` (SIGTERM to its process group, SIGKILL after the grace period). Fine if not running. */
export async function stopProcess(paths: StatePaths, name: string, graceMs = 10_000): Promise<'stopped' | 'not running'> {
  const pid = runningPid(paths, name);
  const cleanup = () => {
    fs.rmSync(paths.pid(name), { force: true });
    fs.rmSync(specFile(paths, name), { force: true });
  };
  if (pid === null) {
    cleanup();
    return 'not running';
  }
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig); // the whole group (e.g. the chaincode server's node children)
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signal('SIGKILL');
  while (isAlive(pid)) await sleep(50);
  cleanup();
  return 'stopped';
}

export interface RunOptions {
  step: string;
  logPath: string;
  /** Output that means "already done" (e.g. "is already registered"): treated as success. */
  okIf?: RegExp;
  /** Transient failures worth retrying (e.g. no Raft leader yet). */
  retryIf?: RegExp;
  retries?: number;
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command to completion, appending its output to the log; returns even when it fails. */
export function runCapture(c: Command, logPath: string, timeoutMs = 120_000): Promise<RunResult> {
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  fs.appendFileSync(logPath, `\n=== ${new Date().toISOString()} $ ${commandLine(c)}\n`);
  return new Promise((resolve) => {
    if (!fs.existsSync(c.bin)) {
      const msg = `program not found: ${c.bin}`;
      fs.appendFileSync(logPath, msg + '\n');
      resolve({ code: 127, output: msg });
      return;
    }
    const child = spawn(c.bin, c.args, { cwd: c.cwd, env: baseEnv(c.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (d: Buffer) => {
      output += d.toString();
      fs.appendFileSync(logPath, d);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs / 1000}s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, output: e.message });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** runCapture that throws a StepError (with the output tail and log path) unless the command succeeds. */
export async function runCommand(c: Command, opts: RunOptions): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const r = await runCapture(c, opts.logPath, opts.timeoutMs);
    if (r.code === 0 || opts.okIf?.test(r.output)) return r.output;
    if (opts.retryIf?.test(r.output) && attempt < (opts.retries ?? 5)) {
      await sleep(2000);
      continue;
    }
    const tail = r.output.trimEnd().split('\n').slice(-10).map((l) => `    | ${l}`).join('\n');
    throw new StepError(opts.step, opts.logPath, `${path.basename(c.bin)} exited with code ${r.code}\n${tail}`);
  }
}
