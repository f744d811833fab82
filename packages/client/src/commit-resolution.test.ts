import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { DEFAULT_RESOLUTION, isAmbiguousGatewaySubmitError, resolveCommit, type ResubmitOutcome } from './commit-resolution';
import { MeterledgerError } from './errors';
import type { FoundTransaction, LookupAnswer } from './ledger';
import { commitStatusError, endorseError, submitError } from './testing/gateway-errors';

const TX = 'tx-amb';
const cause = new MeterledgerError({ code: 'COMMIT_STATUS_UNAVAILABLE', message: 'commit status unavailable', transactionId: TX, grpcCode: 4 });

function found(validationCode: number = StatusCode.VALID, result = '"from ledger"', blockNumber = 9n): LookupAnswer {
  const transaction: FoundTransaction = {
    transactionId: TX,
    channel: 'nmichannel',
    validationCode,
    validationCodeName: String(validationCode),
    valid: validationCode === StatusCode.VALID,
    result: new Uint8Array(Buffer.from(result)),
    chaincodeStatus: 200,
    blockNumber,
    foundAt: 'peer0',
  };
  return { status: 'found', transaction };
}
const notFound: LookupAnswer = { status: 'not-found', answeredBy: 'peer0' };

/** A fake clock: sleep advances it. */
function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

function scripted<T>(answers: (T | Error)[], last: T | Error): jest.Mock<Promise<T>, []> {
  return jest.fn(async () => {
    const next = answers.length > 0 ? answers.shift() : last;
    if (next instanceof Error) throw next;
    return next as T;
  });
}

const outcome = (code: number, extra: Partial<ResubmitOutcome> = {}): ResubmitOutcome => ({
  code,
  blockNumber: 12n,
  result: new Uint8Array(Buffer.from('"resubmitted"')),
  sameEnvelope: true,
  ...extra,
});

describe('isAmbiguousGatewaySubmitError', () => {
  it('is true for commit status failures and submits cut off mid-call, false when the envelope was refused or never sent', () => {
    expect(isAmbiguousGatewaySubmitError(commitStatusError('t', GrpcStatus.DEADLINE_EXCEEDED, 'deadline'))).toBe(true);
    expect(isAmbiguousGatewaySubmitError(commitStatusError('t', GrpcStatus.UNAVAILABLE, 'gone'))).toBe(true);
    for (const code of [GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.CANCELLED, GrpcStatus.UNKNOWN, GrpcStatus.INTERNAL]) {
      expect(isAmbiguousGatewaySubmitError(submitError('t', code, 'x'))).toBe(true);
    }
    for (const code of [GrpcStatus.ABORTED, GrpcStatus.INVALID_ARGUMENT, GrpcStatus.FAILED_PRECONDITION, GrpcStatus.PERMISSION_DENIED]) {
      expect(isAmbiguousGatewaySubmitError(submitError('t', code, 'x'))).toBe(false);
    }
    expect(isAmbiguousGatewaySubmitError(endorseError('t', GrpcStatus.UNAVAILABLE, 'x'))).toBe(false);
    expect(isAmbiguousGatewaySubmitError(new Error('x'))).toBe(false);
  });
});

