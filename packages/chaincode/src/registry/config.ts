import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import { pageByPrefix } from '../ledger/pagination';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireAuthorityOrg, requireAuthorityRole, requireRole } from './access';
import { actorOf } from './actor';
import { KEY_TYPES, configKey, proposalKey } from './keys';
import { installReadOnlySentinel } from './read-only';
import type { Request } from './requests';
import type { ConfigProposal, RegistryConfig, RegistryConfigSettings, RegistryConfigView } from './types';

/**
 * Governance of the registry configuration (approval threshold and authority orgs), so that no single
 * authority can lower the threshold or drop the others (the collusion countermeasure of 002 §4.2.2):
 *
 * - initConfig writes version 1 once, from the deployment's topology; the caller must be an admin of an
 *   org it lists.
 * - proposeConfig records a proposal (its id is the transaction id); the proposer's org is its first
 *   approval. One open proposal per org: a new one replaces the org's previous one.
 * - approveConfig adds one approval per authority org (by an admin of that org). Once `approvalThreshold`
 *   distinct authority orgs of the configuration IN FORCE approved, the proposal becomes version + 1.
 *   Proposals made against an older version are superseded.
 *
 * Key-level endorsement: the config key requires a peer of every authority org in force; a proposal key
 * requires a peer of every org that approved it.
 */

export async function readConfig(state: StateStore): Promise<RegistryConfig | undefined> {
  const bytes = await state.get(configKey());
  return bytes ? fromBytes<RegistryConfig>(bytes) : undefined;
}

export async function requireConfig(state: StateStore): Promise<RegistryConfig> {
  const config = await readConfig(state);
  if (!config) {
    throw new ChaincodeError('NOT_CONFIGURED', 'the registry has no configuration yet; the deployment must call initConfig');
  }
  return config;
}

function settingsOf(request: Request<'initConfig'>): RegistryConfigSettings {
  return { approvalThreshold: request.approvalThreshold, authorityMspIds: [...request.authorityMspIds] };
}

function sameSettings(a: RegistryConfigSettings, b: RegistryConfigSettings): boolean {
  const orgs = new Set(a.authorityMspIds);
  return a.approvalThreshold === b.approvalThreshold && a.authorityMspIds.length === b.authorityMspIds.length && b.authorityMspIds.every((m) => orgs.has(m));
}

async function writeConfig(state: StateStore, config: RegistryConfig): Promise<void> {
  await state.put(configKey(), toBytes(config));
  await state.setEndorsers(configKey(), config.authorityMspIds);
}

async function writeProposal(state: StateStore, proposal: ConfigProposal): Promise<void> {
  const key = proposalKey(proposal.baseVersion, proposal.proposalId);
  await state.put(key, toBytes(proposal));
  await state.setEndorsers(key, proposal.approvals.map((a) => a.mspId));
}

/** Write version 1 from the deployment's topology. Only when no configuration exists. */
export async function initConfig(state: StateStore, caller: Caller, tx: TxContext, request: Request<'initConfig'>): Promise<RegistryConfig> {
  const existing = await readConfig(state);
  if (existing) {
    throw new ChaincodeError(
      'ALREADY_CONFIGURED',
      `initConfig: the registry is configured (version ${existing.version}); change it with proposeConfig and approveConfig`,
    );
  }
  const settings = settingsOf(request);
  requireAuthorityOrg(caller, settings.authorityMspIds, 'initConfig');
  requireRole(caller, ['admin'], 'initConfig');
  const config: RegistryConfig = { ...settings, version: 1, updatedAt: tx.timestamp, updatedBy: actorOf(caller), proposalId: null };
  await writeConfig(state, config);
  await installReadOnlySentinel(state);
  return config;
}

/** Proposals open against configuration `version` (at most one per authority org). */
async function openProposals(state: StateStore, version: number): Promise<ConfigProposal[]> {
  const page = await pageByPrefix(state, KEY_TYPES.configProposal, [String(version)], 1000, '');
  return page.entries.map((e) => fromBytes<ConfigProposal>(e.value));
}

