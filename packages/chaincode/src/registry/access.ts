import type { Caller, Role } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import type { RegistryConfig } from './types';

/** ABAC: the caller's org must be an authority and its CA must have issued it the role attribute. */
export function requireAuthorityRole(caller: Caller, config: RegistryConfig, role: Role, action: string): void {
  if (!config.authorityMspIds.includes(caller.mspId)) {
    throw new ChaincodeError('UNAUTHORIZED', `${action}: org ${caller.mspId} is not a registration authority`);
  }
  if (caller.role !== role) {
    throw new ChaincodeError(
      'UNAUTHORIZED',
      `${action}: needs certificate attribute meterledger.role=${role}, caller has ${caller.role ?? 'none'}`,
    );
  }
}
