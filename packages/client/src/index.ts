export {
  AMBIGUOUS_SUBMIT_CODES,
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
  STATE_DIR_ENV,
  ProfileError,
  defaultProfilePath,
  findRepoRoot,
  loadNetworkProfile,
  parseNetworkProfile,
  selectIdentity,
  selectOrg,
  selectPeer,
  type IdentityProfile,
  type MqttProfile,
  type NetworkProfile,
  type OrgProfile,
  type PeerProfile,
} from './profile';
export { decodeResult, type DecodeContext } from './decode-result';
export { assertSubmittable } from './evaluate-only';
export {
  ContractClient,
  encodeArguments,
  type ContractArgument,
  type ContractClientOptions,
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
  type AlternatePeer,
  type ConnectOptions,
  type ConnectWithIdentityOptions,
  type Deadlines,
  type FabricNetworkConnection,
  type GatewayConnection,
  type MeterledgerConnection,
} from './connect';
export {
  TRANSPORT_ENV,
  TRANSPORT_KINDS,
  resolveTransportKind,
  type ContractTransport,
  type EvaluateOutcome,
  type Invocation,
  type InvokeOptions,
  type SubmitOutcome,
  type Transport,
  type TransportKind,
} from './transport';
export {
  DEFAULT_RESOLUTION,
  isAmbiguousGatewaySubmitError,
  resolveCommit,
  type ResolutionOptions,
  type ResolveCommitParams,
  type ResolvedCommit,
  type ResubmitOutcome,
} from './commit-resolution';
export {
  decodeBlockNumber,
  decodeProcessedTransaction,
  decodeTransactionEnvelope,
  findTransaction,
  isTransactionNotFound,
  type FoundTransaction,
  type LedgerTarget,
  type LedgerTransaction,
  type LookupAnswer,
  type QsccEvaluate,
} from './ledger';
export {
  GatewayContractTransport,
  gatewayLedgerTarget,
  type AlternateGateway,
  type GatewayResolution,
} from './gateway-transport';
export {
  CommitWaiter,
  FabricNetworkContractTransport,
  connectFabricNetwork,
  fabricNetworkLedgerTarget,
  type FabricNetworkConnectOptions,
  type FabricNetworkContext,
  type FabricNetworkTimeouts,
  type FabricNetworkTransport,
} from './fabric-network-transport';
export { chaincodeCodeOf, fromFabricNetworkError, type FabricNetworkStage } from './fabric-network-errors';
export {
  defaultAsLocalhost,
  toCommonConnectionProfile,
  type CommonConnectionProfile,
  type ConnectionProfileOptions,
} from './connection-profile';
export { backoffDelay, withRetry, type RetryOptions } from './retry';
export { allPages, type PageLike } from './pages';
