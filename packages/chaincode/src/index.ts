import { MeterRegistryContract } from './meter-registry-contract';

export { MeterRegistryContract };
export { ChaincodeError, ERROR_CODES, type ErrorCode } from './ledger/errors';
export type * from './registry/types';

/** fabric-chaincode-node loads this list; the first contract is the default one. */
export const contracts = [MeterRegistryContract];
