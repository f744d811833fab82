import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { statePaths } from './paths';
import { commandLine, portOpen, runCommand, runningPid, startProcess, StepError, stopProcess, type ProcessSpec } from './process';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const paths = statePaths(fs.mkdtempSync(path.join(os.tmpdir(), 'proc-')));

function server(name: string, port: number, extra = ''): ProcessSpec {
  const code = `${extra}; require('net').createServer().listen(${port}, '127.0.0.1'); console.log('listening', process.env.GREETING)`;
  return { name, bin: process.execPath, args: ['-e', code], env: { GREETING: 'hi' }, port, host: '127.0.0.1' };
}

describe('long-running processes', () => {
  jest.setTimeout(30_000);

  it('start detached with a pid file and log, are found running, restart on a changed spec, and stop', async () => {
    const port = await freePort();
    const spec = server('svc', port);
    expect(await startProcess(spec, paths, { step: 'starting svc' })).toBe('started');
    const pid = runningPid(paths, 'svc');
    expect(pid).not.toBeNull();
    expect(fs.readFileSync(paths.pid('svc'), 'utf8').trim()).toBe(String(pid));
    expect(await portOpen('127.0.0.1', port)).toBe(true);

    expect(await startProcess(spec, paths, { step: 'starting svc' })).toBe('running'); // idempotent
    expect(runningPid(paths, 'svc')).toBe(pid);

    expect(await startProcess({ ...spec, env: { GREETING: 'changed' } }, paths, { step: 'starting svc' })).toBe('restarted');
    expect(runningPid(paths, 'svc')).not.toBe(pid);

    expect(await stopProcess(paths, 'svc')).toBe('stopped');
    expect(runningPid(paths, 'svc')).toBeNull();
    expect(fs.existsSync(paths.pid('svc'))).toBe(false);
    expect(await portOpen('127.0.0.1', port)).toBe(false);
    expect(await stopProcess(paths, 'svc')).toBe('not running');

    const log = fs.readFileSync(paths.log('svc'), 'utf8');
    expect(log).toContain('listening hi');
    expect(log).toContain('listening changed');
  });

  it('gets a clean environment (no stray CORE_/ORDERER_ variables from the caller)', async () => {
    process.env.CORE_PEER_ID = 'stray';
    const port = await freePort();
    await startProcess(server('env', port, "console.log('stray=' + process.env.CORE_PEER_ID)"), paths, { step: 's' });
    await stopProcess(paths, 'env');
    delete process.env.CORE_PEER_ID;
    expect(fs.readFileSync(paths.log('env'), 'utf8')).toContain('stray=undefined');
  });

  it('fails naming the step, the log and its tail when the program exits before listening', async () => {
    const port = await freePort();
    const spec: ProcessSpec = { name: 'crash', bin: process.execPath, args: ['-e', "console.error('bad config value'); process.exit(3)"], port, host: '127.0.0.1' };
    const err = await startProcess(spec, paths, { step: 'starting crash' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as Error).message).toMatch(/^starting crash failed: crash stopped \(exit code 3\)/);
    expect((err as Error).message).toContain('bad config value');
    expect((err as Error).message).toContain(`log: ${paths.log('crash')}`);
  });

  it('fails when the program does not listen in time, and stops it', async () => {
    const port = await freePort();
    const spec: ProcessSpec = { name: 'slow', bin: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], port, host: '127.0.0.1' };
    await expect(startProcess(spec, paths, { step: 'starting slow', timeoutMs: 1000 })).rejects.toThrow(/did not listen on 127\.0\.0\.1:\d+ within 1s/);
    expect(runningPid(paths, 'slow')).toBeNull();
  });

  it('refuses a port another program already uses', async () => {
    const port = await freePort();
    const other = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    await expect(startProcess(server('clash', port), paths, { step: 'starting clash' })).rejects.toThrow(/127\.0\.0\.1:\d+ \(needed by clash\) is already in use/);
    other.close();
  });

  it('never signals a recycled pid that now runs another program', async () => {
    fs.mkdirSync(paths.run, { recursive: true });
    fs.writeFileSync(paths.pid('recycled'), `${process.pid}\n`); // this very test process
    fs.writeFileSync(path.join(paths.run, 'recycled.spec'), JSON.stringify({ fingerprint: 'x', bin: '/opt/fabric/bin/orderer' }));
    expect(runningPid(paths, 'recycled')).toBeNull();
    expect(await stopProcess(paths, 'recycled')).toBe('not running');
    expect(fs.existsSync(paths.pid('recycled'))).toBe(false);
  });

  it('reports a missing program', async () => {
    const port = await freePort();
    await expect(startProcess({ name: 'nobin', bin: '/nonexistent/peer', args: [], port, host: '127.0.0.1' }, paths, { step: 's' })).rejects.toThrow(/program not found: \/nonexistent\/peer/);
  });
});

describe('one-shot commands', () => {
  const node = process.execPath;
  const logPath = paths.log('oneshot');

  it('return their output and append it to the log', async () => {
    const out = await runCommand({ bin: node, args: ['-e', "console.log('hello')"] }, { step: 'saying hello', logPath });
    expect(out.trim()).toBe('hello');
    expect(fs.readFileSync(logPath, 'utf8')).toMatch(/\$ .*node -e .*\nhello\n/);
  });

  it('throw a StepError with the exit code, output tail and log path', async () => {
    const err = (await runCommand({ bin: node, args: ['-e', "console.error('Error: 403 Forbidden'); process.exit(2)"] }, { step: 'enrolling x', logPath }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toContain('enrolling x failed: node exited with code 2');
    expect(err.message).toContain('Error: 403 Forbidden');
    expect(err.message).toContain(`log: ${logPath}`);
  });

  it('treat "already done" output as success and retry transient failures', async () => {
    await expect(runCommand({ bin: node, args: ['-e', "console.log('Identity x is already registered'); process.exit(1)"] }, { step: 's', logPath, okIf: /is already registered/ })).resolves.toContain('already');
    const counter = path.join(paths.root, 'counter');
    const flaky = `const f=${JSON.stringify(counter)};const n=Number(require('fs').existsSync(f)?require('fs').readFileSync(f,'utf8'):0)+1;require('fs').writeFileSync(f,String(n));if(n<2){console.log('SERVICE_UNAVAILABLE');process.exit(1)}console.log('ok'+n)`;
    await expect(runCommand({ bin: node, args: ['-e', flaky] }, { step: 's', logPath, retryIf: /SERVICE_UNAVAILABLE/, retries: 2 })).resolves.toContain('ok2');
  });

  it('quote command lines for the log', () => {
    expect(commandLine({ bin: '/b/peer', args: ['channel', 'join', "it's here"] })).toBe(`/b/peer channel join 'it'\\''s here'`);
  });
});
