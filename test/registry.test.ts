import { generateSoftwareSigner } from '@meterledger/crypto';
import type { AuthorityClient } from '@meterledger/authority';
import { authority, closeAll, connection, describeError, expectCode, softwareProver, uniqueId } from './support';

/**
 * The meter PKI on the real two-authority network: identities come from each org's Fabric CA with the
 * meterledger.role attribute; every transaction is endorsed by both orgs' peers and ordered by Raft.
 */
jest.setTimeout(120_000);

let ptb: AuthorityClient;
let inmetro: AuthorityClient;
const metadata = { manufacturer: uniqueId('ACME'), model: 'E350', serial: 'SN-1', typeApprovalRef: 'PTB-22.11-4711' };

beforeAll(async () => {
  // `deploy` wrote the first configuration from the topology (threshold 2, both authorities).
  ptb = await authority('PTB', 'registrar');
  inmetro = await authority('Inmetro', 'registrar');
});
afterAll(closeAll);

it('starts with the configuration deploy wrote from the topology', async () => {
  const view = await ptb.getConfig();
  expect(view.config).toMatchObject({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
});

it('needs both authorities before a key verifies, then rotates and revokes it', async () => {
  const meterId = uniqueId('meter');
  const v1 = generateSoftwareSigner('ecdsa-p256-sha256');
  const pending = await ptb.registerWithPossession({ meterId, scheme: v1.scheme, publicKey: v1.publicKey, metadata, prover: softwareProver(v1) });
  expect(pending.status).toBe('pending');
  const reading = '2026-11-21T10:00:00Z,1.000';
  const signature = Buffer.from(v1.sign(reading)).toString('base64');
  expect(await ptb.verify({ meterId, message: reading, signature })).toMatchObject({ valid: false, reason: 'NO_KEY_VALID_AT_TIME' });

  const active = await inmetro.approveWithPossession({ meterId, prover: softwareProver(v1) });
  expect(active).toMatchObject({ status: 'active', activeKeyVersion: 1 });
  expect(active.keys[0].approvals.map((a) => a.mspId)).toEqual(['PTBMSP', 'InmetroMSP']);
  expect(await inmetro.verify({ meterId, message: reading, signature })).toMatchObject({ valid: true, keyVersion: 1 });

  const record = await inmetro.verifyAndRecord({ meterId, message: reading, signature });
  expect(record).toMatchObject({ valid: true, keyVersion: 1, verifier: { mspId: 'InmetroMSP' } });
  const audit = await ptb.listVerifications({ meterId });
  expect(audit.items.map((r) => r.txId)).toContain(record.txId);

  const v2 = generateSoftwareSigner('ed25519');
  await inmetro.rotateWithPossession({ meterId, scheme: v2.scheme, publicKey: v2.publicKey, prover: softwareProver(v2) });
  const rotated = await ptb.approveWithPossession({ meterId, prover: softwareProver(v2) });
  expect(rotated.keys.map((k) => k.status)).toEqual(['retired', 'active']);
  const during = rotated.keys[0].validFrom as string;
  expect(await ptb.verify({ meterId, message: reading, signature, at: during })).toMatchObject({ valid: true, keyVersion: 1 });
  // The Ed25519 key is the valid one now; an ECDSA DER signature is malformed for it.
  await expectCode(ptb.verify({ meterId, message: reading, signature }), 'MALFORMED_SIGNATURE');

  const revoked = await ptb.revokeMeter({ meterId, reason: 'keyCompromise' });
  expect(revoked.status).toBe('revoked');
  await expectCode(inmetro.rotateWithPossession({ meterId, scheme: 'ed25519', publicKey: generateSoftwareSigner('ed25519').publicKey, prover: softwareProver(v2) }), 'METER_REVOKED');
  expect((await ptb.getKeyHistory(meterId)).map((k) => k.status)).toEqual(['retired', 'revoked']);
});

it('denies callers without the role or outside the authorities, and leaves state untouched', async () => {
  const meterId = uniqueId('meter');
  const signer = generateSoftwareSigner('ed25519');
  const norole = await authority('PTB', 'norole');
  const verifier = await authority('Inmetro', 'verifier');
  await expectCode(norole.registerWithPossession({ meterId, scheme: 'ed25519', publicKey: signer.publicKey, metadata, prover: softwareProver(signer) }), 'UNAUTHORIZED');
  await expectCode(verifier.registerWithPossession({ meterId, scheme: 'ed25519', publicKey: signer.publicKey, metadata, prover: softwareProver(signer) }), 'UNAUTHORIZED');
  await expectCode(ptb.getMeter(meterId), 'UNKNOWN_METER');

  await ptb.registerWithPossession({ meterId, scheme: 'ed25519', publicKey: signer.publicKey, metadata, prover: softwareProver(signer) });
  await expectCode(ptb.approveWithPossession({ meterId, prover: softwareProver(signer) }), 'ALREADY_APPROVED');
  const before = await ptb.getMeter(meterId);
  await expectCode(verifier.revokeMeter({ meterId, reason: 'other' }), 'UNAUTHORIZED');
  expect(await ptb.getMeter(meterId)).toEqual(before);
});

it('rejects bad input with stable codes', async () => {
  const signer = generateSoftwareSigner('ecdsa-p256-sha256');
  const impostor = generateSoftwareSigner('ecdsa-p256-sha256');
  const base = { meterId: uniqueId('meter'), scheme: signer.scheme, publicKey: signer.publicKey, metadata };
  const unchecked = { ...base, prover: softwareProver(impostor) };
  // Skip the SDK's local pre-check so the chaincode itself must reject the forged proof.
  const raw = await authority('PTB', 'registrar', { verifyProofsLocally: false });
  await expectCode(raw.registerWithPossession(unchecked), 'BAD_PROOF_OF_POSSESSION');
  await expectCode(ptb.registerMeter({ ...base, publicKey: '04abcdef', proof: { nonce: 'nonce-0000000000000001', signature: 'AAAA' } }), 'MALFORMED_KEY');
  await expectCode(ptb.registerMeter({ ...base, scheme: 'rsa' as never, publicKey: signer.publicKey.spkiPem, proof: { nonce: 'nonce-0000000000000002', signature: 'AAAA' } }), 'UNKNOWN_SCHEME');
  await ptb.registerWithPossession({ ...base, prover: softwareProver(signer) });
  await expectCode(ptb.registerWithPossession({ ...base, prover: softwareProver(signer) }), 'DUPLICATE_METER');
  // Pending: no key is valid yet, so there is no scheme to parse the signature against.
  expect(await ptb.verify({ meterId: base.meterId, message: 'x', signature: 'AAEC' })).toMatchObject({ valid: false, reason: 'NO_KEY_VALID_AT_TIME' });
  await expectCode(ptb.verify({ meterId: uniqueId('nope'), message: 'x', signature: 'AAEC' }), 'UNKNOWN_METER');
});

it('answers calls that bypass the SDK with stable codes: unknown functions, and queries sent as invokes do not commit', async () => {
  const c = await connection('PTB', 'admin');
  // The SDK's own Gateway (fabric-gateway or fabric-network), used directly as the stock peer CLI would.
  const network = await (c.gateway as { getNetwork(name: string): unknown }).getNetwork(c.channel);
  const raw = (network as { getContract(cc: string, name: string): { submitTransaction(fn: string, ...args: string[]): Promise<unknown> } }).getContract(
    'meterledger',
    'registry',
  );
  const failure = (p: Promise<unknown>) => p.then(() => 'committed', (e: unknown) => describeError(e));
  expect(await failure(raw.submitTransaction('noSuchFunction'))).toMatch(/UNKNOWN_FUNCTION/);
  expect(await failure(raw.submitTransaction('getMeter'))).toMatch(/BAD_ARGUMENT_COUNT/);
  // getConfig is evaluate-only: its read-only sentinel write has an endorsement policy no org can meet.
  expect(await failure(raw.submitTransaction('getConfig'))).not.toBe('committed');
});
