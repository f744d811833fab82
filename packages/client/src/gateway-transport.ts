import { gateway as gatewayProtos } from '@hyperledger/fabric-protos';
import { CommitError, StatusCode, type Gateway, type Network, type Status } from '@hyperledger/fabric-gateway';
import { isAmbiguousGatewaySubmitError, resolveCommit, type ResolutionOptions, type ResubmitOutcome } from './commit-resolution';
import { AMBIGUOUS_SUBMIT_CODES, MeterledgerError, toMeterledgerError } from './errors';
import { findTransaction, type LedgerTarget } from './ledger';
import type { ContractTransport, EvaluateOutcome, Invocation, SubmitOutcome } from './transport';
import { validationCodeName } from './validation-codes';

/**
 * The part of fabric-gateway's Contract the gateway transport uses: the proposal API, so the transaction id
 * is known before anything can fail. Tests implement this with an in-memory fake.
 */
export interface ProposalContract {
  newProposal(
    transactionName: string,
    options?: {
      arguments?: (string | Uint8Array)[];
      transientData?: Record<string, string | Uint8Array>;
      endorsingOrganizations?: string[];
    },
  ): ProposalLike;
}

export interface ProposalLike {
  getTransactionId(): string;
  evaluate(): Promise<Uint8Array>;
  endorse(): Promise<TransactionLike>;
}

export interface TransactionLike {
  getResult(): Uint8Array;
  submit(): Promise<SubmittedTransactionLike>;
  /** The serialized signed transaction (fabric-gateway), to resubmit it through another gateway peer. */
  getBytes?(): Uint8Array;
}

export interface SubmittedTransactionLike {
  getResult(): Uint8Array;
  getStatus(): Promise<Status>;
}

/** Another gateway (same identity, another peer) through which a signed transaction can be resubmitted. */
export interface AlternateGateway {
  name: string;
  gateway: Pick<Gateway, 'newSignedTransaction'>;
}

/** How a gateway ContractTransport settles an unknown commit outcome (see commit-resolution.ts). */
export interface GatewayResolution {
  channel: string;
  /** Where to look transactions up, in order (the connection's own peer first). */
  ledgerTargets: () => readonly LedgerTarget[];
  /** Gateways to resubmit through when the connection's own gateway peer is unreachable. */
  alternateGateways?: () => readonly AlternateGateway[];
  options?: ResolutionOptions;
}

/** qscc through a fabric-gateway Network: evaluated by that gateway peer's org (highest ledger first). */
export function gatewayLedgerTarget(name: string, network: Pick<Network, 'getContract'>): LedgerTarget {
  const qscc = network.getContract('qscc');
  return { name, evaluate: (fn, channel, transactionId) => qscc.evaluateTransaction(fn, channel, transactionId) };
}

function signatureOf(preparedTransactionBytes: Uint8Array): Uint8Array {
  const envelope = gatewayProtos.PreparedTransaction.deserializeBinary(preparedTransactionBytes).getEnvelope();
  const signature = envelope?.getSignature_asU8();
  if (!signature || signature.length === 0) throw new Error('the transaction has not been signed');
  return signature;
}

function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' && AMBIGUOUS_SUBMIT_CODES.has(code);
}

/**
 * Calls on one contract through fabric-gateway's proposal API. A submit whose outcome is unknown (commit
 * status unavailable, or a submit cut off after the envelope may have reached the orderer) is resolved on the
 * ledger, resubmitting the same signed envelope if needed, before anything is thrown, when `resolution`
 * is given; without it, such a failure is thrown as COMMIT_STATUS_UNAVAILABLE.
 */
export class GatewayContractTransport implements ContractTransport {
  readonly #contract: ProposalContract;
  readonly #resolution: GatewayResolution | undefined;

  constructor(contract: ProposalContract, resolution?: GatewayResolution) {
    this.#contract = contract;
    this.#resolution = resolution;
  }

