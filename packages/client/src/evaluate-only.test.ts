import { assertSubmittable } from './evaluate-only';
import { MeterledgerError } from './errors';

describe('assertSubmittable', () => {
  it('refuses the registry queries with EVALUATE_ONLY', () => {
    for (const fn of ['getConfig', 'getMeter', 'getKeyHistory', 'listMeters', 'verify', 'listVerifications', 'registry:verify']) {
      let err: unknown;
      try {
        assertSubmittable(fn);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MeterledgerError);
      expect(err).toMatchObject({ code: 'EVALUATE_ONLY', message: expect.stringMatching(/^EVALUATE_ONLY: /) });
    }
  });

  it('lets submits, unknown names and other contracts through (the chaincode answers those)', () => {
    for (const fn of ['registerMeter', 'verifyAndRecord', 'initConfig', 'nosuch']) expect(() => assertSubmittable(fn)).not.toThrow();
    expect(() => assertSubmittable('getMeter', 'other')).not.toThrow();
  });
});
