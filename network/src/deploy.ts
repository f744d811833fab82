// `deploy [--upgrade]`: packages the chaincode per org, installs it on every peer, (re)starts each
// org's chaincode server with its package id, approves the definition for each org and commits it.
// Without --upgrade an already committed definition is kept; --upgrade bumps version and sequence
// from what `peer lifecycle chaincode querycommitted` reports.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  chaincodePackage,
  chaincodeProjectDir,
  chaincodeProjectProblem,
  chaincodeServer,
  lifecycleCommands,
  NOT_COMMITTED,
  parseApprovals,
  parseCommitted,
  parseInstalled,
  readDeployedDefinition,
  targetDefinition,
  writeCollectionsConfig,
  writeDeployedDefinition,
  type ChaincodeDefinition,
  type ChaincodePackage,
} from './chaincode';
import { missingBinaries } from './fabric';
import { nativeContext, READY_TIMEOUT_MS, type Runtime } from './network';
import { discoveryReadiness, waitUntil } from './readiness';
import { bootstrapRegistryConfig } from './registry-bootstrap';
import { runCapture, runCommand, runningPid, startProcess, StepError } from './process';
import { buildProfile, writeProfile } from './profile';
import { runSteps, summarize } from './progress';
import { peerHost } from './topology';

/** The orderer may still be electing a Raft leader right after `up`. */
const TRANSIENT = /SERVICE_UNAVAILABLE|no Raft leader|connection refused|Unavailable/i;

export async function deploy(rt: Runtime, opts: { upgrade: boolean }): Promise<void> {
  const { topology: t, paths } = rt;
  const ctx = nativeContext(t, paths);
  const logPath = paths.log('deploy');
  const first = t.orgs[0];
  const projectDir = chaincodeProjectDir(rt.env);
  let committed: ChaincodeDefinition | null = null;
  let target: ChaincodeDefinition = targetDefinition(t, null, false);
  let packages: ChaincodePackage[] = [];
  let committedApprovals: Record<string, boolean> = {};
  const alreadyCommitted = () => committed !== null && committed.sequence === target.sequence;

  await runSteps(
    [
      {
        title: 'checking the network and the chaincode build',
        run: async () => {
          const missing = missingBinaries(paths);
          if (missing.length) throw new StepError('checking', undefined, `Fabric binaries missing (${missing.join(', ')}): run network/up.sh first`);
          const down = t.orgs.flatMap((org) => org.peers.map((p) => peerHost(t, org, p))).filter((n) => runningPid(paths, n) === null);
          if (down.length) throw new StepError('checking', undefined, `not running: ${down.join(', ')} — run network/up.sh first`);
          const problem = chaincodeProjectProblem(projectDir);
          if (problem) throw new StepError('checking', undefined, problem);
        },
      },
      {
        title: 'reading the committed chaincode definition',
        run: async () => {
          const r = await runCapture(lifecycleCommands.queryCommitted(ctx, first), logPath);
          if (r.code === 0) {
            committed = parseCommitted(t.chaincode.name, r.output);
            committedApprovals = parseApprovals(r.output);
          }
          else if (!NOT_COMMITTED.test(r.output)) throw new StepError('reading the committed definition', logPath, r.output.trim());
          target = targetDefinition(t, committed, opts.upgrade, readDeployedDefinition(paths));
          writeCollectionsConfig(t, paths);
          const now = committed ? `committed: version ${committed.version}, sequence ${committed.sequence}` : 'nothing committed';
          if (alreadyCommitted()) return `${now}; keeping it (use --upgrade to deploy new code)`;
          const why = committed && !opts.upgrade ? ' (the endorsement policy or the collections changed)' : '';
          return `${now}; deploying version ${target.version}, sequence ${target.sequence}${why}`;
        },
      },
      {
        title: 'packaging the chaincode (one package per org)',
        run: async () => {
          packages = t.orgs.map((org) => chaincodePackage(t, org, target.version));
          for (const p of packages) {
            const file = paths.chaincodePackage(p.org, p.label);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, p.bytes);
          }
          return packages.map((p) => p.label).join(', ');
        },
      },
      {
        title: 'installing the packages on every peer',
        run: async () => {
          const outcomes = await Promise.all(
            t.orgs.flatMap((org, i) =>
              org.peers.map(async (peer) => {
                const pkg = packages[i];
                const step = `installing ${pkg.label} on ${peerHost(t, org, peer)}`;
                const installed = parseInstalled(await runCommand(lifecycleCommands.queryInstalled(ctx, org, peer), { step, logPath }));
                if (installed.includes(pkg.packageId)) return 'already installed';
                await runCommand(lifecycleCommands.install(ctx, org, peer, paths.chaincodePackage(pkg.org, pkg.label)), {
                  step,
                  logPath,
                  okIf: /already successfully installed/,
                });
                return 'installed';
              }),
            ),
          );
          return summarize(outcomes, { 'already installed': 'already installed' });
        },
      },
      {
        title: 'starting one chaincode server per org',
        run: async () => {
          const outcomes = await Promise.all(
            t.orgs.map((org, i) => startProcess(chaincodeServer(t, org, packages[i].packageId, projectDir), paths, { step: `starting the ${org.name} chaincode server` })),
          );
          return summarize(outcomes, { running: 'already running', restarted: 'restarted with the new package' });
        },
      },
      {
        title: 'approving the definition for each org',
        run: async () => {
          // A committed definition still needs the approval of an org that joined since (e.g. a third NMI):
          // without it, that org's peers do not run the chaincode.
          const readiness = alreadyCommitted()
            ? committedApprovals
            : parseApprovals(await runCommand(lifecycleCommands.checkCommitReadiness(ctx, first, target), { step: 'checking commit readiness', logPath }));
          const outcomes: string[] = [];
          for (const [i, org] of t.orgs.entries()) {
            if (readiness[org.mspId]) {
              outcomes.push('already approved');
              continue;
            }
            await runCommand(lifecycleCommands.approve(ctx, org, target, packages[i].packageId), {
              step: `approving for ${org.name}`,
              logPath,
              retryIf: TRANSIENT,
            });
            outcomes.push('approved');
          }
          return summarize(outcomes, { 'already approved': 'already approved' });
        },
      },
      {
        title: 'committing the definition',
        run: async () => {
          if (alreadyCommitted()) return 'already committed';
          const readiness = parseApprovals(await runCommand(lifecycleCommands.checkCommitReadiness(ctx, first, target), { step: 'checking commit readiness', logPath }));
          const missing = t.orgs.filter((o) => !readiness[o.mspId]).map((o) => o.mspId);
          if (missing.length) throw new StepError('committing', logPath, `not approved by ${missing.join(', ')}`);
          await runCommand(lifecycleCommands.commit(ctx, first, target), { step: 'committing the definition', logPath, retryIf: TRANSIENT });
          return `version ${target.version}, sequence ${target.sequence}`;
        },
      },
      {
        title: `waiting until every peer's discovery offers an endorsement plan for ${t.chaincode.name}`,
        run: async () =>
          `after ${((await waitUntil('waiting for discovery', () => discoveryReadiness(ctx, t.chaincode.name, logPath), { timeoutMs: READY_TIMEOUT_MS })) / 1000).toFixed(1)}s`,
      },
      {
        title: 'writing network.json',
        run: async () => {
          writeDeployedDefinition(paths, target);
          writeProfile(paths, buildProfile(t, paths, target));
          return paths.profile;
        },
      },
      {
        title: 'configuring the registry through every authority’s Gateway',
        run: () => bootstrapRegistryConfig(t, paths),
      },
    ],
    rt.print,
  );
}