  #newProposal(invocation: Invocation): ProposalLike {
    try {
      return this.#contract.newProposal(invocation.fn, {
        arguments: invocation.args,
        ...(invocation.transientData ? { transientData: invocation.transientData } : {}),
        ...(invocation.endorsingOrganizations ? { endorsingOrganizations: invocation.endorsingOrganizations } : {}),
      });
    } catch (err) {
      throw toMeterledgerError(err);
    }
  }

  async evaluate(invocation: Invocation): Promise<EvaluateOutcome> {
    const proposal = this.#newProposal(invocation);
    const transactionId = proposal.getTransactionId();
    try {
      return { result: await proposal.evaluate(), transactionId };
    } catch (err) {
      throw toMeterledgerError(err, transactionId);
    }
  }

  async submit(invocation: Invocation): Promise<SubmitOutcome> {
    const proposal = this.#newProposal(invocation);
    const transactionId = proposal.getTransactionId();
    let transaction: TransactionLike;
    try {
      transaction = await proposal.endorse();
    } catch (err) {
      throw toMeterledgerError(err, transactionId); // nothing reached the orderer
    }

    let cause: MeterledgerError;
    try {
      const submitted = await transaction.submit();
      const status = await submitted.getStatus();
      if (status.successful) {
        return { result: submitted.getResult(), transactionId, blockNumber: status.blockNumber, resolvedBy: 'commit-status' };
      }
      if (status.code !== StatusCode.DUPLICATE_TXID) throw invalidCommit(status, transactionId);
      // A fresh transaction id reported as a duplicate: whichever entry came first decides.
      cause = invalidCommit(status, transactionId);
    } catch (err) {
      if (err instanceof MeterledgerError || !isAmbiguousGatewaySubmitError(err)) throw toMeterledgerError(err, transactionId);
      cause = toMeterledgerError(err, transactionId);
    }
    const resolution = this.#resolution;
    if (!resolution) throw cause;

    const resolved = await resolveCommit({
      transactionId,
      cause,
      lookup: () => findTransaction(resolution.ledgerTargets(), resolution.channel, transactionId),
      resubmit: () => this.#resubmit(transaction, resolution),
      options: resolution.options,
    });
    return { result: resolved.result, transactionId, blockNumber: resolved.blockNumber, resolvedBy: resolved.resolvedBy };
  }

  /**
   * Submit the same signed transaction again through the connection's gateway; if that gateway peer is
   * unreachable, through the alternates in turn (same envelope, same signature, same transaction id).
   */
  async #resubmit(transaction: TransactionLike, resolution: GatewayResolution): Promise<ResubmitOutcome> {
    let handedOver = false;
    const attempt = async (tx: TransactionLike): Promise<ResubmitOutcome> => {
      const submitted = await tx.submit();
      handedOver = true;
      const status = await submitted.getStatus();
      return { code: status.code, blockNumber: status.blockNumber, result: transaction.getResult(), sameEnvelope: true };
    };
    let lastError: unknown;
    try {
      return await attempt(transaction);
    } catch (err) {
      // Only a gateway that could not take the envelope is worth bypassing; once one took it, the ledger decides.
      if (handedOver || !isUnreachable(err) || !transaction.getBytes) throw err;
      lastError = err;
    }
    const bytes = transaction.getBytes();
    const signature = signatureOf(bytes);
    for (const alternate of resolution.alternateGateways?.() ?? []) {
      try {
        return await attempt(alternate.gateway.newSignedTransaction(bytes, signature));
      } catch (err) {
        lastError = err;
        if (handedOver || !isUnreachable(err)) break;
      }
    }
    throw lastError;
  }
}

function invalidCommit(status: Status, transactionId: string): MeterledgerError {
  const name = validationCodeName(status.code);
  return toMeterledgerError(
    new CommitError({
      code: status.code,
      transactionId: status.transactionId || transactionId,
      message: `Transaction ${transactionId} failed to commit with status code ${status.code} (${name})`,
    }),
    transactionId,
  );
}
