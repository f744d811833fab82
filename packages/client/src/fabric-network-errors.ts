import { MeterledgerError, toMeterledgerError } from './errors';

/**
 * Mapping fabric-network 2.2 / fabric-common failures to the same MeterledgerError codes the gateway
 * transport gives. fabric-network has no typed endorsement errors, so this reads the shapes it produces:
 *
 * - evaluate, chaincode error: an Error whose `message` is the peer's response message and whose `status` is
 *   the response status (SingleQueryHandler), e.g. `{ status: 500, message: 'UNKNOWN_METER: ...' }`.
 * - evaluate, no peer answered: FabricError `Query failed. Errors: ["Error: 14 UNAVAILABLE: ..."]`.
 * - submit, endorsement: `No valid responses from any peers. Errors: ...` with `responses` (proposal
 *   responses: `{ response: { status, message }, connection: { name } }`) and `errors` (gRPC errors, or the
 *   discovery handler's `Endorsement has failed` whose `endorsements` hold the proposal responses).
 * - commit: TransactionError with `transactionCode` (e.g. `MVCC_READ_CONFLICT`); TimeoutError when no
 *   commit event arrived in time.
 */

/** Where the failure happened: evaluate, endorsement of a submit, or after the envelope went to the orderer. */
export type FabricNetworkStage = 'evaluate' | 'endorse' | 'order';

interface PeerFailure {
  where: string;
  status?: number;
  message: string;
}

/** A chaincode's `CODE: message` at the start of a peer response message (after a known peer prefix). */
const PEER_PREFIXES = /^(?:error in simulation: )?(?:transaction returned with failure: )?/;
const ANCHORED_CODE = /^([A-Z][A-Z0-9_]{2,}): /;

/** The chaincode's coded message in a peer response message, if there is one. */
export function chaincodeCodeOf(message: string): { code: string; message: string } | undefined {
  const text = message.trim().replace(PEER_PREFIXES, '');
  const match = ANCHORED_CODE.exec(text);
  return match ? { code: match[1], message: text } : undefined;
}

/** Transport-level failure texts of fabric-common and grpc-js. */
const TRANSPORT_TEXT =
  /\b(UNAVAILABLE|DEADLINE_EXCEEDED|REQUEST TIMEOUT|is not connected|No connection established|failed to connect|ECONNREFUSED|not able to reconnect|DiscoveryService has failed to return results)\b/i;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function whereOf(value: Record<string, unknown>): string {
  const connection = asRecord(value.connection);
  const name = connection?.name ?? value.peer;
  return typeof name === 'string' && name ? name : 'peer';
}

/** Every peer answer or error carried by a fabric-network error, depth-first. */
function peerFailures(err: unknown, seen = new Set<unknown>()): PeerFailure[] {
  const e = asRecord(err);
  if (!e || seen.has(err)) return [];
  seen.add(err);
  const out: PeerFailure[] = [];
  const response = asRecord(e.response);
  if (response && typeof response.status === 'number' && response.status >= 400) {
    out.push({ where: whereOf(e), status: response.status, message: String(response.message ?? '') });
  } else if (typeof e.status === 'number' && e.status >= 400 && typeof e.message === 'string') {
    out.push({ where: whereOf(e), status: e.status, message: e.message });
  }
  for (const key of ['responses', 'errors', 'endorsements'] as const) {
    const list = e[key];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const nested = peerFailures(item, seen);
      if (nested.length > 0) out.push(...nested);
      else if (item instanceof Error) out.push({ where: whereOf(item as unknown as Record<string, unknown>), message: item.message });
    }
  }
  return out;
}

function describe(f: PeerFailure): string {
  return f.status !== undefined ? `${f.where}: status ${f.status}, ${f.message}` : `${f.where}: ${f.message}`;
}

/** Map anything fabric-network threw at `stage` to a MeterledgerError. */
export function fromFabricNetworkError(err: unknown, transactionId: string | undefined, stage: FabricNetworkStage): MeterledgerError {
  if (err instanceof MeterledgerError) return toMeterledgerError(err, transactionId);
  const e = asRecord(err) ?? {};
  const text = err instanceof Error ? err.message : String(err);
  const failures = peerFailures(err);
  const details = failures.map(describe);
  const base = { transactionId, cause: err, details };

  if (e.name === 'TransactionError' && typeof e.transactionCode === 'string') {
    return new MeterledgerError({
      ...base,
      code: 'TRANSACTION_INVALID',
      validationCode: e.transactionCode,
      message: `transaction ${transactionId ?? e.transactionId} was committed as invalid: ${e.transactionCode}`,
    });
  }

  // 1. A coded chaincode error from an endorser.
  for (const f of failures) {
    if (f.status === undefined) continue;
    const coded = chaincodeCodeOf(f.message);
    if (coded) return new MeterledgerError({ ...base, code: coded.code, message: coded.message });
  }

  const described = details.length > 0 && !text.includes(failures[0].message) ? `${text} [${details.join('; ')}]` : text;

  // 2. After the envelope went to the orderer the outcome is unknown.
  if (stage === 'order') {
    return new MeterledgerError({
      ...base,
      code: 'COMMIT_STATUS_UNAVAILABLE',
      message: `commit status of transaction ${transactionId ?? '(unknown)'} is unavailable; it may or may not have committed: ${described}`,
    });
  }

  // 3. Nobody answered: unreachable peers or expired timeouts.
  const grpcCode = typeof e.code === 'number' ? e.code : undefined;
  const texts = failures.length > 0 ? failures.filter((f) => f.status === undefined).map((f) => f.message) : [text];
  const onlyTransport = failures.every((f) => f.status === undefined) && texts.length > 0 && texts.every((t) => TRANSPORT_TEXT.test(t));
  if (onlyTransport || e.name === 'TimeoutError') {
    return new MeterledgerError({ ...base, code: 'UNAVAILABLE', message: described, ...(grpcCode !== undefined ? { grpcCode } : {}) });
  }
  return new MeterledgerError({
    ...base,
    code: stage === 'endorse' ? 'ENDORSEMENT_FAILED' : 'UNKNOWN',
    message: described,
    ...(grpcCode !== undefined ? { grpcCode } : {}),
  });
}
