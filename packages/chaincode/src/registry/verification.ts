import { fromHex, sha256Hex, verifySignature } from '@meterledger/crypto';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import type { StateStore, TxContext } from '../ledger/state-store';
import { KEY_TYPES } from './keys';
import { requireMeter } from './meters';
import { asChaincodeError } from './possession';
import { toUtc, type ListVerificationsRequest, type VerifyRequest } from './requests';
import type { KeyVersionRecord, MeterRecord, Page, VerificationRecord, VerificationResult } from './types';

function decodeMessage(request: VerifyRequest): Uint8Array {
  switch (request.messageEncoding) {
    case 'utf8':
      return Buffer.from(request.message, 'utf8');
    case 'hex':
      try {
        return fromHex(request.message);
      } catch (err) {
        throw asChaincodeError(err, 'message');
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
 * Check a signature against the key the meter had at `at` (default: the transaction time). A well-formed
 * wrong signature, a revoked meter or a time without a valid key give `valid: false` with a reason; an
 * unknown meter or a malformed signature are errors.
 */
export async function verify(state: StateStore, tx: TxContext, request: VerifyRequest): Promise<VerificationResult> {
  return (await verifyDecoded(state, tx, request)).result;
}

/** verify, then log the outcome as an audit record (002 §4.2: the ledger logs every verification). */
export async function verifyAndRecord(
  state: StateStore,
  caller: Caller,
  tx: TxContext,
  request: VerifyRequest,
): Promise<VerificationRecord> {
  const { result, message } = await verifyDecoded(state, tx, request);
  const record: VerificationRecord = {
    ...result,
    messageHash: sha256Hex(message),
    ...(request.signatureEncoding ? { signatureEncoding: request.signatureEncoding } : {}),
    verifier: { mspId: caller.mspId, id: caller.id },
    txId: tx.txId,
    recordedAt: tx.timestamp,
  };
  await state.put(state.compositeKey(KEY_TYPES.verification, [result.meterId, tx.timestamp, tx.txId]), toBytes(record));
  return record;
}

/** The verification itself, also handing back the decoded message so it is decoded once. */
async function verifyDecoded(
  state: StateStore,
  tx: TxContext,
  request: VerifyRequest,
): Promise<{ result: VerificationResult; message: Uint8Array }> {
  const meter = await requireMeter(state, request.meterId);
  const at = request.at ? toUtc(request.at) : tx.timestamp;
  const message = decodeMessage(request);
  const base = { meterId: meter.meterId, at };
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
    throw asChaincodeError(err, 'signature');
  }
  const keyVersion = key.version;
  if (meter.revocation && at >= meter.revocation.effectiveAt) {
    return { message, result: { ...base, valid: false, keyVersion, reason: 'METER_REVOKED' } };
  }
  return { message, result: valid ? { ...base, valid, keyVersion } : { ...base, valid, keyVersion, reason: 'SIGNATURE_MISMATCH' } };
}

export async function listVerifications(state: StateStore, request: ListVerificationsRequest): Promise<Page<VerificationRecord>> {
  await requireMeter(state, request.meterId);
  const page = await state.pageByPrefix(KEY_TYPES.verification, [request.meterId], request.pageSize, request.bookmark);
  const items = page.entries.map((e) => fromBytes<VerificationRecord>(e.value));
  return { items, bookmark: page.bookmark, fetchedCount: items.length };
}
