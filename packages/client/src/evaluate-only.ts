import { REGISTRY_CONTRACT, isEvaluateOnly } from '@meterledger/contract-api';
import { MeterledgerError } from './errors';

/**
 * Refuse, locally and before any proposal, to submit a function that @meterledger/contract-api marks
 * evaluate-only. On the network such a submit is refused by the Gateway or invalidated at commit (the
 * chaincode's read-only sentinel), or, for a function without that guard, it would commit as a no-op.
 * `contractName` is the contract the call goes to (a `contract:fn` name overrides it).
 */
export function assertSubmittable(fn: string, contractName: string = REGISTRY_CONTRACT): void {
  if (isEvaluateOnly(fn, contractName)) {
    throw new MeterledgerError({
      code: 'EVALUATE_ONLY',
      message: `EVALUATE_ONLY: ${fn} is a query of the ${contractName} contract; evaluate it instead of submitting it`,
    });
  }
}
