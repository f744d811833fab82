import type { PublicKeyInfo } from '@meterledger/crypto';
import type { Caller } from '../ledger/caller';
import { ChaincodeError } from '../ledger/errors';
import { fromBytes, toBytes } from '../ledger/json';
import { pageByPrefix } from '../ledger/pagination';
import { splitStateKey } from '../ledger/state-key';
import type { StateStore, TxContext } from '../ledger/state-store';
import { requireAuthorityRole } from './access';
import { actorOf } from './actor';
import { requireConfig } from './config';
import { INDEX_VALUE, KEY_TYPES, indexKeysOf, meterKey, publicKeyClaimKey } from './keys';
import { parseMeterKey, requirePossession } from './possession';
import type { Request } from './requests';
import type { KeyVersionRecord, MeterRecord, Page, RegistryConfig } from './types';

type PossessionProof = Request<'registerMeter'>['proof'];

export async function readMeter(state: StateStore, meterId: string): Promise<MeterRecord | undefined> {
  const bytes = await state.get(meterKey(meterId));
  return bytes ? fromBytes<MeterRecord>(bytes) : undefined;
}

export async function requireMeter(state: StateStore, meterId: string): Promise<MeterRecord> {
  const meter = await readMeter(state, meterId);
  if (!meter) throw new ChaincodeError('UNKNOWN_METER', `meter ${meterId} is not registered`);
  return meter;
}

/**
 * The orgs whose peers must endorse any later change of a meter's key (state-based endorsement): every
 * org that approved a key version in force (active or pending); for a revoked meter, every org that ever
 * approved one of its keys. A peer of another org running modified chaincode cannot alter the record.
 */
export function meterEndorsers(meter: MeterRecord): string[] {
  const current = meter.keys.filter((k) => k.status === 'active' || k.status === 'pending');
  const keys = current.length > 0 ? current : meter.keys;
  return [...new Set(keys.flatMap((k) => k.approvals.map((a) => a.mspId)))].sort();
}

/** Write a meter, its key-level endorsement policy, and keep its secondary indexes in step. */
async function writeMeter(state: StateStore, before: MeterRecord | undefined, after: MeterRecord): Promise<void> {
  const stale = new Set(before ? indexKeysOf(before) : []);
  for (const key of indexKeysOf(after)) {
    if (!stale.delete(key)) await state.put(key, INDEX_VALUE);
  }
  for (const key of stale) await state.delete(key);
  await state.put(meterKey(after.meterId), toBytes(after));
  await state.setEndorsers(meterKey(after.meterId), meterEndorsers(after));
}

async function requireKeyUnclaimed(state: StateStore, key: PublicKeyInfo): Promise<void> {
  const owner = await state.get(publicKeyClaimKey(key.fingerprint));
  if (owner) {
    const ownerId = Buffer.from(owner).toString('utf8');
    throw new ChaincodeError('DUPLICATE_KEY', `public key ${key.fingerprint} is already registered for meter ${ownerId}`);
  }
}

async function claimKey(state: StateStore, key: PublicKeyInfo, meterId: string): Promise<void> {
  await state.put(publicKeyClaimKey(key.fingerprint), Buffer.from(meterId, 'utf8'));
}

function newKeyVersion(version: number, key: PublicKeyInfo, caller: Caller, tx: TxContext, proof: PossessionProof): KeyVersionRecord {
  return {
    version,
    scheme: key.scheme,
    publicKey: key.spkiPem,
    fingerprint: key.fingerprint,
    status: 'pending',
    approvals: [{ ...actorOf(caller), at: tx.timestamp, nonce: proof.nonce }],
    validFrom: null,
    validTo: null,
  };
}

/**
 * Activate `pending` once enough distinct authorities proved possession. The previous active key is
 * retired, not deleted: it stays verifiable for signatures made inside [validFrom, validTo).
 */
function activateIfApproved(meter: MeterRecord, pending: KeyVersionRecord, config: RegistryConfig, tx: TxContext): void {
  const approvers = new Set(pending.approvals.map((a) => a.mspId).filter((m) => config.authorityMspIds.includes(m)));
  if (approvers.size < config.approvalThreshold) return;
  const previous = meter.keys.find((k) => k.status === 'active');
  if (previous) {
    previous.status = 'retired';
    previous.validTo = tx.timestamp;
  }
  pending.status = 'active';
  pending.validFrom = tx.timestamp;
  meter.status = 'active';
  meter.activeKeyVersion = pending.version;
}

function requireNotRevoked(meter: MeterRecord): void {
  if (meter.status === 'revoked') {
    throw new ChaincodeError('METER_REVOKED', `meter ${meter.meterId} was revoked (${meter.revocation?.reason})`);
  }
}

/**
 * The common preamble of every change to an existing meter: config, ABAC, meter exists and is not
 * revoked. State is always checked before any signature is: the caller hears the most useful reason
 * (METER_REVOKED rather than BAD_PROOF_OF_POSSESSION) and no verification is spent on a doomed call.
 */
async function meterForChange(state: StateStore, caller: Caller, action: string, meterId: string) {
  const config = await requireConfig(state);
  requireAuthorityRole(caller, config, 'registrar', action);
  const before = await requireMeter(state, meterId);
  requireNotRevoked(before);
  return { config, before };
}

