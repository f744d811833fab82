import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError, GatewayError, type ErrorDetail } from '@hyperledger/fabric-gateway';
import {
  CHAINCODE_ERROR_CODES,
  CLIENT_ERROR_CODES,
  type ChaincodeErrorCode,
  type ClientErrorCode,
} from '@meterledger/contract-api';
import { validationCodeName } from './validation-codes';

/**
 * The codes are defined once, in @meterledger/contract-api: CHAINCODE_ERROR_CODES start the chaincode's
 * error messages (`UNKNOWN_METER: meter m-1 is not registered`); CLIENT_ERROR_CODES are assigned by the
 * SDKs. Codes after `chaincode response` that are in neither list are still extracted and passed through
 * unchanged, so a newer chaincode never breaks an older client.
 */
export { CHAINCODE_ERROR_CODES, CLIENT_ERROR_CODES, type ChaincodeErrorCode, type ClientErrorCode };

/** Any code a {@link MeterledgerError} may carry; open-ended so codes from newer chaincode pass through. */
export type MeterledgerErrorCode = ChaincodeErrorCode | ClientErrorCode | (string & Record<never, never>);

export interface MeterledgerErrorProperties {
  code: MeterledgerErrorCode;
  message: string;
  transactionId?: string;
  cause?: unknown;
  details?: string[];
  /** Name of the transaction validation code (e.g. `MVCC_READ_CONFLICT`) for `TRANSACTION_INVALID`. */
  validationCode?: string;
  /** gRPC status code of the underlying call, when there was one. */
  grpcCode?: number;
}

/**
 * The one error type thrown by the meterledger SDKs. `code` is stable and meant for programs; `message` is
 * for people; `details` lists what each peer or orderer said (`address (mspId): message`).
 */
export class MeterledgerError extends Error {
  readonly code: MeterledgerErrorCode;
  readonly transactionId?: string;
  readonly details: string[];
  readonly validationCode?: string;
  readonly grpcCode?: number;

  constructor(properties: Readonly<MeterledgerErrorProperties>) {
    super(properties.message, properties.cause === undefined ? undefined : { cause: properties.cause });
    this.name = 'MeterledgerError';
    this.code = properties.code;
    this.details = properties.details ?? [];
    if (properties.transactionId !== undefined) this.transactionId = properties.transactionId;
    if (properties.validationCode !== undefined) this.validationCode = properties.validationCode;
    if (properties.grpcCode !== undefined) this.grpcCode = properties.grpcCode;
  }
}

/** Matches a chaincode error code followed by `: `, e.g. `UNKNOWN_METER: `. */
const CODE_PATTERN = /\b([A-Z][A-Z0-9_]{2,}): /;
const ANCHORED_CODE_PATTERN = new RegExp(`^${CODE_PATTERN.source}`);
const KNOWN_CHAINCODE_CODES: ReadonlySet<string> = new Set(CHAINCODE_ERROR_CODES);
/** The gateway prefixes endorser failures with `chaincode response <status>, `. */
const CHAINCODE_RESPONSE = 'chaincode response';

export interface ChaincodeMessage {
  code: string;
  /** The chaincode's message from the code on: `UNKNOWN_METER: meter m-1 is not registered`. */
  message: string;
}

/**
 * Find the chaincode's `CODE: message` inside one peer message. The first code after `chaincode response`
 * wins; a message without that prefix (some gateway versions pass a remote endorser's chaincode message
 * through verbatim) only counts if it starts with one of the {@link CHAINCODE_ERROR_CODES}, so orderer
 * or transport messages such as `SERVICE_UNAVAILABLE: ...` are not mistaken for chaincode errors.
 */
export function parseChaincodeMessage(text: string): ChaincodeMessage | undefined {
  const at = text.indexOf(CHAINCODE_RESPONSE);
  if (at >= 0) {
    const rest = text.slice(at + CHAINCODE_RESPONSE.length);
    const match = CODE_PATTERN.exec(rest);
    if (match) return { code: match[1], message: rest.slice(match.index).trim() };
    return undefined;
  }
  const anchored = ANCHORED_CODE_PATTERN.exec(text.trim());
  if (anchored && KNOWN_CHAINCODE_CODES.has(anchored[1])) return { code: anchored[1], message: text.trim() };
  return undefined;
}

function formatDetail(detail: ErrorDetail): string {
  const where = [detail.address, detail.mspId ? `(${detail.mspId})` : ''].filter((s) => s).join(' ');
  return where ? `${where}: ${detail.message}` : detail.message;
}

function isGatewayError(err: unknown): err is GatewayError & { transactionId?: string } {
  return err instanceof GatewayError;
}

/** A raw gRPC ServiceError (numeric `code`, `details` string, `metadata`). */
function isServiceError(err: unknown): err is Error & { code: number; details: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'number' && 'metadata' in err;
}

/**
 * gRPC codes after which a submit may or may not have reached the orderer: the gateway peer or the orderer
 * went away or timed out mid-call. Other codes (ABORTED: an orderer answered 4xx; INVALID_ARGUMENT,
 * FAILED_PRECONDITION, PERMISSION_DENIED, ...) mean the envelope was refused before ordering.
 */
