export {
  CHAINCODE_ERROR_CODES,
  CLIENT_ERROR_CODES,
  ERROR_CODES,
  isErrorCode,
  type ChaincodeErrorCode,
  type ClientErrorCode,
  type ErrorCode,
} from './error-codes';
export { errorCodeForCryptoError, type CryptoSubject } from './crypto-errors';
export { controlCharacterProblem, escapeControlCharacters } from './text';
export {
  REQUEST_SCHEMAS,
  configSettingsSchema,
  meterMetadataSchema,
  possessionProofSchema,
  type ApproveConfigRequest,
  type ApproveMeterRequest,
  type ConfigSettings,
  type InitConfigRequest,
  type ListMetersQuery,
  type ListVerificationsQuery,
  type MessageEncoding,
  type PossessionProof,
  type ProposeConfigRequest,
  type RegisterMeterRequest,
  type Request,
  type RequestInput,
  type RequestKind,
  type RevokeMeterRequest,
  type RotateKeyRequest,
  type VerifyRequest,
  submittedReadingSchema,
  type AggregateRangeQuery,
  type CountReadingsQuery,
  type GetSealQuery,
  type ListAggregatesQuery,
  type ListReadingsQuery,
  type ReadingsAtQuery,
  type ReadingsByValueQuery,
  type SealWindowsRequest,
  type SubmitReadingsRequest,
  type SubmittedReading,
  submittedTicketSchema,
  ticketFilterSchema,
  type AttachRouteTicketRequest,
  type CheckDisclosureQuery,
  type DeclareRouteRequest,
  type GetRouteQuery,
  type GetTicketQuery,
  type GroupTicketsQuery,
  type QueryTicketsQuery,
  type SubmitTicketsRequest,
  type SubmittedTicket,
  type TicketFilter,
} from './requests';
export { validateRequest, validateRequestArgument, type RequestValidation } from './validate-request';
export {
  BASELINE_CONTRACT,
  BASELINE_TRANSACTIONS,
  CONTRACT_TRANSACTIONS,
  READINGS_CONTRACT,
  READINGS_TRANSACTIONS,
  type ReadingsResults,
  type ReadingsTransaction,
  type SealView,
  REGISTRY_CONTRACT,
  REGISTRY_TRANSACTIONS,
  argumentCount,
  isEvaluateOnly,
  type RegistryResults,
  type RegistryTransaction,
  type TransactionSpec,
  TRANSIENT_REQUEST_KEY,
  WEIGHING_CONTRACT,
  WEIGHING_TRANSACTIONS,
  type WeighingResults,
  type WeighingTransaction,
} from './transactions';
export type * from './weighing-types';
export { TICKET_FLAGS, TICKET_GROUPINGS } from './weighing-types';
export { WEIGHING_LIMITS } from './weighing-limits';
export type * from './registry-types';
export type * from './readings-types';
export { READINGS_ACCEPTED_EVENT } from './readings-types';
export { READINGS_LIMITS } from './readings-limits';
export { readingsCommitment, windowsCommitment, type CommittedReading, type CommittedWindow } from './readings-commitment';
export * from './readings/windows';
export * from './readings/aggregate';
