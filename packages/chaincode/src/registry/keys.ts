import type { StateStore } from '../ledger/state-store';
import type { MeterRecord } from './types';

/**
 * Composite-key layout of the registry. Index entries hold one zero byte: the key itself is the data.
 *   config                                   → RegistryConfig
 *   meter            ~ meterId                → MeterRecord
 *   meter-key        ~ fingerprint            → meterId (a public key belongs to one meter only)
 *   meter-by-status  ~ status ~ meterId       → index
 *   meter-by-manufacturer ~ manufacturer ~ meterId → index
 *   verification     ~ meterId ~ time ~ txId  → VerificationRecord (time first: pages come out in order)
 */
export const KEY_TYPES = {
  config: 'config',
  meter: 'meter',
  meterKey: 'meter-key',
  byStatus: 'meter-by-status',
  byManufacturer: 'meter-by-manufacturer',
  verification: 'verification',
} as const;

export const INDEX_VALUE = new Uint8Array([0]);

export function meterKey(state: StateStore, meterId: string): string {
  return state.compositeKey(KEY_TYPES.meter, [meterId]);
}

/** Index keys a meter record should have, for diffing old against new on every write. */
export function indexKeysOf(state: StateStore, meter: MeterRecord): string[] {
  return [
    state.compositeKey(KEY_TYPES.byStatus, [meter.status, meter.meterId]),
    state.compositeKey(KEY_TYPES.byManufacturer, [meter.metadata.manufacturer, meter.meterId]),
  ];
}
