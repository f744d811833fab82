import { isTransient } from './errors';

export interface RetryOptions {
  /** Total attempts including the first; default 5. */
  attempts?: number;
  /** Backoff before the first retry is drawn from [0, baseDelayMs); default 100. */
  baseDelayMs?: number;
  /** Upper bound of any backoff; default 2000. */
  maxDelayMs?: number;
  /** Whether an error is worth another attempt; default {@link isTransient}. */
  isRetryable?: (err: unknown) => boolean;
  /** Called before sleeping for a retry; `attempt` is the attempt that just failed (1-based). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Source of randomness in [0, 1); default Math.random. */
  random?: () => number;
  /** How to wait; default a setTimeout promise. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full-jitter exponential backoff: uniform in [0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))). */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * Run `fn` until it succeeds, it throws a non-retryable error or the attempts are used up; the last error
 * is rethrown. `fn` must build a fresh transaction each time (a new proposal gets a new transaction id).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const isRetryable = options.isRetryable ?? isTransient;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be an integer >= 1, got ${attempts}`);
  if (!(baseDelayMs >= 0) || !(maxDelayMs >= 0)) throw new RangeError('delays must be >= 0');

  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      const delayMs = backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      options.onRetry?.(err, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
