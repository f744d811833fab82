import type { Caller, Role } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import type { RegistryConfig } from './types';

function describeRole(caller: Caller): string {
  return caller.role ?? 'none';
}

/** ABAC: the caller must hold one of `roles` (the `meterledger.role` attribute its org's CA issued). */
export function requireRole(caller: Caller, roles: readonly Role[], action: string): void {
  if (caller.role === null || !(roles as readonly string[]).includes(caller.role)) {
    throw new ChaincodeError(
      'UNAUTHORIZED',
      `${action}: needs certificate attribute meterledger.role=${roles.join(' or ')}, caller has ${describeRole(caller)}`,
    );
  }
}

/** The caller's org must be an authority of `authorityMspIds`. */
export function requireAuthorityOrg(caller: Caller, authorityMspIds: readonly string[], action: string): void {
  if (!authorityMspIds.includes(caller.mspId)) {
    throw new ChaincodeError('UNAUTHORIZED', `${action}: org ${caller.mspId} is not a registration authority`);
  }
}

/** ABAC: the caller's org must be an authority and its CA must have issued it the role attribute. */
export function requireAuthorityRole(caller: Caller, config: RegistryConfig, role: Role, action: string): void {
  requireAuthorityOrg(caller, config.authorityMspIds, action);
  requireRole(caller, [role], action);
}
