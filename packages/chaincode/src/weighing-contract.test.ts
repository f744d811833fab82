import 'reflect-metadata';
import { WEIGHING_TRANSACTIONS, type WeighingTransaction } from '@meterledger/contract-api';
import { WeighingContract } from './weighing-contract';

describe('WeighingContract decorators', () => {
  const transactions: { name: string; tag: string[]; parameters: unknown[] }[] = Reflect.getMetadata('fabric:transactions', WeighingContract.prototype);

  it('exposes exactly the transactions of @meterledger/contract-api, evaluate-only where the table says', () => {
    const declared = Object.getOwnPropertyNames(WeighingContract.prototype).filter((n) => !['constructor', 'beforeTransaction', 'unknownTransaction'].includes(n));
    expect(transactions.map((t) => t.name).sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(Object.keys(WEIGHING_TRANSACTIONS).sort());
    for (const t of transactions) {
      const spec = WEIGHING_TRANSACTIONS[t.name as WeighingTransaction];
      // transient requests take no argument: the request is in the transient map
      expect([t.name, t.tag.includes('EVALUATE'), t.parameters.length]).toEqual([t.name, spec.kind === 'evaluate', spec.argument === 'transient' ? 0 : 1]);
    }
  });
});
