import { MeterledgerError } from '@meterledger/client';
import { UsageError } from './exit-codes';
import { humanError, jsonLine, prettyJson, toJsonError } from './output';

describe('output', () => {
  it('--json prints canonical key order, indented, with one trailing newline', () => {
    expect(prettyJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      1,\n      "x"\n    ]\n  },\n  "b": 1\n}\n');
    expect(jsonLine({ b: 1, a: 2 })).toBe('{"a":2,"b":1}\n');
  });

  it('errors as {code, message, transactionId}, the message without its code prefix', () => {
    const err = new MeterledgerError({ code: 'UNKNOWN_METER', message: 'UNKNOWN_METER: meter m-1 is not registered', transactionId: 'tx1', details: ['peer0 (PTBMSP): chaincode response 500'] });
    expect(toJsonError(err)).toEqual({ code: 'UNKNOWN_METER', message: 'meter m-1 is not registered', transactionId: 'tx1', details: ['peer0 (PTBMSP): chaincode response 500'] });
    expect(humanError(err)).toBe('meterledger: UNKNOWN_METER: meter m-1 is not registered\n  transaction: tx1\n  peer0 (PTBMSP): chaincode response 500\n');
    expect(toJsonError(new MeterledgerError({ code: 'TRANSACTION_INVALID', message: 'invalid', validationCode: 'MVCC_READ_CONFLICT' }))).toEqual({
      code: 'TRANSACTION_INVALID',
      message: 'invalid',
      transactionId: null,
      validationCode: 'MVCC_READ_CONFLICT',
    });
    expect(toJsonError(new UsageError('give --org'))).toEqual({ code: 'INVALID_ARGUMENT', message: 'give --org', transactionId: null });
    expect(toJsonError(new TypeError('boom'))).toEqual({ code: 'UNKNOWN', message: 'boom', transactionId: null });
  });
});
