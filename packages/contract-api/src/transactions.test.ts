import { REQUEST_SCHEMAS } from './requests';
import { REGISTRY_TRANSACTIONS, argumentCount, isEvaluateOnly } from './transactions';

describe('REGISTRY_TRANSACTIONS', () => {
  it('names a request schema for every transaction with an argument', () => {
    for (const [name, spec] of Object.entries(REGISTRY_TRANSACTIONS)) {
      expect([name, spec.argument === 'none']).toEqual([name, !('request' in spec)]);
      if ('request' in spec) expect(REQUEST_SCHEMAS).toHaveProperty(spec.request);
    }
    expect(argumentCount('getConfig')).toBe(0);
    expect(argumentCount('getMeter')).toBe(1);
  });

  it('knows which functions are evaluate-only, qualified or not', () => {
    expect(isEvaluateOnly('getMeter')).toBe(true);
    expect(isEvaluateOnly('registry:verify')).toBe(true);
    expect(isEvaluateOnly(':listMeters')).toBe(true);
    expect(isEvaluateOnly('verifyAndRecord')).toBe(false);
    expect(isEvaluateOnly('registry:registerMeter')).toBe(false);
    expect(isEvaluateOnly('other:getMeter')).toBe(false);
    expect(isEvaluateOnly('getMeter', 'other')).toBe(false);
    expect(isEvaluateOnly('toString')).toBe(false);
  });
});
