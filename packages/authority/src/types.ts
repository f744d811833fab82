/**
 * Request and result shapes of the meterledger `registry` contract, as JSON crosses the wire. Nothing here
 * is written by hand: results are the types of @meterledger/contract-api, and requests are inferred from
 * its zod schemas (`z.input`: what a client sends, defaults may be omitted), the same schemas the
 * chaincode validates every argument with.
 */

export type {
  // results
  Actor,
  Approval,
  ConfigApproval,
  ConfigProposal,
  KeyStatus,
  KeyVersionRecord,
  MeterMetadata,
  MeterRecord,
  MeterStatus,
  Page,
  RegistryConfig,
  RegistryConfigSettings,
  RegistryConfigView,
  Revocation,
  RevocationReason,
  VerificationFailure,
  VerificationRecord,
  VerificationResult,
  // requests, inferred from the schemas
  ApproveConfigRequest,
  ApproveMeterRequest,
  ConfigSettings,
  InitConfigRequest,
  ListMetersQuery,
  ListVerificationsQuery,
  MessageEncoding,
  PossessionProof,
  ProposeConfigRequest,
  RegisterMeterRequest,
  RevokeMeterRequest,
  RotateKeyRequest,
  VerifyRequest,
} from '@meterledger/contract-api';

