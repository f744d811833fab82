import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireAuthorityRole } from './access';
import { KEY_TYPES } from './keys';
import type { ConfigureRequest } from './requests';
import type { RegistryConfig } from './types';

function configKey(state: StateStore): string {
  return state.compositeKey(KEY_TYPES.config, []);
}

export async function readConfig(state: StateStore): Promise<RegistryConfig | undefined> {
  const bytes = await state.get(configKey(state));
  return bytes ? fromBytes<RegistryConfig>(bytes) : undefined;
}

export async function requireConfig(state: StateStore): Promise<RegistryConfig> {
  const config = await readConfig(state);
  if (!config) {
    throw new ChaincodeError('NOT_CONFIGURED', 'the registry has no configuration yet; an authority admin must call configure');
  }
  return config;
}

/**
 * Set the authority orgs and the approval threshold. The first call bootstraps the registry and must
 * come from an admin of an org it names; later calls need an admin of a current authority.
 */
export async function configure(
  state: StateStore,
  caller: Caller,
  tx: TxContext,
  request: ConfigureRequest,
): Promise<RegistryConfig> {
  const current = await readConfig(state);
  requireAuthorityRole(caller, current ?? { ...request, updatedAt: '', updatedBy: caller }, 'admin', 'configure');
  if (!request.authorityMspIds.includes(caller.mspId)) {
    throw new ChaincodeError('INVALID_ARGUMENT', `configure: an admin cannot remove its own org ${caller.mspId}`);
  }
  const config: RegistryConfig = {
    approvalThreshold: request.approvalThreshold,
    authorityMspIds: [...request.authorityMspIds].sort(),
    updatedAt: tx.timestamp,
    updatedBy: { mspId: caller.mspId, id: caller.id },
  };
  await state.put(configKey(state), toBytes(config));
  return config;
}
