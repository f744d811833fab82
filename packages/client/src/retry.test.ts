import { MeterledgerError } from './errors';
import { backoffDelay, withRetry } from './retry';

const transient = () => new MeterledgerError({ code: 'UNAVAILABLE', message: 'peer down' });
const permanent = () => new MeterledgerError({ code: 'UNKNOWN_METER', message: 'no such meter' });

function failing<T>(errors: unknown[], value: T): jest.Mock<Promise<T>, [number]> {
  return jest.fn(async (_attempt: number) => {
    const err = errors.shift();
    if (err !== undefined) throw err;
    return value;
  });
}

describe('backoffDelay', () => {
  it('draws from [0, min(max, base * 2^(attempt-1)))', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, 100, 2000, top))).toEqual([99, 199, 399, 799, 1599, 1999]);
    expect(backoffDelay(3, 100, 2000, () => 0)).toBe(0);
    expect(backoffDelay(2, 100, 2000, () => 0.5)).toBe(100);
  });
});

describe('withRetry', () => {
  const sleep = jest.fn(async (_ms: number) => undefined);

  beforeEach(() => sleep.mockClear());

  it('returns the first success without sleeping', async () => {
    const fn = failing([], 'ok');
    await expect(withRetry(fn, { sleep })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('retries transient errors with full-jitter exponential backoff', async () => {
    const fn = failing([transient(), transient(), transient()], 42);
    const onRetry = jest.fn();
    await expect(withRetry(fn, { sleep, random: () => 0.5, onRetry })).resolves.toBe(42);
    expect(fn.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3, 4]);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([50, 100, 200]);
    expect(onRetry.mock.calls.map(([err, attempt, ms]) => [err.code, attempt, ms])).toEqual([
      ['UNAVAILABLE', 1, 50],
      ['UNAVAILABLE', 2, 100],
      ['UNAVAILABLE', 3, 200],
    ]);
  });

  it('caps the delay at maxDelayMs', async () => {
    const fn = failing([transient(), transient(), transient()], 'x');
    await withRetry(fn, { sleep, random: () => 0.999, baseDelayMs: 1000, maxDelayMs: 1500 });
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([999, 1498, 1498]);
  });

  it('rethrows a non-retryable error at once', async () => {
    const err = permanent();
    const fn = failing([err], 'never');
    await expect(withRetry(fn, { sleep })).rejects.toBe(err);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('rethrows the last error when attempts run out', async () => {
    const errors = [transient(), transient(), transient()];
    const last = errors[2];
    const fn = failing(errors, 'never');
    await expect(withRetry(fn, { sleep, attempts: 3 })).rejects.toBe(last);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it('uses a custom retry predicate', async () => {
    const fn = failing([permanent()], 'ok');
    await expect(withRetry(fn, { sleep, isRetryable: () => true })).resolves.toBe('ok');
  });

  it('really waits by default', async () => {
    jest.useFakeTimers();
    try {
      const fn = failing([transient()], 'done');
      const promise = withRetry(fn, { random: () => 0.5 });
      await jest.advanceTimersByTimeAsync(49);
      expect(fn).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      await expect(promise).resolves.toBe('done');
      expect(fn).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('validates its options', async () => {
    await expect(withRetry(async () => 1, { attempts: 0 })).rejects.toThrow(RangeError);
    await expect(withRetry(async () => 1, { baseDelayMs: -1 })).rejects.toThrow(RangeError);
  });
});
