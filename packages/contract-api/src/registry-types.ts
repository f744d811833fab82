import type { SignatureEncoding, SignatureScheme } from '@meterledger/crypto';

/**
 * Results of the meterledger `registry` contract as JSON crosses the wire, and as the chaincode stores
 * them. Times are RFC 3339 UTC strings taken from transaction timestamps.
 */

export interface Actor {
  mspId: string;
  id: string;
}

export interface RegistryConfig {
  /** Distinct authority orgs that must prove possession before a key becomes active (002 §4.2.2). */
  approvalThreshold: number;
  authorityMspIds: string[];
  updatedAt: string;
  updatedBy: Actor;
}

export type MeterStatus = 'pending' | 'active' | 'revoked';
export type KeyStatus = 'pending' | 'active' | 'retired' | 'revoked';
export type RevocationReason = 'keyCompromise' | 'decommissioned' | 'superseded' | 'other';

export interface MeterMetadata {
  manufacturer: string;
  model: string;
  serial: string;
  typeApprovalRef: string;
}

export interface Approval extends Actor {
  at: string;
  nonce: string;
}

export interface Revocation {
  reason: RevocationReason;
  /** Signatures made at or after this time are not valid. May be earlier than `at` (backdated compromise). */
  effectiveAt: string;
  by: Actor;
  at: string;
  comment?: string;
}

export interface KeyVersionRecord {
  version: number;
  scheme: SignatureScheme;
  /** SPKI PEM, the form 002's deployment stores. */
  publicKey: string;
  fingerprint: string;
  status: KeyStatus;
  approvals: Approval[];
  /** Half-open validity [validFrom, validTo); validFrom is null until the key is activated. */
  validFrom: string | null;
  validTo: string | null;
}

export interface MeterRecord {
  meterId: string;
  status: MeterStatus;
  metadata: MeterMetadata;
  registeredBy: Actor;
  registeredAt: string;
  updatedAt: string;
  activeKeyVersion: number | null;
  keys: KeyVersionRecord[];
  revocation?: Revocation;
}

export type VerificationFailure = 'NO_KEY_VALID_AT_TIME' | 'METER_REVOKED' | 'SIGNATURE_MISMATCH';

export interface VerificationResult {
  meterId: string;
  valid: boolean;
  keyVersion: number | null;
  reason?: VerificationFailure;
  /** The instant the signature was checked for (the request's `at`, or the transaction time). */
  at: string;
}

export interface VerificationRecord extends VerificationResult {
  messageHash: string;
  signatureEncoding?: SignatureEncoding;
  verifier: Actor;
  txId: string;
  recordedAt: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; '' when this is the last page. */
  bookmark: string;
  fetchedCount: number;
}
