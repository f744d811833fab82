import 'reflect-metadata';
import { REGISTRY_TRANSACTIONS, argumentCount, type RegistryTransaction } from '@meterledger/contract-api';
import { generateSoftwareSigner } from '@meterledger/crypto';
import { MeterRegistryContract } from './meter-registry-contract';
import { configKey, meterKey, readOnlySentinelKey } from './registry';
import { registration } from './testing/fixtures';
import { IDENTITIES } from './testing/identities';
import { InProcessChaincode, json } from './testing/in-process-chaincode';

const config = JSON.stringify({ approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });

describe('MeterRegistryContract decorators', () => {
  const transactions: { name: string; tag: string[]; parameters: unknown[] }[] = Reflect.getMetadata('fabric:transactions', MeterRegistryContract.prototype);

  it('exposes exactly the transactions of @meterledger/contract-api', () => {
    const declared = Object.getOwnPropertyNames(MeterRegistryContract.prototype).filter(
      (n) => !['constructor', 'beforeTransaction', 'unknownTransaction'].includes(n),
    );
    expect(transactions.map((t) => t.name).sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(Object.keys(REGISTRY_TRANSACTIONS).sort());
  });

  it('marks the evaluate-only ones and takes the argument count the table says', () => {
    for (const t of transactions) {
      const name = t.name as RegistryTransaction;
      expect([name, t.tag.includes('EVALUATE')]).toEqual([name, REGISTRY_TRANSACTIONS[name].kind === 'evaluate']);
      expect([name, t.parameters.length]).toEqual([name, argumentCount(name)]);
    }
  });
});

describe('MeterRegistryContract through fabric-shim, in process', () => {
  let cc: InProcessChaincode;
  beforeEach(async () => {
    cc = new InProcessChaincode({ orgs: ['PTBMSP', 'InmetroMSP'] });
    const init = await cc.submit(IDENTITIES.ptbAdmin, ['registry:initConfig', config]);
    expect(init).toMatchObject({ status: 200, validationCode: 'VALID' });
  });

  it('runs a registration end to end and returns canonical JSON with the transaction time', async () => {
    const signer = generateSoftwareSigner('ed25519');
    const registered = await cc.submit(IDENTITIES.ptbRegistrar, ['registerMeter', JSON.stringify(registration(signer, 'm-1'))], { at: '2026-01-01T00:00:01.123Z' });
    expect(registered.validationCode).toBe('VALID');
    const text = Buffer.from(registered.payload).toString('utf8');
    const meter = JSON.parse(text);
    expect(meter).toMatchObject({ meterId: 'm-1', status: 'pending', registeredAt: '2026-01-01T00:00:01.123Z', registeredBy: { mspId: 'PTBMSP', id: IDENTITIES.ptbRegistrar.id } });
    expect(Object.keys(meter)).toEqual([...Object.keys(meter)].sort());
    // The key-level policy arrived through the real KeyEndorsementPolicy bytes.
    expect(cc.ledger.endorsers(meterKey('m-1'))).toEqual(['PTBMSP']);
    expect(cc.ledger.endorsers(configKey())).toEqual(['InmetroMSP', 'PTBMSP']);

    const listed = json<{ items: { meterId: string }[] }>(await cc.evaluate(IDENTITIES.inmetroVerifier, ['listMeters', JSON.stringify({ by: 'status', value: 'pending' })]));
    expect(listed.items.map((m) => m.meterId)).toEqual(['m-1']);
    const missing = await cc.evaluate(IDENTITIES.inmetroVerifier, ['getMeter', 'm-2']);
    expect(missing).toMatchObject({ status: 500, message: expect.stringMatching(/^UNKNOWN_METER: /) });
  });

  it('reads the role from the certificate attribute', async () => {
    const signer = generateSoftwareSigner('ed25519');
    const refused = await cc.submit(IDENTITIES.ptbNoRole, ['registerMeter', JSON.stringify(registration(signer, 'm-1'))]);
    expect(refused).toMatchObject({ status: 500, message: expect.stringMatching(/^UNAUTHORIZED: registerMeter: needs certificate attribute meterledger.role=registrar, caller has none/) });
  });

  it('rejects evaluate-only functions sent as invokes: their sentinel write fails validation', async () => {
    const before = cc.ledger.snapshot();
    for (const args of [['getConfig'], ['registry:getMeter', 'm-1'], ['listMeters', JSON.stringify({ by: 'status', value: 'active' })], ['org.hyperledger.fabric:GetMetadata']]) {
      const endorsement = await cc.endorse(IDENTITIES.ptbRegistrar, args);
      if (endorsement.status !== 200) continue; // e.g. UNKNOWN_METER: nothing to commit either
      expect([args[0], endorsement.commit()]).toEqual([args[0], 'ENDORSEMENT_POLICY_FAILURE']);
    }
    expect(cc.ledger.snapshot()).toEqual(before);
    // Evaluating them is unaffected (the sentinel write is simulated and discarded).
    expect(json(await cc.evaluate(IDENTITIES.ptbRegistrar, ['getConfig']))).toMatchObject({ config: { version: 1 }, pending: [] });
    expect(cc.ledger.get(readOnlySentinelKey())).toBeDefined();
  });

  it('answers unknown functions with UNKNOWN_FUNCTION and the name escaped', async () => {
    const forged = 'nosuch\n2026-01-01T00:00:00.000Z info [c-api:contracts-spi/chaincodefromcontract.js] FORGED';
    for (const fn of ['nosuch', `registry:${forged}`, '', 'registry:', 'beforeTransaction', 'constructor', 'org.hyperledger.fabric:nosuch']) {
      const result = await cc.submit(IDENTITIES.ptbRegistrar, [fn, 'x']);
      expect([fn, result.status, result.message.split(':')[0]]).toEqual([fn, 500, 'UNKNOWN_FUNCTION']);
      expect(result.message).not.toMatch(/\n/);
    }
  });
});
