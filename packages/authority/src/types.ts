import type { SignatureEncoding, SignatureScheme } from '@meterledger/crypto';

/**
 * Request and result shapes of the meterledger `registry` contract, as JSON crosses the wire.
 * Times are RFC 3339 UTC strings taken from transaction timestamps.
 */

// ---- results ---------------------------------------------------------------------------------

/** Who did something: the MSP and the X.509 id of the submitting identity. */
export interface Actor {
  mspId: string;
  id: string;
}

export interface RegistryConfig {
  /** Distinct authority orgs that must prove possession before a key becomes active. */
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
  /** Reference of the type-approval certificate the meter model holds. */
  typeApprovalRef: string;
}

export interface Approval extends Actor {
  at: string;
  /** The nonce the approving authority issued for its proof of possession. */
  nonce: string;
}

export interface Revocation {
  reason: RevocationReason;
  /** Signatures made at or after this time are not valid; may precede `at` (backdated compromise). */
  effectiveAt: string;
  by: Actor;
  at: string;
  comment?: string;
}

export interface KeyVersionRecord {
  version: number;
  scheme: SignatureScheme;
  /** SPKI PEM. */
  publicKey: string;
  /** Lowercase hex SHA-256 of the SPKI DER. */
  fingerprint: string;
  status: KeyStatus;
  approvals: Approval[];
  /** Half-open validity [validFrom, validTo); validFrom is null until the key is activated. */
  validFrom: string | null;
  validTo: string | null;
  revocation?: Revocation;
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

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; '' when this is the last page. */
  bookmark: string;
  fetchedCount: number;
}

/** Why a verification failed (`valid: false`). */
export type VerificationFailure = 'NO_KEY_VALID_AT_TIME' | 'METER_REVOKED' | 'SIGNATURE_MISMATCH' | (string & Record<never, never>);

export interface VerificationResult {
  meterId: string;
  valid: boolean;
  keyVersion: number | null;
  reason?: VerificationFailure;
  /** The instant the signature was checked for (the request's `at`, or the transaction time). */
  at: string;
}

export interface VerificationRecord extends VerificationResult {
  /** Lowercase hex SHA-256 of the message bytes. */
  messageHash: string;
  signatureEncoding?: SignatureEncoding;
  verifier: Actor;
  txId: string;
  recordedAt: string;
}

// ---- requests --------------------------------------------------------------------------------

export interface ConfigureRequest {
  approvalThreshold: number;
  authorityMspIds: string[];
}

/** A meter's signature over the possession challenge built with the authority's nonce. */
export interface PossessionProof {
  /** 16..128 base64url characters chosen by the authority. */
  nonce: string;
  /** Base64 (hex is accepted too). */
  signature: string;
  /** ECDSA: 'der' (default) or 'raw'. Ed25519: omit or 'raw'. */
  signatureEncoding?: SignatureEncoding;
}

export interface RegisterMeterRequest {
  meterId: string;
  scheme: SignatureScheme;
  /** SPKI PEM or hex of any key encoding the crypto package accepts. */
  publicKey: string;
  metadata: MeterMetadata;
  proof: PossessionProof;
}

export interface ApproveMeterRequest {
  meterId: string;
  keyVersion: number;
  proof: PossessionProof;
}

export interface RotateKeyRequest {
  meterId: string;
  scheme: SignatureScheme;
  publicKey: string;
  proof: PossessionProof;
}

export interface RevokeMeterRequest {
  meterId: string;
  reason: RevocationReason;
  /** RFC 3339; defaults to the transaction time. */
  effectiveAt?: string;
  comment?: string;
}

export interface ListMetersQuery {
  by: 'manufacturer' | 'status';
  value: string;
  pageSize?: number;
  bookmark?: string;
}

export type MessageEncoding = 'utf8' | 'base64' | 'hex';

export interface VerifyRequest {
  meterId: string;
  message: string;
  /** How `message` encodes the signed bytes; default 'utf8'. */
  messageEncoding?: MessageEncoding;
  /** Base64 or hex. */
  signature: string;
  signatureEncoding?: SignatureEncoding;
  /** RFC 3339 instant to check the key's validity for; defaults to the transaction time. */
  at?: string;
}

export interface ListVerificationsQuery {
  meterId: string;
  pageSize?: number;
  bookmark?: string;
}
