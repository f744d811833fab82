import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateSoftwareSigner } from '@meterledger/crypto';
import { parseRaftMetrics } from '../network/src/readiness';
import { loadTopology, ordererHost, type Topology } from '../network/src/topology';
import { authority, closeAll, describeError, softwareProver, stateDir, uniqueId } from './support';

/**
 * Failures on the live network, through the Gateway. 002's deployment has two peers per NMI. With one peer of each org killed (SIGKILL, as in a crash),
 * the Gateway still collects both orgs' endorsements from the survivors and writes go on. `up` then
 * restarts the killed peers.
 */
jest.setTimeout(180_000);
afterAll(closeAll);

const profile = () => JSON.parse(fs.readFileSync(path.join(stateDir(), 'network.json'), 'utf8')) as { orgs: Record<string, { peers: { name: string }[] }> };

function kill(peer: string): void {
  const pid = Number(fs.readFileSync(path.join(stateDir(), 'run', `${peer}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
}

it('keeps accepting writes with one peer of each org killed', async () => {
  const { orgs } = profile();
  if (orgs.PTB.peers.length < 2 || orgs.Inmetro.peers.length < 2) throw new Error('this test needs a topology with two peers per org (network/topologies/nmi-002.yaml)');
  // PTB's clients use PTB's first peer as their gateway; Inmetro's first peer (its anchor) is killed.
  const victims = [orgs.PTB.peers[1].name, orgs.Inmetro.peers[0].name];
  const ptb = await authority('PTB', 'registrar');
  try {
    victims.forEach(kill);
    const meter = generateSoftwareSigner('ed25519');
    const meterId = uniqueId('survivor');
    const metadata = { manufacturer: 'ACME', model: 'E350', serial: 'SN-9', typeApprovalRef: 'PTB-22.11-4711' };
    const pending = await ptb.registerWithPossession({ meterId, scheme: meter.scheme, publicKey: meter.publicKey, metadata, prover: softwareProver(meter) });
    expect(pending.status).toBe('pending');
    expect((await ptb.getMeter(meterId)).meterId).toBe(meterId);
  } finally {
    execFileSync(process.execPath, [path.resolve(__dirname, '..', 'network', 'dist', 'cli.js'), 'up'], { stdio: 'pipe' });
  }
  const status = execFileSync(process.execPath, [path.resolve(__dirname, '..', 'network', 'dist', 'cli.js'), 'status'], { encoding: 'utf8' });
  expect(status).toMatch(/all \d+ processes up/);
});

it('kills the Raft leader with transactions in flight: no submit fails falsely, none takes effect twice', async () => {
  const topology = loadTopology(process.env.MLEDGER_TOPOLOGY ?? path.resolve(__dirname, '..', 'network', 'topologies', 'dev.yaml'), {
    portOffset: Number(process.env.MLEDGER_PORT_OFFSET ?? 0),
  });
  const leader = await raftLeader(topology);
  const ptb = await authority('PTB', 'registrar');
  const metadata = { manufacturer: 'ACME', model: 'E350', serial: 'SN-10', typeApprovalRef: 'PTB-22.11-4711' };
  const meters = Array.from({ length: 24 }, (_, i) => ({ meterId: uniqueId(`inflight-${i}`), signer: generateSoftwareSigner('ecdsa-p256-sha256') }));
  try {
    const submits = meters.map(({ meterId, signer }, i) =>
      new Promise((r) => setTimeout(r, i * 25)).then(() =>
        ptb.registerWithPossession({ meterId, scheme: signer.scheme, publicKey: signer.publicKey, metadata, prover: softwareProver(signer) }),
      ),
    );
    setTimeout(() => process.kill(Number(fs.readFileSync(path.join(stateDir(), 'run', `${leader}.pid`), 'utf8')), 'SIGKILL'), 150);
    const outcomes = await Promise.allSettled(submits);
    for (const [i, outcome] of outcomes.entries()) {
      const stored = await ptb.getMeter(meters[i].meterId).then(
        (m) => m.meterId,
        (e: unknown) => describeError(e),
      );
      // Accepted exactly when stored; a failure reported for a stored meter would be a false failure.
      if (outcome.status === 'fulfilled') expect(stored).toBe(meters[i].meterId);
      else expect([describeError(outcome.reason), stored]).toEqual([expect.anything(), expect.stringMatching(/UNKNOWN_METER/)]);
    }
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThan(0);
  } finally {
    execFileSync(process.execPath, [path.resolve(__dirname, '..', 'network', 'dist', 'cli.js'), 'up'], { stdio: 'pipe' });
  }
});

/** The orderer that reports itself Raft leader of the channel (its Prometheus metrics). */
async function raftLeader(t: Topology): Promise<string> {
  for (const o of t.ordererOrg.orderers) {
    const text = await fetch(`http://${t.host}:${o.operationsPort}/metrics`).then((r) => r.text());
    if (parseRaftMetrics(text, t.channel)?.isLeader) return ordererHost(t, o);
  }
  throw new Error('no Raft leader');
}