/** Record the proposal; if the approvals reach the threshold of `config`, make it the configuration in force. */
async function decide(state: StateStore, config: RegistryConfig, proposal: ConfigProposal, caller: Caller, tx: TxContext): Promise<ConfigProposal> {
  const approvers = new Set(proposal.approvals.map((a) => a.mspId).filter((m) => config.authorityMspIds.includes(m)));
  if (approvers.size >= config.approvalThreshold) {
    proposal.status = 'effective';
    await writeConfig(state, {
      ...proposal.proposed,
      version: config.version + 1,
      updatedAt: tx.timestamp,
      updatedBy: actorOf(caller),
      proposalId: proposal.proposalId,
    });
  }
  await writeProposal(state, proposal);
  return proposal;
}

/** Propose a new configuration; returns the proposal (its id is this transaction's id). */
export async function proposeConfig(state: StateStore, caller: Caller, tx: TxContext, request: Request<'proposeConfig'>): Promise<ConfigProposal> {
  const config = await requireConfig(state);
  requireAuthorityRole(caller, config, 'admin', 'proposeConfig');
  const proposed = settingsOf(request);
  if (sameSettings(proposed, config)) {
    throw new ChaincodeError('INVALID_ARGUMENT', `proposeConfig: the proposal equals the configuration in force (version ${config.version})`);
  }
  const replaced = (await openProposals(state, config.version)).find((p) => p.proposedBy.mspId === caller.mspId);
  if (replaced) await state.delete(proposalKey(replaced.baseVersion, replaced.proposalId));
  const approval = { ...actorOf(caller), at: tx.timestamp };
  const proposal: ConfigProposal = {
    proposalId: tx.txId,
    baseVersion: config.version,
    proposed,
    proposedBy: actorOf(caller),
    proposedAt: tx.timestamp,
    approvals: [approval],
    status: 'pending',
  };
  return decide(state, config, proposal, caller, tx);
}

/** Approve an open proposal as a further authority org. */
export async function approveConfig(state: StateStore, caller: Caller, tx: TxContext, request: Request<'approveConfig'>): Promise<ConfigProposal> {
  const config = await requireConfig(state);
  requireAuthorityRole(caller, config, 'admin', 'approveConfig');
  const bytes = await state.get(proposalKey(config.version, request.proposalId));
  if (!bytes) {
    for (let version = config.version - 1; version >= 1; version--) {
      const old = await state.get(proposalKey(version, request.proposalId));
      if (!old) continue;
      const proposal = fromBytes<ConfigProposal>(old);
      throw new ChaincodeError(
        'PROPOSAL_SUPERSEDED',
        proposal.status === 'effective'
          ? `approveConfig: proposal ${request.proposalId} already took effect as configuration version ${version + 1}; version ${config.version} is in force`
          : `approveConfig: proposal ${request.proposalId} amends configuration version ${version}, but version ${config.version} is in force; propose again`,
      );
    }
    throw new ChaincodeError(
      'UNKNOWN_PROPOSAL',
      `approveConfig: there is no proposal ${request.proposalId} (it may have been replaced by a newer proposal of its org)`,
    );
  }
  const proposal = fromBytes<ConfigProposal>(bytes);
  if (proposal.approvals.some((a) => a.mspId === caller.mspId)) {
    throw new ChaincodeError('ALREADY_APPROVED', `approveConfig: org ${caller.mspId} already approved proposal ${proposal.proposalId}`);
  }
  proposal.approvals.push({ ...actorOf(caller), at: tx.timestamp });
  return decide(state, config, proposal, caller, tx);
}

/** The configuration in force and the proposals open against it. */
export async function getConfigView(state: StateStore): Promise<RegistryConfigView> {
  const config = await requireConfig(state);
  return { config, pending: await openProposals(state, config.version) };
}
