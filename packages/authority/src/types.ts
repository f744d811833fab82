import type { MeterMetadata, RevocationReason } from '@meterledger/contract-api';
import type { SignatureEncoding, SignatureScheme } from '@meterledger/crypto';

/**
 * Request shapes (what the SDK sends) and result shapes of the meterledger `registry` contract, as JSON crosses the wire.
 * Times are RFC 3339 UTC strings taken from transaction timestamps.
 */

// ---- results: the contract's wire types, defined once in @meterledger/contract-api -------------

export type {
  Actor,
  Approval,
  KeyStatus,
  KeyVersionRecord,
  MeterMetadata,
  MeterRecord,
  MeterStatus,
  Page,
  RegistryConfig,
  Revocation,
  RevocationReason,
  VerificationFailure,
  VerificationRecord,
  VerificationResult,
} from '@meterledger/contract-api';

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
