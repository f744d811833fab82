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
import type {
  CountResult,
  RangeAggregate,
  ReadingRecord,
  ReadingsAtResult,
  SealResult,
  SubmitReadingsResult,
  WindowAggregate,
  WindowSeal,
} from './readings-types';
import type { CommittedReading } from './readings-commitment';
import type { DisclosureCheck, RouteRecord, RouteView, SubmitTicketsResult, TicketGroupsResult, TicketPage, TicketView } from './weighing-types';

/** Name of the registry contract inside the `meterledger` chaincode (also its default contract). */
export const REGISTRY_CONTRACT = 'registry';

export interface TransactionSpec {
  /** `submit`: endorsed, ordered and committed. `evaluate`: a query; sent as a submit it is rejected. */
  kind: 'submit' | 'evaluate';
  /**
   * The transaction's one argument: none, a JSON request, or a plain string (the meter id); 'transient':
   * no argument, the JSON request travels in the transient map under TRANSIENT_REQUEST_KEY (private data).
   */
  argument: 'none' | 'json' | 'text' | 'transient';
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

/** Name of the readings contract inside the `meterledger` chaincode (`readings:submitReadings`). */
export const READINGS_CONTRACT = 'readings';

/** Every transaction of the `readings` contract (same use as REGISTRY_TRANSACTIONS). */
export const READINGS_TRANSACTIONS = {
  submitReadings: { kind: 'submit', argument: 'json', request: 'submitReadings' },
  sealWindows: { kind: 'submit', argument: 'json', request: 'sealWindows' },
  getReadingsAt: { kind: 'evaluate', argument: 'json', request: 'getReadingsAt' },
  listReadings: { kind: 'evaluate', argument: 'json', request: 'listReadings' },
  findReadingsByValue: { kind: 'evaluate', argument: 'json', request: 'findReadingsByValue' },
  aggregateRange: { kind: 'evaluate', argument: 'json', request: 'aggregateRange' },
  countReadings: { kind: 'evaluate', argument: 'json', request: 'countReadings' },
  listAggregates: { kind: 'evaluate', argument: 'json', request: 'listAggregates' },
  getSeal: { kind: 'evaluate', argument: 'json', request: 'getSeal' },
} as const satisfies Record<string, TransactionSpec>;

export type ReadingsTransaction = keyof typeof READINGS_TRANSACTIONS;

/** getSeal: the seal (null when the window is not sealed) and what its commitment covers. */
export interface SealView {
  seal: WindowSeal | null;
  /** Coarser levels: the child seals (count > 0) the commitment covers. */
  children: WindowSeal[];
  /** Minute level: the readings the commitment covers. */
  readings: CommittedReading[];
}

/** The result type of each readings transaction. */
export interface ReadingsResults {
  submitReadings: SubmitReadingsResult;
  sealWindows: SealResult;
  getReadingsAt: ReadingsAtResult;
  listReadings: Page<ReadingRecord>;
  findReadingsByValue: Page<ReadingRecord>;
  aggregateRange: RangeAggregate;
  countReadings: CountResult;
  listAggregates: Page<WindowAggregate>;
  getSeal: SealView;
}

/** 001's Algorithm 1 (one reading per transaction, read-modify-write aggregates): the bench:readings baseline. */
export const BASELINE_CONTRACT = 'baseline-001';

export const BASELINE_TRANSACTIONS = {
  logReading: { kind: 'submit', argument: 'json', request: 'baselineLogReading' },
} as const satisfies Record<string, TransactionSpec>;

/** Name of the weighing contract inside the `meterledger` chaincode (`weighing:submitTickets`). */
export const WEIGHING_CONTRACT = 'weighing';

/** The transient-map key of requests with argument 'transient'. */
export const TRANSIENT_REQUEST_KEY = 'request';

/**
 * Every transaction of the `weighing` contract. Its queries read private data with range scans, which Fabric
 * allows only in transactions that write nothing, so unlike the other contracts they cannot carry the
 * read-only sentinel: the SDKs refuse to submit them, and one submitted by other means commits as a no-op.
 */
export const WEIGHING_TRANSACTIONS = {
  submitTickets: { kind: 'submit', argument: 'transient', request: 'submitTickets' },
  getTicket: { kind: 'evaluate', argument: 'json', request: 'getTicket' },
  queryTickets: { kind: 'evaluate', argument: 'json', request: 'queryTickets' },
  groupTickets: { kind: 'evaluate', argument: 'json', request: 'groupTickets' },
  checkDisclosure: { kind: 'evaluate', argument: 'json', request: 'checkDisclosure' },
  declareRoute: { kind: 'submit', argument: 'transient', request: 'declareRoute' },
  attachRouteTicket: { kind: 'submit', argument: 'transient', request: 'attachRouteTicket' },
  getRoute: { kind: 'evaluate', argument: 'json', request: 'getRoute' },
} as const satisfies Record<string, TransactionSpec>;

export type WeighingTransaction = keyof typeof WEIGHING_TRANSACTIONS;

/** The result type of each weighing transaction. */
export interface WeighingResults {
  submitTickets: SubmitTicketsResult;
  getTicket: TicketView;
  queryTickets: TicketPage;
  groupTickets: TicketGroupsResult;
  checkDisclosure: DisclosureCheck;
  declareRoute: RouteRecord;
  attachRouteTicket: RouteView;
  getRoute: RouteView;
}

/** The transaction table of each contract of the chaincode. */
export const CONTRACT_TRANSACTIONS: Record<string, Record<string, TransactionSpec>> = {
  [REGISTRY_CONTRACT]: REGISTRY_TRANSACTIONS,
  [READINGS_CONTRACT]: READINGS_TRANSACTIONS,
  [BASELINE_CONTRACT]: BASELINE_TRANSACTIONS,
  [WEIGHING_CONTRACT]: WEIGHING_TRANSACTIONS,
};

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
 * True when `fn` (`verify`, or qualified `registry:verify`, `readings:aggregateRange`) is an evaluate-only
 * function of a contract of the chaincode; `contractName` is the contract an unqualified name belongs to.
 */
export function isEvaluateOnly(fn: string, contractName: string = REGISTRY_CONTRACT): boolean {
  const colon = fn.indexOf(':');
  const contract = colon >= 0 ? fn.slice(0, colon) || contractName : contractName;
  const name = colon >= 0 ? fn.slice(colon + 1) : fn;
  const table = Object.prototype.hasOwnProperty.call(CONTRACT_TRANSACTIONS, contract) ? CONTRACT_TRANSACTIONS[contract] : undefined;
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, name) && table[name].kind === 'evaluate';
}
