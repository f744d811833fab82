import { fromHex, sha256Hex, verifySignature } from '@meterledger/crypto';
import type { Caller } from '../ledger/caller';
import { ChaincodeError, fromCryptoError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import { pageByPrefix } from '../ledger/pagination';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireRole } from './access';
import { actorOf } from './actor';
import { KEY_TYPES, verificationKey } from './keys';
import { requireMeter } from './meters';
import type { Request } from './requests';
import type { KeyVersionRecord, MeterRecord, Page, VerificationRecord, VerificationResult } from './types';

type VerifyRequest = Request<'verify'>;

/** Who may write audit records: any org on the channel, through an identity with one of these roles. */
export const AUDIT_WRITER_ROLES = ['verifier', 'registrar'] as const;

function decodeMessage(request: VerifyRequest): Uint8Array {
  switch (request.messageEncoding) {
    case 'utf8':
      return Buffer.from(request.message, 'utf8');
    case 'hex':
      try {
        return fromHex(request.message);
      } catch (err) {
        throw fromCryptoError(err, 'message');
      }
    case 'base64':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(request.message) || request.message.length % 4 !== 0) {
        throw new ChaincodeError('INVALID_ARGUMENT', 'verify: message is not valid base64');
      }
      return Buffer.from(request.message, 'base64');
  }
}

/** The key version whose validity window [validFrom, validTo) contains `at`, if any. */
export function keyValidAt(meter: MeterRecord, at: string): KeyVersionRecord | undefined {
  return meter.keys.find((k) => k.validFrom !== null && k.validFrom <= at && (k.validTo === null || at < k.validTo));
}

/**
 * Check a signature against the key the meter had at `at` (default: the transaction time). In order:
 *
 * 1. an unknown meter, or a message that does not decode, is an error;
 * 2. a meter revoked at or before `at` gives `valid: false, reason: METER_REVOKED`;
 * 3. no key valid at `at` (e.g. still pending) gives `valid: false, reason: NO_KEY_VALID_AT_TIME`; the
 *    signature is not looked at, because there is no key scheme to parse it against;
 * 4. a signature that does not parse for the scheme of that key is an error (MALFORMED_SIGNATURE, ...);
 * 5. a well-formed wrong signature gives `valid: false, reason: SIGNATURE_MISMATCH`.
 */
export async function verify(state: StateStore, tx: TxContext, request: VerifyRequest): Promise<VerificationResult> {
  return (await verifyDecoded(state, tx, request)).result;
}

/**
 * verify, then log the outcome as an audit record (002 §4.2: the ledger logs every verification). Only
 * identities with the `verifier` or `registrar` role (of any org) may write audit records, so the audit
 * trail cannot be flooded by any member of the channel.
 */
export async function verifyAndRecord(state: StateStore, caller: Caller, tx: TxContext, request: VerifyRequest): Promise<VerificationRecord> {
  requireRole(caller, AUDIT_WRITER_ROLES, 'verifyAndRecord');
  const { result, message } = await verifyDecoded(state, tx, request);
  const record: VerificationRecord = {
    ...result,
    messageHash: sha256Hex(message),
    ...(request.signatureEncoding ? { signatureEncoding: request.signatureEncoding } : {}),
    verifier: actorOf(caller),
    txId: tx.txId,
    recordedAt: tx.timestamp,
  };
  await state.put(verificationKey(result.meterId, tx.timestamp, tx.txId), toBytes(record));
  return record;
}

/** The verification itself, also handing back the decoded message so it is decoded once. */
async function verifyDecoded(state: StateStore, tx: TxContext, request: VerifyRequest): Promise<{ result: VerificationResult; message: Uint8Array }> {
  const meter = await requireMeter(state, request.meterId);
  const at = request.at ?? tx.timestamp;
  const message = decodeMessage(request);
  const base = { meterId: meter.meterId, at };
  if (meter.revocation && at >= meter.revocation.effectiveAt) {
    return { message, result: { ...base, valid: false, keyVersion: null, reason: 'METER_REVOKED' } };
  }
  const key = keyValidAt(meter, at);
  if (!key) return { message, result: { ...base, valid: false, keyVersion: null, reason: 'NO_KEY_VALID_AT_TIME' } };
  let valid: boolean;
  try {
    valid = verifySignature({
      scheme: key.scheme,
      publicKey: key.publicKey,
      message,
      signature: request.signature,
      signatureEncoding: request.signatureEncoding,
    });
  } catch (err) {
    throw fromCryptoError(err, 'signature');
  }
  const keyVersion = key.version;
  return { message, result: valid ? { ...base, valid, keyVersion } : { ...base, valid, keyVersion, reason: 'SIGNATURE_MISMATCH' } };
}

export async function listVerifications(state: StateStore, request: Request<'listVerifications'>): Promise<Page<VerificationRecord>> {
  await requireMeter(state, request.meterId);
  const page = await pageByPrefix(state, KEY_TYPES.verification, [request.meterId], request.pageSize, request.bookmark);
  const items = page.entries.map((e) => fromBytes<VerificationRecord>(e.value));
  return { items, bookmark: page.bookmark, fetchedCount: items.length };
}
