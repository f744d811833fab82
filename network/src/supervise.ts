#!/usr/bin/env node
// A minimal supervisor for the chaincode servers: runs `<program> <args…>`, and when the program dies
// unexpectedly (crash, OOM kill, `kill -9`) starts it again after a backoff (1 s, doubling up to 30 s,
// back to 1 s after a minute of uptime). SIGTERM/SIGINT stop the program and the supervisor. `down`
// signals the whole process group, so both stop together. Each event is one line in the process log.
//   node supervise.js <program> [args…]
import { spawn, type ChildProcess } from 'node:child_process';

export function backoffMs(consecutiveFailures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, consecutiveFailures - 1));
}

function main(argv: string[]): void {
  const [program, ...args] = argv;
  if (!program) {
    process.stderr.write('usage: supervise.js <program> [args…]\n');
    process.exit(2);
  }
  const say = (s: string) => process.stdout.write(`supervisor ${new Date().toISOString()}: ${s}\n`);
  let child: ChildProcess | null = null;
  let stopping = false;
  let failures = 0;

  const start = () => {
    const startedAt = Date.now();
    child = spawn(program, args, { stdio: 'inherit' });
    say(`started pid ${child.pid}: ${program} ${args.join(' ')}`);
    child.once('exit', (code, signal) => {
      child = null;
      if (stopping) process.exit(0);
      failures = Date.now() - startedAt > 60_000 ? 1 : failures + 1;
      const wait = backoffMs(failures);
      say(`exited (${signal ? `signal ${signal}` : `code ${code}`}); restarting in ${wait / 1000}s (restart #${failures})`);
      setTimeout(() => (stopping ? process.exit(0) : start()), wait);
    });
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      stopping = true;
      say(`${sig}: stopping`);
      if (child) child.kill(sig);
      else process.exit(0);
    });
  }
  start();
}

if (require.main === module) main(process.argv.slice(2));
