import { MeterRegistryContract } from './meter-registry-contract';
import { Baseline001Contract } from './baseline-contract';
import { ReadingsContract } from './readings-contract';
import { installInvocationGuard } from './shim/invocation-guard';
import { WeighingContract } from './weighing-contract';

export { Baseline001Contract, MeterRegistryContract, ReadingsContract, WeighingContract };
export { ChaincodeError, ERROR_CODES, CHAINCODE_ERROR_CODES, type ChaincodeErrorCode, type ErrorCode } from './ledger/errors';
export type * from './registry/types';

// fabric-chaincode-node loads this module and then builds its Chaincode; answer malformed invocations
// (empty argument list, unknown contract, wrong argument count) with stable codes (shim/invocation-guard.ts).
installInvocationGuard();

/** fabric-chaincode-node loads this list; the first contract is the default one. */
export const contracts = [MeterRegistryContract, ReadingsContract, Baseline001Contract, WeighingContract];
