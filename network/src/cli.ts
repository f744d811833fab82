#!/usr/bin/env node
// meterledger-network: up | down [--purge] | deploy [--upgrade] | status | compose | profile | broker <start|stop|restart>
import { Command, InvalidArgumentError } from 'commander';
import { readDeployedDefinition, targetDefinition } from './chaincode';
import { renderCompose } from './compose';
import { deploy } from './deploy';
import { restartBroker, startBroker, stopBroker } from './mqtt';
import { down, nativeContext, up, type Runtime } from './network';
import { DEFAULT_TOPOLOGY, defaultStatePaths } from './paths';
import { buildProfile } from './profile';
import { collectStatus, formatStatus, notServing } from './status';
import { loadTopology, mqttUrl } from './topology';

function portOffset(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`--port-offset must be a non-negative integer, got "${value}"`);
  return Number(value);
}

/** `status` reports a network that is not fully serving through `outcome.exitCode` (3). */
export function buildCli(
  out: (s: string) => void = (s) => process.stdout.write(s),
  env: NodeJS.ProcessEnv = process.env,
  outcome: { exitCode: number } = { exitCode: 0 },
): Command {
  const program = new Command('meterledger-network')
    .description('Native (Docker-free) Hyperledger Fabric network for MeterLedger, described by a topology file (default network/topologies/dev.yaml)')
    .option('-t, --topology <file>', 'topology file (env MLEDGER_TOPOLOGY)', env.MLEDGER_TOPOLOGY ?? DEFAULT_TOPOLOGY)
    .option('--port-offset <n>', 'add n to every port of the topology, to run a second network beside the first (env MLEDGER_PORT_OFFSET)', env.MLEDGER_PORT_OFFSET ?? '0')
    .showHelpAfterError();

  const runtime = (): Runtime => ({
    topology: loadTopology(program.opts<{ topology: string }>().topology, { portOffset: portOffset(program.opts<{ portOffset: string }>().portOffset) }),
    paths: defaultStatePaths(env),
    print: out,
    env,
  });

  program
    .command('up')
    .description('start CAs, enroll identities, start orderers and peers, create and join the channel, write network.json')
    .action(async () => up(runtime()));
  program
    .command('down')
    .description('stop every process of the network')
    .option('--purge', 'also delete the state folder (crypto, ledgers, logs), keeping the installed binaries')
    .action(async (o: { purge?: boolean }) => down(runtime(), { purge: Boolean(o.purge) }));
  program
    .command('deploy')
    .description('package, install, approve and commit the chaincode; start one chaincode server per org')
    .option('--upgrade', 'deploy new code: bump the committed version and sequence')
    .action(async (o: { upgrade?: boolean }) => deploy(runtime(), { upgrade: Boolean(o.upgrade) }));
  program
    .command('status')
    .description('processes, ports, channel height, committed chaincode; exit code 3 when a process is not serving')
    .action(async () => {
      const rt = runtime();
      const s = await collectStatus(nativeContext(rt.topology, rt.paths));
      out(formatStatus(rt.topology, s) + '\n');
      if (notServing(s).length) outcome.exitCode = 3;
    });
  program
    .command('broker')
    .description('start, stop or restart the MQTT broker (mosquitto) alone; the rest of the network is untouched')
    .argument('<action>', 'start | stop | restart')
    .action(async (action: string) => {
      const rt = runtime();
      const url = mqttUrl(rt.topology);
      if (!url) throw new InvalidArgumentError(`${program.opts<{ topology: string }>().topology} has no mqtt section`);
      if (action === 'start') out(`mosquitto: ${await startBroker(rt.topology, rt.paths, env)} (${url})\n`);
      else if (action === 'stop') out(`mosquitto: ${await stopBroker(rt.paths)}\n`);
      else if (action === 'restart') {
        await restartBroker(rt.topology, rt.paths, env);
        out(`mosquitto: restarted (${url})\n`);
      } else throw new InvalidArgumentError(`broker: unknown action "${action}" (start, stop or restart)`);
    });
  program
    .command('compose')
    .description('print the docker-compose.yaml equivalent of the topology')
    .action(() => out(renderCompose(runtime().topology)));
  program
    .command('profile')
    .description('print network.json as up/deploy write it')
    .action(() => {
      const rt = runtime();
      const definition = readDeployedDefinition(rt.paths) ?? targetDefinition(rt.topology, null, false);
      out(JSON.stringify(buildProfile(rt.topology, rt.paths, definition), null, 2) + '\n');
    });
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    const outcome = { exitCode: 0 };
    await buildCli(undefined, undefined, outcome).parseAsync(argv);
    return outcome.exitCode;
  } catch (e) {
    process.stderr.write(`\nerror: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
