export {
  CHAINCODE_ERROR_CODES,
  CLIENT_ERROR_CODES,
  MeterledgerError,
  isTransient,
  parseChaincodeMessage,
  toMeterledgerError,
  type ChaincodeErrorCode,
  type ChaincodeMessage,
  type ClientErrorCode,
  type MeterledgerErrorCode,
  type MeterledgerErrorProperties,
} from './errors';
export { validationCodeName } from './validation-codes';
export {
  PROFILE_ENV,
  ProfileError,
  defaultProfilePath,
  findRepoRoot,
  loadNetworkProfile,
  parseNetworkProfile,
  selectIdentity,
  selectOrg,
  selectPeer,
  type IdentityProfile,
  type NetworkProfile,
  type OrgProfile,
  type PeerProfile,
} from './profile';
export {
  ContractClient,
  decodeResult,
  encodeArguments,
  type ContractArgument,
  type ProposalContract,
  type ProposalLike,
  type SubmitResult,
  type SubmittedTransactionLike,
  type TransactionLike,
} from './contract-client';
export {
  DEFAULT_DEADLINES,
  connect,
  connectWithIdentity,
  deadlineOptions,
  grpcClientOptions,
  newGrpcClient,
  type ConnectOptions,
  type ConnectWithIdentityOptions,
  type Deadlines,
  type MeterledgerConnection,
} from './connect';
export { backoffDelay, withRetry, type RetryOptions } from './retry';
