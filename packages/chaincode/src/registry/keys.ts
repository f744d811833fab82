import { stateKey } from '../ledger/state-key';
import type { MeterRecord } from './types';

/**
 * Key layout of the registry (see ../ledger/state-key.ts for the encoding). Index entries hold one zero
 * byte: the key itself is the data.
 *   config                                          → RegistryConfig (key-level policy: every authority org)
 *   config-proposal ~ baseVersion ~ proposalId      → ConfigProposal (key-level policy: the orgs that approved it)
 *   meter            ~ meterId                      → MeterRecord (key-level policy: the orgs that approved it)
 *   meter-key        ~ fingerprint                  → meterId (a public key belongs to one meter only)
 *   meter-by-status  ~ status ~ meterId             → index
 *   meter-by-manufacturer ~ manufacturer ~ meterId  → index
 *   verification     ~ meterId ~ time ~ txId        → VerificationRecord (time first: pages come out in order)
 *   read-only-sentinel                              → a constant (key-level policy nobody can satisfy; see read-only.ts)
 */
export const KEY_TYPES = {
  config: 'config',
  configProposal: 'config-proposal',
  meter: 'meter',
  meterKey: 'meter-key',
  byStatus: 'meter-by-status',
  byManufacturer: 'meter-by-manufacturer',
  verification: 'verification',
  readOnlySentinel: 'read-only-sentinel',
} as const;

export const INDEX_VALUE = new Uint8Array([0]);

export function configKey(): string {
  return stateKey(KEY_TYPES.config);
}

export function proposalKey(baseVersion: number, proposalId: string): string {
  return stateKey(KEY_TYPES.configProposal, [String(baseVersion), proposalId]);
}

export function meterKey(meterId: string): string {
  return stateKey(KEY_TYPES.meter, [meterId]);
}

export function publicKeyClaimKey(fingerprint: string): string {
  return stateKey(KEY_TYPES.meterKey, [fingerprint]);
}

/** Index keys a meter record should have, for diffing old against new on every write. */
export function indexKeysOf(meter: MeterRecord): string[] {
  return [
    stateKey(KEY_TYPES.byStatus, [meter.status, meter.meterId]),
    stateKey(KEY_TYPES.byManufacturer, [meter.metadata.manufacturer, meter.meterId]),
  ];
}

export function verificationKey(meterId: string, time: string, txId: string): string {
  return stateKey(KEY_TYPES.verification, [meterId, time, txId]);
}
