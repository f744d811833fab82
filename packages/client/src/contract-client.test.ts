import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { ContractClient, encodeArguments } from './contract-client';
import { isTransient, MeterledgerError } from './errors';
import { FakeContract } from './testing/fake-contract';
import { commitStatusError, endorseError, gatewayError, submitError } from './testing/gateway-errors';

async function caught(promise: Promise<unknown>): Promise<MeterledgerError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MeterledgerError);
    return err as MeterledgerError;
  }
  throw new Error('expected a rejection');
}

describe('encodeArguments', () => {
  it('sends strings and bytes as they are and objects as JSON', () => {
    const bytes = new Uint8Array([1, 2]);
    expect(encodeArguments('fn', ['m-1', { a: 1, b: [true] }, bytes])).toEqual(['m-1', '{"a":1,"b":[true]}', bytes]);
  });

  it('rejects null, undefined and other primitives client-side', () => {
    expect(() => encodeArguments('fn', [null as unknown as object])).toThrow(/argument 0 must be a string, bytes or an object, not null/);
    expect(() => encodeArguments('fn', ['ok', 5 as unknown as object])).toThrow(/argument 1 .* not number/);
  });
});

describe('ContractClient', () => {
  let fake: FakeContract;
  let client: ContractClient;

  beforeEach(() => {
    fake = new FakeContract();
    client = new ContractClient(fake);
  });

  it('evaluates with JSON arguments and decodes the JSON result', async () => {
    fake.on('getMeter', ([id]) => ({ meterId: id, status: 'active' }));
    await expect(client.evaluate('getMeter', 'm-1')).resolves.toEqual({ meterId: 'm-1', status: 'active' });
    expect(fake.calls).toEqual([{ fn: 'getMeter', args: ['m-1'], transactionId: 'tx-1', stage: 'evaluate' }]);
  });

  it('submits, waits for the commit and returns result, transaction id and block', async () => {
    fake.blockNumber = 12n;
    fake.on('configure', ([json]) => ({ ...JSON.parse(json), updatedAt: 't' }));
    const out = await client.submitWithTxId('configure', { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'] });
    expect(out).toEqual({
      result: { approvalThreshold: 2, authorityMspIds: ['PTBMSP', 'InmetroMSP'], updatedAt: 't' },
      transactionId: 'tx-1',
      blockNumber: 12n,
      resolvedBy: 'commit-status',
    });
    expect(fake.calls[0]).toMatchObject({ fn: 'configure', args: ['{"approvalThreshold":2,"authorityMspIds":["PTBMSP","InmetroMSP"]}'], stage: 'submit' });
  });

  it('refuses, before any proposal, to submit a query of the registry contract', async () => {
    await expect(client.submit('getMeter', 'm-1')).rejects.toMatchObject({ code: 'EVALUATE_ONLY' });
    expect(fake.calls).toEqual([]);
  });

  it('raises MALFORMED_RESPONSE with the transaction id for a result that is not JSON', async () => {
    fake.on('getMeter', () => 'plain text');
    await expect(client.evaluate('getMeter', 'm-1')).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE', transactionId: 'tx-1' });
  });

  it('submit returns just the result; an empty result is undefined', async () => {
    fake.on('noop', () => undefined);
    await expect(client.submit('noop')).resolves.toBeUndefined();
  });

  it('maps a chaincode error at endorsement with the proposal transaction id', async () => {
    fake.on('registerMeter', (_args, call) => {
      throw endorseError(call.transactionId, GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
        { address: 'peer0.ptb.meterledger.local:7051', mspId: 'PTBMSP', message: 'chaincode response 500, DUPLICATE_METER: meter m-1 is already registered' },
      ]);
    });
    const err = await caught(client.submit('registerMeter', { meterId: 'm-1' }));
    expect(err).toMatchObject({ code: 'DUPLICATE_METER', transactionId: 'tx-1' });
  });

  it('maps an evaluate failure and attaches the transaction id the error lacks', async () => {
    fake.on('getMeter', () => {
      throw gatewayError(GrpcStatus.UNKNOWN, 'evaluate call to endorser returned error: chaincode response 500, UNKNOWN_METER: meter m-9 is not registered');
    });
    const err = await caught(client.evaluate('getMeter', 'm-9'));
    expect(err).toMatchObject({ code: 'UNKNOWN_METER', message: 'UNKNOWN_METER: meter m-9 is not registered', transactionId: 'tx-1' });
  });

  it('maps a submit refused before ordering to SUBMIT_FAILED', async () => {
    fake.on('revokeMeter', () => ({})).failNextSubmit(submitError('tx-1', GrpcStatus.ABORTED, 'received unsuccessful response from orderer: status=BAD_REQUEST'));
    expect(await caught(client.submit('revokeMeter', {}))).toMatchObject({ code: 'SUBMIT_FAILED', transactionId: 'tx-1' });
  });

  it('without a way to resolve it, a submit cut off mid-call is COMMIT_STATUS_UNAVAILABLE (never the retryable UNAVAILABLE)', async () => {
    fake.on('revokeMeter', () => ({})).failNextSubmit(submitError('tx-1', GrpcStatus.UNAVAILABLE, 'orderer unreachable'));
    const err = await caught(client.submit('revokeMeter', {}));
    expect(err).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE', transactionId: 'tx-1' });
    expect(isTransient(err)).toBe(false);
  });

  it('maps a commit status failure', async () => {
    fake.on('revokeMeter', () => ({})).failNextCommitStatus(commitStatusError('tx-1', GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    expect(await caught(client.submit('revokeMeter', {}))).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE', transactionId: 'tx-1' });
  });

  it('throws TRANSACTION_INVALID with the validation code name when the commit is invalid', async () => {
    fake.on('approveMeter', () => ({})).nextCommitCode(StatusCode.MVCC_READ_CONFLICT);
    const err = await caught(client.submitWithTxId('approveMeter', {}));
    expect(err).toMatchObject({ code: 'TRANSACTION_INVALID', validationCode: 'MVCC_READ_CONFLICT', transactionId: 'tx-1' });
    expect(err.message).toContain('MVCC_READ_CONFLICT');
  });

  it('maps an unknown function (uncoded chaincode failure)', async () => {
    const err = await caught(client.evaluate('nope'));
    expect(err.code).toBe('UNKNOWN');
    expect(err.message).toContain('does not exist: nope');
  });

  it('maps a failure to build the proposal', async () => {
    const broken = new ContractClient({
      newProposal: () => {
        throw new Error('gateway closed');
      },
    });
    expect(await caught(broken.evaluate('getConfig'))).toMatchObject({ code: 'UNKNOWN', message: 'gateway closed' });
  });
});
