import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateSoftwareSigner } from '@meterledger/crypto';
import { authority, closeAll, connection, expectCode, softwareProver, stateDir, uniqueId } from './support';

/**
 * Affiliation of a new organisation (002 §3.1): a third NMI, Lab, is added to the topology of the running
 * network; `up` + `deploy` join it to the channel (config update signed by PTB's and Inmetro's admins, its
 * peer joined, its approval of the committed chaincode definition), and the registry admits it as an
 * authority only once the configuration in force says so (a proposal approved by the threshold of
 * authority admins). Then Lab's registrar registers meters and another authority approves them.
 * Runs last (test/sequencer.js): the network keeps three orgs afterwards.
 */
jest.setTimeout(300_000);
afterAll(closeAll);

const cli = path.resolve(__dirname, '..', 'network', 'dist', 'cli.js');
const metadata = { manufacturer: 'ACME', model: 'E350', serial: 'SN-3', typeApprovalRef: 'LAB-26.1' };

function topologyWithLab(): string {
  const base = process.env.MLEDGER_TOPOLOGY ?? path.resolve(__dirname, '..', 'network', 'topologies', 'dev.yaml');
  const doc = parse(fs.readFileSync(base, 'utf8')) as {
    chaincode: { serverPorts: Record<string, number> };
    orgs: { identities: unknown }[];
  };
  doc.chaincode.serverPorts.Lab = 12100;
  doc.orgs.push({
    name: 'Lab',
    mspId: 'LabMSP',
    kind: 'authority',
    ca: { port: 12054, operationsPort: 22054 },
    peers: [{ name: 'peer0', port: 12051, chaincodePort: 12052, operationsPort: 22051 }],
    identities: doc.orgs[0].identities,
  } as never);
  const file = path.join(stateDir(), 'topology-with-lab.yaml');
  fs.writeFileSync(file, stringify(doc));
  return file;
}

it('a third NMI joins the running channel and, once the authorities admit it, registers meters', async () => {
  const topology = topologyWithLab();
  for (const command of ['up', 'deploy']) execFileSync(process.execPath, [cli, '--topology', topology, command], { stdio: 'pipe' });
  const profile = JSON.parse(fs.readFileSync(path.join(stateDir(), 'network.json'), 'utf8')) as { orgs: Record<string, unknown> };
  expect(Object.keys(profile.orgs)).toEqual(['PTB', 'Inmetro', 'Operator', 'Lab']);

  const labRegistrar = await authority('Lab', 'registrar');
  const meter = generateSoftwareSigner('ecdsa-p256-sha256');
  const meterId = uniqueId('lab-meter');
  const register = () => labRegistrar.registerWithPossession({ meterId, scheme: meter.scheme, publicKey: meter.publicKey, metadata, prover: softwareProver(meter) });
  // On the channel (its peer endorses and reads), but not yet an authority of the registry.
  expect((await labRegistrar.getConfig()).config.authorityMspIds).toEqual(['PTBMSP', 'InmetroMSP']);
  await expectCode(register(), 'UNAUTHORIZED');

  const ptbAdmin = await authority('PTB', 'admin');
  const inmetroAdmin = await authority('Inmetro', 'admin');
  const labAdmin = await authority('Lab', 'admin');
  const proposal = await ptbAdmin.proposeConfig({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP', 'LabMSP'] });
  // Lab cannot vote itself in: only authorities of the configuration in force approve.
  await expectCode(labAdmin.approveConfig({ proposalId: proposal.proposalId }), 'UNAUTHORIZED');
  expect((await ptbAdmin.getConfig()).config.authorityMspIds).not.toContain('LabMSP');
  await inmetroAdmin.approveConfig({ proposalId: proposal.proposalId });
  expect((await labRegistrar.getConfig()).config.authorityMspIds).toEqual(['PTBMSP', 'InmetroMSP', 'LabMSP']);

  const pending = await register();
  expect(pending.status).toBe('pending');
  const ptbRegistrar = await authority('PTB', 'registrar');
  const active = await ptbRegistrar.approveWithPossession({ meterId, prover: softwareProver(meter) });
  expect(active.status).toBe('active');
  expect(active.keys[0].approvals.map((a) => a.mspId)).toEqual(['LabMSP', 'PTBMSP']);

  // State-based endorsement: the meter's key names the orgs that approved it (Lab, PTB). With three orgs the
  // chaincode policy (MAJORITY) is met by PTB + Inmetro, but a change to this meter endorsed without Lab is
  // invalidated at commit, so peers of other orgs cannot rewrite it between them.
  const ptbConnection = await connection('PTB', 'registrar');
  const bypass = ptbConnection
    .contract('registry')
    .submitWithOptions('revokeMeter', [{ meterId, reason: 'keyCompromise' }], { endorsingOrganizations: ['PTBMSP', 'InmetroMSP'] });
  const invalid = await expectCode(bypass, 'TRANSACTION_INVALID');
  expect(invalid.validationCode).toBe('ENDORSEMENT_POLICY_FAILURE');
  expect((await ptbRegistrar.getMeter(meterId)).status).toBe('active');

  const reading = '2026-11-22T10:00:00Z,2.500';
  const signature = Buffer.from(meter.sign(reading)).toString('base64');
  expect(await labRegistrar.verify({ meterId, message: reading, signature })).toMatchObject({ valid: true, keyVersion: 1 });
});
