import { MeterledgerError } from '@meterledger/client';
import type {
  ConfigProposal,
  ErrorCode,
  KeyVersionRecord,
  MeterRecord,
  RegistryConfig,
  RegistryConfigView,
  VerificationRecord,
  VerificationResult,
} from '@meterledger/contract-api';
import { canonicalJson } from '@meterledger/crypto';
import { UsageError } from './exit-codes';

/** The code --json reports command-line errors with (exit code 2); a code of contract-api's ERROR_CODES. */
export const USAGE_ERROR_CODE: ErrorCode = 'INVALID_ARGUMENT';

/** Where the CLI writes; tests capture it. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * A result as `--json` prints it: RFC 8785 key order (canonicalJson of @meterledger/crypto, the
 * serialization the chaincode returns), indented by two spaces, one trailing newline.
 */
export function prettyJson(value: unknown): string {
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 2) + '\n';
}

/** One line of canonical JSON (streamed list items with `--all --json`, errors on stderr). */
export function jsonLine(value: unknown): string {
  return canonicalJson(value) + '\n';
}

/** The error object `--json` writes to stderr. */
export interface JsonError {
  code: string;
  message: string;
  /** The transaction the error belongs to; null when none was created (local errors, profile, ...). */
  transactionId: string | null;
  /** What each peer or orderer said, when the SDK collected it. */
  details?: string[];
  /** For TRANSACTION_INVALID: Fabric's validation code (MVCC_READ_CONFLICT, ...). */
  validationCode?: string;
}

/** The stable code of anything thrown: the MeterledgerError's, INVALID_ARGUMENT for the command line (exit 2), else UNKNOWN. */
export function errorCodeOf(err: unknown): string {
  if (err instanceof MeterledgerError) return err.code;
  if (err instanceof UsageError) return USAGE_ERROR_CODE;
  return 'UNKNOWN';
}

/** The message without the `CODE: ` prefix the SDK and chaincode put in front. */
function plainMessage(code: string, message: string): string {
  return message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
}

export function toJsonError(err: unknown): JsonError {
  const code = errorCodeOf(err);
  const message = plainMessage(code, err instanceof Error ? err.message : String(err));
  const out: JsonError = { code, message, transactionId: null };
  if (err instanceof MeterledgerError) {
    if (err.transactionId !== undefined) out.transactionId = err.transactionId;
    if (err.details.length > 0) out.details = err.details;
    if (err.validationCode !== undefined) out.validationCode = err.validationCode;
  }
  return out;
}

/** The error for people: `meterledger: CODE: message`, then the transaction and the peers' details. */
export function humanError(err: unknown): string {
  const e = toJsonError(err);
  const lines = [`meterledger: ${e.code}: ${e.message}`];
  if (e.validationCode) lines.push(`  validation code: ${e.validationCode}`);
  if (e.transactionId) lines.push(`  transaction: ${e.transactionId}`);
  for (const d of e.details ?? []) lines.push(`  ${d}`);
  return lines.join('\n') + '\n';
}

// ---- human-readable renderings ---------------------------------------------------------------------

const by = (a: { mspId: string }) => a.mspId;

export function formatConfig(config: RegistryConfig): string {
  return [
    `configuration version ${config.version}${config.proposalId ? ` (from proposal ${config.proposalId})` : ''}`,
    `  approval threshold: ${config.approvalThreshold}`,
    `  authorities:        ${config.authorityMspIds.join(', ')}`,
    `  updated:            ${config.updatedAt} by ${config.updatedBy.mspId}`,
  ].join('\n');
}

export function formatProposal(proposal: ConfigProposal): string {
  return [
    `proposal ${proposal.proposalId}: ${proposal.status} (amends version ${proposal.baseVersion})`,
    `  proposed:  threshold ${proposal.proposed.approvalThreshold}, authorities ${proposal.proposed.authorityMspIds.join(', ')}`,
    `  by:        ${proposal.proposedBy.mspId} at ${proposal.proposedAt}`,
    `  approvals: ${proposal.approvals.map(by).join(', ')}`,
  ].join('\n');
}

export function formatConfigView(view: RegistryConfigView): string {
  const pending = view.pending.length === 0 ? ['pending proposals: none'] : ['pending proposals:', ...view.pending.map((p) => indent(formatProposal(p)))];
  return [formatConfig(view.config), ...pending].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export function formatKey(key: KeyVersionRecord): string {
  const validity = key.validFrom ? ` valid ${key.validFrom} → ${key.validTo ?? '…'}` : '';
  const approvals = key.approvals.length ? key.approvals.map(by).join(', ') : 'none';
  return `v${key.version} ${key.status.padEnd(7)} ${key.scheme} ${key.fingerprint.slice(0, 16)}…  approvals: ${approvals}${validity}`;
}

export function formatMeter(meter: MeterRecord): string {
  const m = meter.metadata;
  const lines = [
    `meter ${meter.meterId}: ${meter.status}${meter.activeKeyVersion !== null ? `, active key v${meter.activeKeyVersion}` : ''}`,
    `  ${m.manufacturer} ${m.model}, serial ${m.serial}, type approval ${m.typeApprovalRef}`,
    `  registered ${meter.registeredAt} by ${meter.registeredBy.mspId}; updated ${meter.updatedAt}`,
  ];
  if (meter.revocation) {
    const r = meter.revocation;
    lines.push(`  revoked: ${r.reason}, effective ${r.effectiveAt}, by ${r.by.mspId} at ${r.at}${r.comment ? ` (${r.comment})` : ''}`);
  }
  lines.push('  keys:', ...meter.keys.map((k) => `    ${formatKey(k)}`));
  return lines.join('\n');
}

export function formatMeterLine(meter: MeterRecord): string {
  const m = meter.metadata;
  const key = meter.activeKeyVersion !== null ? `v${meter.activeKeyVersion}` : '-';
  return `${meter.meterId}\t${meter.status}\t${key}\t${m.manufacturer}\t${m.model}\t${m.serial}`;
}

export function formatVerification(result: VerificationResult): string {
  const verdict = result.valid ? 'VALID' : `NOT VALID (${result.reason ?? 'unknown reason'})`;
  const key = result.keyVersion !== null ? `, key v${result.keyVersion}` : '';
  return `${verdict}: meter ${result.meterId}${key}, at ${result.at}`;
}

export function formatVerificationRecord(record: VerificationRecord): string {
  return [
    formatVerification(record),
    `  recorded in transaction ${record.txId} at ${record.recordedAt} by ${record.verifier.mspId}`,
    `  message sha256: ${record.messageHash}`,
  ].join('\n');
}

export function formatVerificationLine(record: VerificationRecord): string {
  const verdict = record.valid ? 'valid' : `invalid:${record.reason ?? '?'}`;
  return `${record.recordedAt}\t${verdict}\t${record.keyVersion !== null ? `v${record.keyVersion}` : '-'}\t${record.verifier.mspId}\t${record.txId}`;
}
