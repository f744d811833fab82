import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateSoftwareSigner } from '@meterledger/crypto';
import { authority, closeAll, softwareProver, stateDir, uniqueId } from './support';

/**
 * 002's deployment has two peers per NMI. With one peer of each org killed (SIGKILL, as in a crash),
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