export async function registerMeter(state: StateStore, caller: Caller, tx: TxContext, request: Request<'registerMeter'>): Promise<MeterRecord> {
  const config = await requireConfig(state);
  requireAuthorityRole(caller, config, 'registrar', 'registerMeter');
  if (await readMeter(state, request.meterId)) {
    throw new ChaincodeError('DUPLICATE_METER', `meter ${request.meterId} is already registered`);
  }
  const key = parseMeterKey(request.scheme, request.publicKey);
  await requireKeyUnclaimed(state, key);
  requirePossession(tx.channel, request.meterId, key, request.proof);
  await claimKey(state, key, request.meterId);
  const firstKey = newKeyVersion(1, key, caller, tx, request.proof);
  const meter: MeterRecord = {
    meterId: request.meterId,
    status: 'pending',
    metadata: request.metadata,
    registeredBy: actorOf(caller),
    registeredAt: tx.timestamp,
    updatedAt: tx.timestamp,
    activeKeyVersion: null,
    keys: [firstKey],
  };
  activateIfApproved(meter, firstKey, config, tx);
  await writeMeter(state, undefined, meter);
  return meter;
}

export async function approveMeter(state: StateStore, caller: Caller, tx: TxContext, request: Request<'approveMeter'>): Promise<MeterRecord> {
  const { config, before } = await meterForChange(state, caller, 'approveMeter', request.meterId);
  const meter = structuredClone(before);
  const key = meter.keys.find((k) => k.version === request.keyVersion);
  if (!key) {
    throw new ChaincodeError('UNKNOWN_KEY_VERSION', `meter ${meter.meterId} has no key version ${request.keyVersion}`);
  }
  if (key.status !== 'pending') {
    throw new ChaincodeError('NOTHING_TO_APPROVE', `key version ${key.version} of meter ${meter.meterId} is ${key.status}, not pending`);
  }
  if (key.approvals.some((a) => a.mspId === caller.mspId)) {
    throw new ChaincodeError('ALREADY_APPROVED', `org ${caller.mspId} already approved key version ${key.version} of meter ${meter.meterId}`);
  }
  if (meter.keys.some((k) => k.approvals.some((a) => a.nonce === request.proof.nonce))) {
    throw new ChaincodeError('NONCE_REUSED', `nonce ${request.proof.nonce} was already used for meter ${meter.meterId}`);
  }
  requirePossession(tx.channel, meter.meterId, parseMeterKey(key.scheme, key.publicKey), request.proof);
  key.approvals.push({ ...actorOf(caller), at: tx.timestamp, nonce: request.proof.nonce });
  activateIfApproved(meter, key, config, tx);
  meter.updatedAt = tx.timestamp;
  await writeMeter(state, before, meter);
  return meter;
}

export async function rotateKey(state: StateStore, caller: Caller, tx: TxContext, request: Request<'rotateKey'>): Promise<MeterRecord> {
  const { config, before } = await meterForChange(state, caller, 'rotateKey', request.meterId);
  const pending = before.keys.find((k) => k.status === 'pending');
  if (pending) {
    throw new ChaincodeError('ROTATION_PENDING', `meter ${before.meterId} already has key version ${pending.version} awaiting approval`);
  }
  const key = parseMeterKey(request.scheme, request.publicKey);
  await requireKeyUnclaimed(state, key);
  requirePossession(tx.channel, before.meterId, key, request.proof);
  await claimKey(state, key, before.meterId);
  const meter = structuredClone(before);
  const next = newKeyVersion(meter.keys.length + 1, key, caller, tx, request.proof);
  meter.keys.push(next);
  activateIfApproved(meter, next, config, tx);
  meter.updatedAt = tx.timestamp;
  await writeMeter(state, before, meter);
  return meter;
}

/**
 * Revoke a meter: one authority suffices (revocation must never wait for a quorum). Active and pending
 * keys become revoked; signatures made at or after `effectiveAt` no longer verify. Keys retired by an
 * earlier rotation keep their window, unless the revocation is backdated into it.
 */
export async function revokeMeter(state: StateStore, caller: Caller, tx: TxContext, request: Request<'revokeMeter'>): Promise<MeterRecord> {
  const { before } = await meterForChange(state, caller, 'revokeMeter', request.meterId);
  const effectiveAt = request.effectiveAt ?? tx.timestamp;
  if (effectiveAt > tx.timestamp) {
    throw new ChaincodeError('INVALID_ARGUMENT', `revokeMeter: effectiveAt ${effectiveAt} is after the transaction time ${tx.timestamp}`);
  }
  const meter = structuredClone(before);
  for (const key of meter.keys) {
    if (key.status === 'active' || key.status === 'pending') {
      key.status = 'revoked';
      key.validTo = key.validFrom === null ? null : effectiveAt < key.validFrom ? key.validFrom : effectiveAt;
    }
  }
  meter.status = 'revoked';
  meter.activeKeyVersion = null;
  meter.revocation = {
    reason: request.reason,
    effectiveAt,
    by: actorOf(caller),
    at: tx.timestamp,
    ...(request.comment !== undefined ? { comment: request.comment } : {}),
  };
  meter.updatedAt = tx.timestamp;
  await writeMeter(state, before, meter);
  return meter;
}

export async function listMeters(state: StateStore, request: Request<'listMeters'>): Promise<Page<MeterRecord>> {
  const type = request.by === 'status' ? KEY_TYPES.byStatus : KEY_TYPES.byManufacturer;
  const page = await pageByPrefix(state, type, [request.value], request.pageSize, request.bookmark);
  const items: MeterRecord[] = [];
  for (const entry of page.entries) {
    const meterId = splitStateKey(entry.key).attributes[1];
    const meter = await readMeter(state, meterId);
    if (meter) items.push(meter);
  }
  return { items, bookmark: page.bookmark, fetchedCount: items.length };
}
