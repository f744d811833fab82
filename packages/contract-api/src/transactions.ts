import type { RequestKind } from './requests';
import type {
  ConfigProposal,
  KeyVersionRecord,
  MeterRecord,
  Page,
  RegistryConfig,
  RegistryConfigView,
  VerificationRecord,
  VerificationResult,
} from './registry-types';

/** Name of the registry contract inside the `meterledger` chaincode (also its default contract). */
export const REGISTRY_CONTRACT = 'registry';

export interface TransactionSpec {
  /** `submit`: endorsed, ordered and committed. `evaluate`: a query; sent as a submit it is rejected. */
  kind: 'submit' | 'evaluate';
  /** The transaction's one argument: none, a JSON request, or a plain string (the meter id). */
  argument: 'none' | 'json' | 'text';
  /** The schema of the argument in REQUEST_SCHEMAS. */
  request?: RequestKind;
}

/**
 * Every transaction of the `registry` contract: the chaincode checks its decorators against this table
 * (kind and argument count), the SDKs use it to refuse submitting an evaluate-only function.
 */
export const REGISTRY_TRANSACTIONS = {
  initConfig: { kind: 'submit', argument: 'json', request: 'initConfig' },
  proposeConfig: { kind: 'submit', argument: 'json', request: 'proposeConfig' },
  approveConfig: { kind: 'submit', argument: 'json', request: 'approveConfig' },
  getConfig: { kind: 'evaluate', argument: 'none' },
  registerMeter: { kind: 'submit', argument: 'json', request: 'registerMeter' },
  approveMeter: { kind: 'submit', argument: 'json', request: 'approveMeter' },
  rotateKey: { kind: 'submit', argument: 'json', request: 'rotateKey' },
  revokeMeter: { kind: 'submit', argument: 'json', request: 'revokeMeter' },
  getMeter: { kind: 'evaluate', argument: 'text', request: 'meterId' },
  getKeyHistory: { kind: 'evaluate', argument: 'text', request: 'meterId' },
  listMeters: { kind: 'evaluate', argument: 'json', request: 'listMeters' },
  verify: { kind: 'evaluate', argument: 'json', request: 'verify' },
  verifyAndRecord: { kind: 'submit', argument: 'json', request: 'verify' },
  listVerifications: { kind: 'evaluate', argument: 'json', request: 'listVerifications' },
} as const satisfies Record<string, TransactionSpec>;

export type RegistryTransaction = keyof typeof REGISTRY_TRANSACTIONS;

/** The result type of each registry transaction. */
export interface RegistryResults {
  initConfig: RegistryConfig;
  proposeConfig: ConfigProposal;
  approveConfig: ConfigProposal;
  getConfig: RegistryConfigView;
  registerMeter: MeterRecord;
  approveMeter: MeterRecord;
  rotateKey: MeterRecord;
  revokeMeter: MeterRecord;
  getMeter: MeterRecord;
  getKeyHistory: KeyVersionRecord[];
  listMeters: Page<MeterRecord>;
  verify: VerificationResult;
  verifyAndRecord: VerificationRecord;
  listVerifications: Page<VerificationRecord>;
}

/** Number of arguments (after the function name) a registry transaction takes. */
export function argumentCount(fn: RegistryTransaction): number {
  return REGISTRY_TRANSACTIONS[fn].argument === 'none' ? 0 : 1;
}

/**
 * True when `fn` (`verify`, or qualified `registry:verify`) is an evaluate-only function of the registry
 * contract. Names of other contracts are never evaluate-only here.
 */
export function isEvaluateOnly(fn: string, contractName: string = REGISTRY_CONTRACT): boolean {
  const colon = fn.indexOf(':');
  const contract = colon >= 0 ? fn.slice(0, colon) || contractName : contractName;
  const name = colon >= 0 ? fn.slice(colon + 1) : fn;
  if (contract !== REGISTRY_CONTRACT) return false;
  return Object.prototype.hasOwnProperty.call(REGISTRY_TRANSACTIONS, name) && REGISTRY_TRANSACTIONS[name as RegistryTransaction].kind === 'evaluate';
}