export const AMBIGUOUS_SUBMIT_CODES: ReadonlySet<number> = new Set([
  GrpcStatus.CANCELLED,
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

function isTransportFailure(grpcCode: number | undefined): boolean {
  return grpcCode === GrpcStatus.UNAVAILABLE || grpcCode === GrpcStatus.DEADLINE_EXCEEDED;
}

function fromGatewayError(err: GatewayError & { transactionId?: string }, transactionId: string | undefined): MeterledgerError {
  const txId = err.transactionId ?? transactionId;
  const details = (err.details ?? []).map(formatDetail);
  const base = { transactionId: txId, cause: err, details, grpcCode: err.code };

  // 1. A coded chaincode error, in a peer's detail message or (for evaluate) in the status message itself.
  const candidates = [...(err.details ?? []).map((d) => d.message), err.message];
  for (const text of candidates) {
    const parsed = parseChaincodeMessage(text);
    if (parsed) return new MeterledgerError({ ...base, code: parsed.code, message: parsed.message });
  }

  const described = details.length > 0 ? `${err.message} [${details.join('; ')}]` : err.message;

  // 2. The transaction may already be ordered: never report this as plain unavailability.
  if (err instanceof CommitStatusError) {
    return new MeterledgerError({
      ...base,
      code: 'COMMIT_STATUS_UNAVAILABLE',
      message: `commit status of transaction ${txId ?? '(unknown)'} is unavailable; it may or may not have committed: ${described}`,
    });
  }
  // A submit that failed without proving the envelope was refused may have been ordered (see
  // isAmbiguousGatewaySubmitError): never report it as retryable unavailability, which would invite a new
  // transaction and a double effect. ContractClient resolves these on the ledger before throwing.
  if (err.name === 'SubmitError' && AMBIGUOUS_SUBMIT_CODES.has(err.code)) {
    return new MeterledgerError({
      ...base,
      code: 'COMMIT_STATUS_UNAVAILABLE',
      message: `submit of transaction ${txId ?? '(unknown)'} failed after it may have reached the orderer; it may or may not have committed: ${described}`,
    });
  }
  // 3. Transport failures before ordering are retryable.
  if (isTransportFailure(err.code)) {
    return new MeterledgerError({ ...base, code: 'UNAVAILABLE', message: described });
  }
  if (err instanceof EndorseError) return new MeterledgerError({ ...base, code: 'ENDORSEMENT_FAILED', message: described });
  // SubmitError is exported by fabric-gateway as a type only, so recognise it by name.
  if (err.name === 'SubmitError') return new MeterledgerError({ ...base, code: 'SUBMIT_FAILED', message: described });
  return new MeterledgerError({ ...base, code: 'UNKNOWN', message: described });
}

/**
 * Map anything thrown while talking to Fabric to a {@link MeterledgerError}. `transactionId` is used when
 * the error itself does not carry one. A MeterledgerError is returned as is (gaining the transaction id if
 * it had none).
 */
export function toMeterledgerError(err: unknown, transactionId?: string): MeterledgerError {
  if (err instanceof MeterledgerError) {
    if (err.transactionId !== undefined || transactionId === undefined) return err;
    return new MeterledgerError({
      code: err.code,
      message: err.message,
      transactionId,
      cause: err.cause,
      details: err.details,
      validationCode: err.validationCode,
      grpcCode: err.grpcCode,
    });
  }
  if (isGatewayError(err)) return fromGatewayError(err, transactionId);
  if (err instanceof CommitError) {
    const validationCode = validationCodeName(err.code);
    return new MeterledgerError({
      code: 'TRANSACTION_INVALID',
      message: `transaction ${err.transactionId} was committed as invalid: ${validationCode}`,
      transactionId: err.transactionId ?? transactionId,
      cause: err,
      validationCode,
    });
  }
  if (isServiceError(err)) {
    return new MeterledgerError({
      code: isTransportFailure(err.code) ? 'UNAVAILABLE' : 'UNKNOWN',
      message: err.message,
      transactionId,
      cause: err,
      grpcCode: err.code,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  const parsed = parseChaincodeMessage(message);
  return new MeterledgerError({
    code: parsed?.code ?? 'UNKNOWN',
    message: parsed?.message ?? message,
    transactionId,
    cause: err,
  });
}

const TRANSIENT_CODES: ReadonlySet<string> = new Set(['UNAVAILABLE', 'MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/**
 * True when repeating the whole operation (a fresh proposal) may succeed: read conflicts at commit, an
 * unreachable gateway or an expired deadline before the transaction was ordered. `COMMIT_STATUS_UNAVAILABLE`
 * is deliberately not transient: the first attempt may have committed.
 */
export function isTransient(err: unknown): boolean {
  const e = toMeterledgerError(err);
  if (TRANSIENT_CODES.has(e.code)) return true;
  return e.validationCode !== undefined && TRANSIENT_CODES.has(e.validationCode);
}
