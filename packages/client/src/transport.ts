import { MeterledgerError } from './errors';

/**
 * The SDK talks to Fabric through a transport: `gateway` (@hyperledger/fabric-gateway, peers with the Gateway
 * service, Fabric ≥ 2.4) or `fabric-network` (the legacy fabric-network 2.2 SDK, for peers without it). Both
 * give the same typed calls, the same transaction ids and the same MeterledgerError codes.
 */
export const TRANSPORT_KINDS = ['gateway', 'fabric-network'] as const;
export type TransportKind = (typeof TRANSPORT_KINDS)[number];

/** Environment variable choosing the transport when connect() is not told (the test suite sets it). */
export const TRANSPORT_ENV = 'MLEDGER_TRANSPORT';

/** Options of one transaction beyond its function and arguments. */
export interface InvokeOptions {
  /** Private data for the chaincode, not written to the ledger (the transient map). */
  transientData?: Record<string, string | Uint8Array>;
  /**
   * Only peers of these MSP ids endorse (submit) or evaluate (gateway transport). Needed for writes to
   * private data collections. With fabric-network, evaluate ignores it (its query handler picks the peer).
   */
  endorsingOrganizations?: string[];
}

export interface Invocation extends InvokeOptions {
  /** Transaction function name (without the contract name, which the ContractTransport adds). */
  fn: string;
  args: (string | Uint8Array)[];
}

export interface EvaluateOutcome {
  result: Uint8Array;
  transactionId: string;
}

export interface SubmitOutcome {
  result: Uint8Array;
  transactionId: string;
  blockNumber: bigint;
  /**
   * How the commit was learned: from the commit status of the submit itself, or, after the commit status
   * was unknown, by finding the transaction on the ledger or by resubmitting it (see commit-resolution.ts).
   */
  resolvedBy: 'commit-status' | 'ledger' | 'resubmission';
}

/** Calls on one contract of the chaincode. Every failure is a MeterledgerError carrying the transaction id. */
export interface ContractTransport {
  evaluate(invocation: Invocation): Promise<EvaluateOutcome>;
  submit(invocation: Invocation): Promise<SubmitOutcome>;
}

/** A connected identity on one channel and chaincode, through one of the {@link TRANSPORT_KINDS}. */
export interface Transport {
  readonly kind: TransportKind;
  readonly channel: string;
  readonly chaincodeName: string;
  readonly mspId: string;
  contract(contractName?: string): ContractTransport;
  /** Release connections the transport created. Safe to call twice. */
  close(): void;
}

/** The transport asked for, else `$MLEDGER_TRANSPORT`, else `gateway`; anything else is INVALID_ARGUMENT. */
export function resolveTransportKind(requested?: string, env: NodeJS.ProcessEnv = process.env): TransportKind {
  const fromEnv = env[TRANSPORT_ENV]?.trim();
  const value = requested ?? (fromEnv ? fromEnv : undefined) ?? 'gateway';
  if ((TRANSPORT_KINDS as readonly string[]).includes(value)) return value as TransportKind;
  const source = requested !== undefined ? 'transport option' : `${TRANSPORT_ENV}`;
  throw new MeterledgerError({
    code: 'INVALID_ARGUMENT',
    message: `${source} must be one of ${TRANSPORT_KINDS.join(', ')}, got '${value}'`,
  });
}
