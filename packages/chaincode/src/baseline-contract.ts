import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { BASELINE_CONTRACT } from '@meterledger/contract-api';
import { canonicalJson } from '@meterledger/crypto';
import { logReading } from './baseline/algorithm1';
import { functionName, scope } from './ledger/context';
import { unknownFunction } from './ledger/invocation-errors';
import { parseRequest } from './registry/requests';

/** 001's Algorithm 1, the baseline `npm run bench:readings` compares submitReadings with (see baseline/algorithm1.ts). */
@Info({ title: 'Baseline001', description: "001's one-reading-per-transaction design, for benchmarks" })
export class Baseline001Contract extends Contract {
  constructor() {
    super(BASELINE_CONTRACT);
  }

  override async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw unknownFunction(fcn, `contract ${BASELINE_CONTRACT} has no function ${JSON.stringify(functionName(ctx))}`);
  }

  @Transaction()
  @Returns('string')
  async logReading(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await logReading(state, caller, tx, parseRequest('baselineLogReading', request)));
  }
}
