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
} from './requests';
export { validateRequest, validateRequestArgument, type RequestValidation } from './validate-request';
export {
  REGISTRY_CONTRACT,
  REGISTRY_TRANSACTIONS,
  argumentCount,
  isEvaluateOnly,
  type RegistryResults,
  type RegistryTransaction,
  type TransactionSpec,
} from './transactions';
export type * from './registry-types';
