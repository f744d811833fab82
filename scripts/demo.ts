/**
 * The end-to-end demo on the running network (scripts/demo.sh starts it). First the meter PKI: two
 * authorities, a meter proving possession of its key to both, signature checks, rotation and revocation.
 * Then signed readings (scripts/demo-readings.ts): a simulated Tasmota plug publishing to the network's
 * Mosquitto broker, the MQTT bridge and metering gateway submitting to the ledger, an auditor's report.
 * Last, private weighing tickets (scripts/demo-weighing.ts): two customers, the SmartBox HTTPS API, a route
 * between them and a disclosure checked by an inspector.
 */
import { AuthorityClient, softwareProver } from '@meterledger/authority';
import { connect, MeterledgerError } from '@meterledger/client';
import { generateSoftwareSigner } from '@meterledger/crypto';
import { readingsDemo } from './demo-readings';
import { weighingDemo } from './demo-weighing';

const step = (text: string) => console.log(`\n▶ ${text}`);
const show = (label: string, value: unknown) => console.log(`  ${label.padEnd(28)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);

async function main(): Promise<void> {
  await registryDemo();
  await readingsDemo({ step, show });
  await weighingDemo({ step, show });
}

async function registryDemo(): Promise<void> {
  const connections = await Promise.all([
    connect({ org: 'PTB', identity: 'admin' }),
    connect({ org: 'PTB', identity: 'registrar' }),
    connect({ org: 'Inmetro', identity: 'registrar' }),
    connect({ org: 'PTB', identity: 'norole' }),
  ]);
  const [admin, ptb, inmetro, norole] = connections.map((c) => new AuthorityClient(c));
  try {
    step('The registry configuration deploy wrote from the topology: 2 distinct authorities must approve every key');
    const { config } = await admin.getConfig();
    show('config in force', `v${config.version}: threshold ${config.approvalThreshold} of ${config.authorityMspIds.join(', ')}`);

    step('PTB admin alone tries to lower the threshold to 1: it only becomes a proposal');
    const proposal = await admin.proposeConfig({ approvalThreshold: 1, authorityMspIds: ['PTBMSP'] });
    show('proposal', `${proposal.proposalId.slice(0, 16)}… ${proposal.status}, approved by ${proposal.approvals.map((a) => a.mspId).join(', ')}`);
    show('config in force', `v${(await admin.getConfig()).config.version} (unchanged until another authority approves)`);

    const meterId = `demo-meter-${Date.now().toString(36)}`;
    const meter = generateSoftwareSigner('ecdsa-p256-sha256'); // stands in for the meter's secure element
    step(`PTB registers ${meterId} after the meter signs PTB's possession challenge`);
    const registered = await ptb.registerWithPossession({
      meterId,
      scheme: meter.scheme,
      publicKey: meter.publicKey,
      metadata: { manufacturer: 'ACME Metering', model: 'E350', serial: 'SN-0001', typeApprovalRef: 'PTB-22.11-4711' },
      prover: softwareProver(meter),
    });
    show('status', registered.status);
    show('key fingerprint', registered.keys[0].fingerprint);

    const reading = '2026-11-21T10:00:00Z,1.000 kWh';
    const signature = Buffer.from(meter.sign(reading)).toString('base64');
    show('verify before approval', await ptb.verify({ meterId, message: reading, signature }));

    step('Inmetro challenges the meter with its own nonce and approves');
    const active = await inmetro.approveWithPossession({ meterId, prover: softwareProver(meter) });
    show('status', `${active.status} (approved by ${active.keys[0].approvals.map((a) => a.mspId).join(' + ')})`);

    step('Anyone verifies a signed reading; verifyAndRecord logs the check on the ledger');
    show('verify', await inmetro.verify({ meterId, message: reading, signature }));
    show('verify tampered reading', await inmetro.verify({ meterId, message: reading.replace('1.000', '9.000'), signature }));
    const record = await inmetro.verifyAndRecord({ meterId, message: reading, signature });
    show('audit record', { valid: record.valid, txId: record.txId, verifier: record.verifier.mspId });

    step('A caller without the registrar role is refused and nothing changes');
    try {
      await norole.revokeMeter({ meterId, reason: 'other' });
    } catch (err) {
      show('refused', err instanceof MeterledgerError ? `${err.code} (tx ${err.transactionId})` : String(err));
    }

    step('Key rotation to Ed25519: the old key stays valid for signatures made while it was active');
    const next = generateSoftwareSigner('ed25519');
    await inmetro.rotateWithPossession({ meterId, scheme: next.scheme, publicKey: next.publicKey, prover: softwareProver(next) });
    const rotated = await ptb.approveWithPossession({ meterId, prover: softwareProver(next) });
    for (const k of rotated.keys) show(`key v${k.version} ${k.scheme}`, `${k.status} [${k.validFrom} … ${k.validTo ?? 'open'})`);
    show('old signature, at old time', await ptb.verify({ meterId, message: reading, signature, at: rotated.keys[0].validFrom as string }));

    step('PTB revokes the meter (key compromise)');
    const revoked = await ptb.revokeMeter({ meterId, reason: 'keyCompromise', comment: 'seal broken' });
    show('status', `${revoked.status} since ${revoked.revocation?.effectiveAt}`);
    const nextSig = Buffer.from(next.sign(reading)).toString('base64');
    show('verify after revocation', await ptb.verify({ meterId, message: reading, signature: nextSig }));
  } finally {
    for (const c of connections) c.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof MeterledgerError ? `${err.code}: ${err.message}` : err);
  process.exit(1);
});
