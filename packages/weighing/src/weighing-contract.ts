import { MeterledgerError, type ContractClient, type MeterledgerConnection } from '@meterledger/client';
import { TRANSIENT_REQUEST_KEY, WEIGHING_CONTRACT, WEIGHING_TRANSACTIONS, type WeighingResults, type WeighingTransaction } from '@meterledger/contract-api';

/** The part of a ContractClient the weighing clients use. */
export type WeighingContractLike = Pick<ContractClient, 'evaluate' | 'submitWithOptions'>;

/** A connection, or a contract and the caller's MSP id (tests, custom setups). */
export type WeighingTarget = MeterledgerConnection | { contract: WeighingContractLike; mspId: string };

function isConnection(target: WeighingTarget): target is MeterledgerConnection {
  return 'transport' in target && typeof (target as MeterledgerConnection).contract === 'function';
}

/**
 * Typed calls on the `weighing` contract. Submit functions send their request in the transient map (it would
 * otherwise be written into the block for every org to read) and are endorsed by the caller's own org only:
 * they write nothing but the caller's private collections, whose policy names that org.
 */
export class WeighingCalls {
  readonly contract: WeighingContractLike;
  /** The caller's org: whose collection it reads and writes. */
  readonly mspId: string;

  constructor(target: WeighingTarget, contractName = WEIGHING_CONTRACT) {
    if (isConnection(target)) {
      this.contract = target.contract(contractName);
      this.mspId = target.mspId;
    } else {
      this.contract = target.contract;
      this.mspId = target.mspId;
    }
  }

  evaluate<F extends WeighingTransaction>(fn: F, request: object): Promise<WeighingResults[F]> {
    return this.contract.evaluate<WeighingResults[F]>(fn, request);
  }

  async submit<F extends WeighingTransaction>(fn: F, request: object): Promise<WeighingResults[F]> {
    if (WEIGHING_TRANSACTIONS[fn].argument !== 'transient') {
      throw new MeterledgerError({ code: 'EVALUATE_ONLY', message: `EVALUATE_ONLY: weighing:${fn} is a query; evaluate it` });
    }
    const transientData = { [TRANSIENT_REQUEST_KEY]: JSON.stringify(request) };
    const { result } = await this.contract.submitWithOptions<WeighingResults[F]>(fn, [], { transientData, endorsingOrganizations: [this.mspId] });
    return result;
  }
}
