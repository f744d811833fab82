import { IDENTITIES } from '../testing/identities';
import { InProcessChaincode } from '../testing/in-process-chaincode';
import { installInvocationGuard } from './invocation-guard';

const config = JSON.stringify({ approvalThreshold: 1, authorityMspIds: ['PTBMSP'] });

describe('invocation guard (fabric-shim ChaincodeFromContract)', () => {
  let cc: InProcessChaincode;
  beforeEach(() => {
    cc = new InProcessChaincode();
  });

  it('rejects an empty argument list instead of committing a valid no-op', async () => {
    const result = await cc.submit(IDENTITIES.ptbRegistrar, []);
    expect(result).toMatchObject({ status: 500, message: 'UNKNOWN_FUNCTION: the transaction names no function (empty argument list)', validationCode: undefined });
  });

  it('rejects an unknown contract name with the name escaped', async () => {
    const result = await cc.submit(IDENTITIES.ptbRegistrar, ['evil\ncontract:getMeter', 'm-1']);
    expect(result.status).toBe(500);
    expect(result.message).toBe('UNKNOWN_FUNCTION: there is no contract "evil\\ncontract" (in "evil\\ncontract:getMeter")');
  });

  it.each([
    [['initConfig'], 'BAD_ARGUMENT_COUNT: "initConfig" takes 1 argument, got 0'],
    [['registry:initConfig', config, 'extra'], 'BAD_ARGUMENT_COUNT: "registry:initConfig" takes 1 argument, got 2'],
    [['getConfig', 'x'], 'BAD_ARGUMENT_COUNT: "getConfig" takes 0 arguments, got 1'],
    [['getMeter'], 'BAD_ARGUMENT_COUNT: "getMeter" takes 1 argument, got 0'],
  ])('answers %j with %s before the shim does', async (args, message) => {
    const result = await cc.submit(IDENTITIES.ptbAdmin, args);
    expect(result).toMatchObject({ status: 500, message });
  });

  it('lets well-formed invocations through', async () => {
    expect(await cc.submit(IDENTITIES.ptbAdmin, ['registry:initConfig', config])).toMatchObject({ status: 200, validationCode: 'VALID' });
    expect(await cc.evaluate(IDENTITIES.ptbAdmin, [':getConfig'])).toMatchObject({ status: 200 });
  });

  it('refuses to install on a class without the method it wraps, and installs once', () => {
    expect(() => installInvocationGuard(class {})).toThrow(/invokeFunctionality not found/);
    const target = class {
      async invokeFunctionality() {
        return { status: 200 };
      }
    };
    installInvocationGuard(target);
    const once = target.prototype.invokeFunctionality;
    installInvocationGuard(target);
    expect(target.prototype.invokeFunctionality).toBe(once);
  });
});
