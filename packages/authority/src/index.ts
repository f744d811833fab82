export {
  AuthorityClient,
  REGISTRY_CONTRACT,
  type ApproveWithPossessionRequest,
  type AuthorityClientOptions,
  type MeterPublicKey,
  type RegisterWithPossessionRequest,
  type RegistryContract,
  type RotateWithPossessionRequest,
  type VerifyInput,
} from './authority-client';
export { NONCE_BYTES, newNonce } from './nonce';
export { softwareProver, type PossessionSignature, type Prover } from './prover';
export { encodeSignature } from './signature-encoding';
export type * from './types';