describe('resolveCommit', () => {
  it('returns the committed result when the transaction is on the ledger, without resubmitting', async () => {
    const c = clock();
    const lookup = scripted<LookupAnswer>([], found());
    const resubmit = scripted<ResubmitOutcome>([], new Error('must not resubmit'));
    const resolved = await resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: c });
    expect(resolved).toMatchObject({ blockNumber: 9n, resolvedBy: 'ledger' });
    expect(Buffer.from(resolved.result).toString()).toBe('"from ledger"');
    expect(resubmit).not.toHaveBeenCalled();
    expect(resolved.steps[0]).toContain('commit status unavailable');
  });

  it('polls with exponential backoff inside the window until the transaction shows up', async () => {
    const c = clock();
    const lookup = scripted<LookupAnswer>([notFound, { status: 'unreachable', errors: ['peer0: down'] }, notFound], found());
    const resubmit = jest.fn();
    const resolved = await resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: c });
    expect(resolved.resolvedBy).toBe('ledger');
    expect(lookup).toHaveBeenCalledTimes(4);
    expect(c.sleeps).toEqual([250, 500, 1000]);
    expect(resubmit).not.toHaveBeenCalled();
  });

  it('throws TRANSACTION_INVALID with the validation code when it committed invalid', async () => {
    const lookup = scripted<LookupAnswer>([], found(StatusCode.MVCC_READ_CONFLICT));
    const err = await resolveCommit({ transactionId: TX, cause, lookup, resubmit: jest.fn(), options: clock() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeterledgerError);
    expect(err).toMatchObject({ code: 'TRANSACTION_INVALID', validationCode: 'MVCC_READ_CONFLICT', transactionId: TX, cause });
  });

  it('resubmits the same transaction once the window passes without finding it, and returns its result', async () => {
    const c = clock();
    const lookup = scripted<LookupAnswer>([], notFound);
    const resubmit = scripted<ResubmitOutcome>([], outcome(StatusCode.VALID));
    const resolved = await resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: c });
    expect(resolved).toMatchObject({ blockNumber: 12n, resolvedBy: 'resubmission' });
    expect(Buffer.from(resolved.result).toString()).toBe('"resubmitted"');
    expect(resubmit).toHaveBeenCalledTimes(1);
    // 250 + 500 + 1000 + 2000 = 3750 ms of pauses; another 2000 would pass the 5000 ms window.
    expect(c.sleeps).toEqual([250, 500, 1000, 2000]);
    expect(lookup).toHaveBeenCalledTimes(5);
  });

  it('after DUPLICATE_TXID on the resubmission, finds the first envelope on the ledger', async () => {
    const lookup = scripted<LookupAnswer>([notFound], found(StatusCode.VALID, '"first envelope"', 8n));
    const resubmit = scripted<ResubmitOutcome>([], outcome(StatusCode.DUPLICATE_TXID));
    const resolved = await resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: { ...clock(), lookupWindowMs: 0 } });
    expect(resolved).toMatchObject({ blockNumber: 8n, resolvedBy: 'ledger' });
    expect(Buffer.from(resolved.result).toString()).toBe('"first envelope"');
  });

  it('a resubmission that commits invalid (and is not a duplicate) is final', async () => {
    const lookup = scripted<LookupAnswer>([], notFound);
    const resubmit = scripted<ResubmitOutcome>([], outcome(StatusCode.PHANTOM_READ_CONFLICT));
    await expect(resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: { ...clock(), lookupWindowMs: 0 } })).rejects.toMatchObject({
      code: 'TRANSACTION_INVALID',
      validationCode: 'PHANTOM_READ_CONFLICT',
    });
  });

  it('keeps looking after a failed resubmission and gives up with COMMIT_STATUS_UNAVAILABLE, never a failure', async () => {
    const c = clock();
    const lookup = scripted<LookupAnswer>([], { status: 'unreachable', errors: ['peer0: down'] });
    const resubmit = scripted<ResubmitOutcome>([], new Error('14 UNAVAILABLE: no orderers'));
    const err = (await resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: { ...c, lookupWindowMs: 1000, resubmits: 2 } }).catch(
      (e: unknown) => e,
    )) as MeterledgerError;
    expect(err).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE', transactionId: TX, cause, grpcCode: 4 });
    expect(err.message).toContain('never twice');
    expect(resubmit).toHaveBeenCalledTimes(2);
    expect(err.details.filter((d) => d.startsWith('resubmission'))).toEqual([
      'resubmission 1 failed: 14 UNAVAILABLE: no orderers',
      'resubmission 2 failed: 14 UNAVAILABLE: no orderers',
    ]);
    expect(lookup.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  it('with resubmits 0 only looks up', async () => {
    const resubmit = jest.fn();
    const err = await resolveCommit({ transactionId: TX, cause, lookup: scripted<LookupAnswer>([], notFound), resubmit, options: { ...clock(), resubmits: 0 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE' });
    expect(resubmit).not.toHaveBeenCalled();
  });

  it('a lookup that throws counts as no answer', async () => {
    const lookup = scripted<LookupAnswer>([new Error('boom')], found());
    await expect(resolveCommit({ transactionId: TX, cause, lookup, resubmit: jest.fn(), options: clock() })).resolves.toMatchObject({ resolvedBy: 'ledger' });
  });

  it('ignores a DUPLICATE_TXID entry on the ledger and keeps looking for the first one', async () => {
    const lookup = scripted<LookupAnswer>([found(StatusCode.DUPLICATE_TXID)], found(StatusCode.VALID, '"ok"', 3n));
    await expect(resolveCommit({ transactionId: TX, cause, lookup, resubmit: jest.fn(), options: clock() })).resolves.toMatchObject({ blockNumber: 3n });
  });

  it('when the transaction was endorsed again (not the same envelope), reads the committed result from the ledger', async () => {
    const lookup = scripted<LookupAnswer>([notFound], found(StatusCode.VALID, '"what committed"', 12n));
    const resubmit = scripted<ResubmitOutcome>([], outcome(StatusCode.VALID, { sameEnvelope: false }));
    const resolved = await resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: { ...clock(), lookupWindowMs: 0 } });
    expect(Buffer.from(resolved.result).toString()).toBe('"what committed"');
    expect(resolved.resolvedBy).toBe('ledger');
  });

  it('falls back to the re-endorsed result when the ledger cannot be read after it committed', async () => {
    const lookup = scripted<LookupAnswer>([], notFound);
    const resubmit = scripted<ResubmitOutcome>([], outcome(StatusCode.VALID, { sameEnvelope: false }));
    const resolved = await resolveCommit({ transactionId: TX, cause, lookup, resubmit, options: { ...clock(), lookupWindowMs: 0 } });
    expect(resolved).toMatchObject({ resolvedBy: 'resubmission', blockNumber: 12n });
    expect(resolved.steps.at(-1)).toContain('using the resubmission result');
  });

  it('has documented defaults', () => {
    expect(DEFAULT_RESOLUTION).toEqual({ lookupWindowMs: 5000, pollDelayMs: 250, maxPollDelayMs: 2000, resubmits: 2 });
  });
});
