import 'reflect-metadata';
import { READINGS_ACCEPTED_EVENT, READINGS_TRANSACTIONS, type ReadingsAcceptedEvent, type ReadingsTransaction, type SubmitReadingsResult } from '@meterledger/contract-api';
import { generateSoftwareSigner } from '@meterledger/crypto';
import { ReadingsContract } from './readings-contract';
import { possessionProof, registration } from './testing/fixtures';
import { IDENTITIES } from './testing/identities';
import { InProcessChaincode, json } from './testing/in-process-chaincode';
import { v1Item } from './testing/readings-driver';

describe('ReadingsContract decorators', () => {
  const transactions: { name: string; tag: string[]; parameters: unknown[] }[] = Reflect.getMetadata('fabric:transactions', ReadingsContract.prototype);

  it('exposes exactly the transactions of @meterledger/contract-api, evaluate-only where the table says', () => {
    const declared = Object.getOwnPropertyNames(ReadingsContract.prototype).filter((n) => !['constructor', 'beforeTransaction', 'unknownTransaction'].includes(n));
    expect(transactions.map((t) => t.name).sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(Object.keys(READINGS_TRANSACTIONS).sort());
    for (const t of transactions) {
      const name = t.name as ReadingsTransaction;
      expect([name, t.tag.includes('EVALUATE'), t.parameters.length]).toEqual([name, READINGS_TRANSACTIONS[name].kind === 'evaluate', 1]);
    }
  });
});

describe('ReadingsContract through fabric-shim, in process', () => {
  it('verifies, stores, emits ReadingsAccepted, and answers auditors only', async () => {
    const cc = new InProcessChaincode({ orgs: ['PTBMSP', 'InmetroMSP'] });
    const config = JSON.stringify({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    expect(await cc.submit(IDENTITIES.ptbAdmin, ['registry:initConfig', config])).toMatchObject({ validationCode: 'VALID' });
    const meter = generateSoftwareSigner('ed25519');
    expect(await cc.submit(IDENTITIES.ptbRegistrar, ['registry:registerMeter', JSON.stringify(registration(meter, 'm-1'))])).toMatchObject({ validationCode: 'VALID' });
    const approve = { meterId: 'm-1', keyVersion: 1, proof: possessionProof(meter, 'm-1') };
    expect(await cc.submit(IDENTITIES.inmetroRegistrar, ['registry:approveMeter', JSON.stringify(approve)], { at: '2026-05-01T00:00:00.000Z' })).toMatchObject({ validationCode: 'VALID' });

    const batch = JSON.stringify({ readings: [v1Item(meter, { meterId: 'm-1', time: '2026-05-01T10:00:00Z', value: '1.5' })] });
    const submitted = await cc.submit(IDENTITIES.operatorGateway, ['readings:submitReadings', batch], { at: '2026-05-01T10:00:05.000Z' });
    expect(submitted.validationCode).toBe('VALID');
    expect(json<SubmitReadingsResult>(submitted)).toMatchObject({ accepted: 1, rejected: 0 });
    expect(submitted.event?.name).toBe(READINGS_ACCEPTED_EVENT);
    const event = JSON.parse(Buffer.from(submitted.event!.payload).toString('utf8')) as ReadingsAcceptedEvent;
    expect(event.readings).toEqual([{ meterId: 'm-1', time: '2026-05-01T10:00:00.000Z', digest: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    const query = JSON.stringify({ meterId: 'm-1', from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' });
    expect(json(await cc.evaluate(IDENTITIES.ptbAuditor, ['readings:aggregateRange', query], { at: '2026-05-01T10:01:00.000Z' }))).toMatchObject({ count: 1, sum: '1.5' });
    const denied = await cc.evaluate(IDENTITIES.operatorGateway, ['readings:aggregateRange', query]);
    expect(denied.message).toMatch(/^UNAUTHORIZED: /);
    const submittedQuery = await cc.endorse(IDENTITIES.ptbAuditor, ['readings:aggregateRange', query]);
    expect(submittedQuery.commit()).toBe('ENDORSEMENT_POLICY_FAILURE');
  });
});
