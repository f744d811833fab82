import type { SignatureEncoding, SignatureScheme } from '@meterledger/crypto';
import type { Request } from './requests';

/**
 * Results of the meterledger `registry` contract as JSON crosses the wire, and as the chaincode stores
 * them. Times are RFC 3339 UTC strings taken from transaction timestamps.
 */

export interface Actor {
  mspId: string;
  id: string;
}

/** Approval threshold and authority orgs, as proposed and as in force. */
export interface RegistryConfigSettings {
  /** Distinct authority orgs that must prove possession before a key becomes active (002 §4.2.2). */
  approvalThreshold: number;
  /** In the order given by initConfig or the proposal. */
  authorityMspIds: string[];
}

/** The configuration in force. */
export interface RegistryConfig extends RegistryConfigSettings {
  /** 1 when written by initConfig; +1 each time a proposal takes effect. */
  version: number;
  updatedAt: string;
  /** The initConfig caller, or the admin whose approval made the proposal take effect. */
  updatedBy: Actor;
  /** The proposal this version came from; null for the version written by initConfig. */
  proposalId: string | null;
}

export interface ConfigApproval extends Actor {
  at: string;
}

/**
 * A proposed configuration change. It takes effect once admins of `approvalThreshold` distinct authority
 * orgs of the configuration in force approved it (the proposer's org counts as the first). A proposal
 * made against an older version than the one in force is superseded and can no longer be approved.
 */
export interface ConfigProposal {
  /** The transaction id of proposeConfig. */
  proposalId: string;
  /** The configuration version the proposal amends. */
  baseVersion: number;
  proposed: RegistryConfigSettings;
  proposedBy: Actor;
  proposedAt: string;
  /** One per org, in order; the proposer's org first. */
  approvals: ConfigApproval[];
  /** 'effective' once it became the configuration in force (as version baseVersion + 1). */
  status: 'pending' | 'effective';
}

/** getConfig: the configuration in force and the proposals still open against it (at most one per org). */
export interface RegistryConfigView {
  config: RegistryConfig;
  pending: ConfigProposal[];
}

export type MeterStatus = 'pending' | 'active' | 'revoked';
export type KeyStatus = 'pending' | 'active' | 'retired' | 'revoked';
/** From the revokeMeter schema. */
export type RevocationReason = Request<'revokeMeter'>['reason'];

/** From the registerMeter schema: manufacturer, model, serial, typeApprovalRef (one line of text each). */
export type MeterMetadata = Request<'registerMeter'>['metadata'];

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
