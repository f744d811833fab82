import { generateSoftwareSigner } from '@meterledger/crypto';
import { callers, registration } from '../testing/fixtures';
import { RegistryDriver } from '../testing/registry-driver';
import { configKey, proposalKey, readOnlySentinelKey, READ_ONLY_SENTINEL_MSP } from '.';

let r: RegistryDriver;
const two = { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] };
const withNmi = { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP', 'NmiMSP'] };

beforeEach(() => {
  r = new RegistryDriver();
});

describe('initConfig', () => {
  it('writes version 1 with the authorities in the order given, and the key-level policies', async () => {
    const config = await r.call('initConfig', callers.inmetroAdmin, two);
    expect(config).toEqual({
      approvalThreshold: 2,
      authorityMspIds: ['PTBMSP', 'InmetroMSP'],
      version: 1,
      updatedAt: expect.any(String),
      updatedBy: { mspId: 'InmetroMSP', id: callers.inmetroAdmin.id },
      proposalId: null,
    });
    expect(r.ledger.endorsers(configKey())).toEqual(['InmetroMSP', 'PTBMSP']);
    expect(r.ledger.endorsers(readOnlySentinelKey())).toEqual([READ_ONLY_SENTINEL_MSP]);
    expect(await r.getConfig()).toEqual({ config, pending: [] });
  });

  it('runs once, for an admin of a listed org', async () => {
    await r.expectRejected(() => r.call('initConfig', callers.ptbRegistrar, two), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('initConfig', callers.outsiderAdmin, two), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('initConfig', callers.ptbAdmin, { ...two, approvalThreshold: 3 }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.call('initConfig', callers.ptbAdmin, { ...two, extra: 1 }), 'INVALID_ARGUMENT');
    await r.init();
    await r.expectRejected(() => r.call('initConfig', callers.ptbAdmin, { approvalThreshold: 1, authorityMspIds: ['PTBMSP'] }), 'ALREADY_CONFIGURED');
  });

  it('is required before anything else', async () => {
    await r.expectRejected(() => r.call('registerMeter', callers.ptbRegistrar, registration(generateSoftwareSigner('ed25519'), 'm-1')), 'NOT_CONFIGURED');
    await r.expectRejected(() => r.call('proposeConfig', callers.ptbAdmin, two), 'NOT_CONFIGURED');
    await r.expectRejected(() => r.getConfig(), 'NOT_CONFIGURED');
  });
});

describe('proposeConfig / approveConfig', () => {
  beforeEach(() => r.init());

  it('no single authority can change the configuration: the proposer counts as one approval of two', async () => {
    const proposal = await r.call('proposeConfig', callers.ptbAdmin, { approvalThreshold: 1, authorityMspIds: ['PTBMSP'] });
    expect(proposal).toMatchObject({
      proposalId: expect.stringMatching(/^tx/),
      baseVersion: 1,
      proposed: { approvalThreshold: 1, authorityMspIds: ['PTBMSP'] },
      proposedBy: { mspId: 'PTBMSP' },
      approvals: [{ mspId: 'PTBMSP' }],
      status: 'pending',
    });
    const view = await r.getConfig();
    expect(view.config).toMatchObject({ version: 1, approvalThreshold: 2 });
    expect(view.pending).toEqual([proposal]);
    // The proposal key is protected by the orgs that approved it so far.
    expect(r.ledger.endorsers(proposalKey(1, proposal.proposalId))).toEqual(['PTBMSP']);
    // Another PTB admin is still PTB.
    await r.expectRejected(() => r.call('approveConfig', { ...callers.ptbAdmin, id: 'x509::/CN=admin2' }, { proposalId: proposal.proposalId }), 'ALREADY_APPROVED');
  });

  it('takes effect once the threshold of the configuration in force is reached', async () => {
    const proposal = await r.call('proposeConfig', callers.ptbAdmin, withNmi);
    // NmiMSP is not an authority yet: it cannot vote itself in.
    await r.expectRejected(() => r.call('approveConfig', callers.nmiAdmin, { proposalId: proposal.proposalId }), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('approveConfig', callers.inmetroRegistrar, { proposalId: proposal.proposalId }), 'UNAUTHORIZED');
    const approved = await r.call('approveConfig', callers.inmetroAdmin, { proposalId: proposal.proposalId });
    expect(approved).toMatchObject({ status: 'effective', approvals: [{ mspId: 'PTBMSP' }, { mspId: 'InmetroMSP' }] });
    const { config, pending } = await r.getConfig();
    expect(config).toMatchObject({ ...withNmi, version: 2, proposalId: proposal.proposalId, updatedBy: { mspId: 'InmetroMSP' } });
    expect(pending).toEqual([]);
    // Changes of the config now need a peer of every authority org of version 2.
    expect(r.ledger.endorsers(configKey())).toEqual(['InmetroMSP', 'NmiMSP', 'PTBMSP']);
    // The new authority registers; its approval counts.
    const signer = generateSoftwareSigner('ed25519');
    await r.call('registerMeter', callers.nmiRegistrar, registration(signer, 'm-1'));
  });

  it('uses the threshold in force, not the proposed one', async () => {
    const up = await r.call('proposeConfig', callers.inmetroAdmin, { approvalThreshold: 3, authorityMspIds: ['PTBMSP', 'InmetroMSP', 'NmiMSP'] });
    await r.call('approveConfig', callers.ptbAdmin, { proposalId: up.proposalId });
    expect((await r.getConfig()).config).toMatchObject({ version: 2, approvalThreshold: 3 });
    // Version 2 needs 3 approvals, although the proposal asks for 1.
    const down = await r.call('proposeConfig', callers.nmiAdmin, { approvalThreshold: 1, authorityMspIds: ['NmiMSP'] });
    expect((await r.call('approveConfig', callers.ptbAdmin, { proposalId: down.proposalId })).status).toBe('pending');
    expect((await r.call('approveConfig', callers.inmetroAdmin, { proposalId: down.proposalId })).status).toBe('effective');
    expect((await r.getConfig()).config).toMatchObject({ version: 3, approvalThreshold: 1, authorityMspIds: ['NmiMSP'] });
  });

  it('answers unknown and superseded proposals with their own codes', async () => {
    await r.expectRejected(() => r.call('approveConfig', callers.inmetroAdmin, { proposalId: 'tx-nope' }), 'UNKNOWN_PROPOSAL');
    const a = await r.call('proposeConfig', callers.ptbAdmin, withNmi);
    const b = await r.call('proposeConfig', callers.inmetroAdmin, { approvalThreshold: 1, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    expect((await r.getConfig()).pending.map((p) => p.proposalId).sort()).toEqual([a.proposalId, b.proposalId].sort());
    await r.call('approveConfig', callers.inmetroAdmin, { proposalId: a.proposalId });
    // b was made against version 1; version 2 is in force.
    const superseded = await r.expectRejected(() => r.call('approveConfig', callers.ptbAdmin, { proposalId: b.proposalId }), 'PROPOSAL_SUPERSEDED');
    expect(superseded.message).toMatch(/amends configuration version 1, but version 2 is in force/);
    expect((await r.getConfig()).pending).toEqual([]);
    const effective = await r.expectRejected(() => r.call('approveConfig', callers.ptbAdmin, { proposalId: a.proposalId }), 'PROPOSAL_SUPERSEDED');
    expect(effective.message).toMatch(/already took effect as configuration version 2/);
  });

  it('keeps one open proposal per org: a new one replaces the previous', async () => {
    const first = await r.call('proposeConfig', callers.ptbAdmin, withNmi);
    const second = await r.call('proposeConfig', callers.ptbAdmin, { approvalThreshold: 1, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    expect((await r.getConfig()).pending.map((p) => p.proposalId)).toEqual([second.proposalId]);
    await r.expectRejected(() => r.call('approveConfig', callers.inmetroAdmin, { proposalId: first.proposalId }), 'UNKNOWN_PROPOSAL');
  });

  it('rejects a proposal equal to the configuration in force, outsiders and non-admins', async () => {
    await r.expectRejected(() => r.call('proposeConfig', callers.ptbAdmin, { approvalThreshold: 2, authorityMspIds: ['InmetroMSP', 'PTBMSP'] }), 'INVALID_ARGUMENT');
    await r.expectRejected(() => r.call('proposeConfig', callers.ptbRegistrar, withNmi), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('proposeConfig', callers.nmiAdmin, withNmi), 'UNAUTHORIZED');
    await r.expectRejected(() => r.call('proposeConfig', callers.ptbAdmin, { ...withNmi, approvalThreshold: 4 }), 'INVALID_ARGUMENT');
  });

  it('takes effect at once when the threshold in force is one', async () => {
    const solo = new RegistryDriver();
    await solo.init(1, ['PTBMSP', 'InmetroMSP']);
    const proposal = await solo.call('proposeConfig', callers.inmetroAdmin, withNmi);
    expect(proposal.status).toBe('effective');
    expect((await solo.getConfig()).config).toMatchObject({ version: 2, authorityMspIds: withNmi.authorityMspIds });
  });
});
