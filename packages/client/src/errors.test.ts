import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { MeterledgerError, isTransient, parseChaincodeMessage, toMeterledgerError } from './errors';
import { commitStatusError, endorseError, gatewayError, serviceError, submitError } from './testing/gateway-errors';

const PTB_PEER = { address: 'peer0.ptb.meterledger.local:7051', mspId: 'PTBMSP' };
const INMETRO_PEER = { address: 'peer0.inmetro.meterledger.local:9051', mspId: 'InmetroMSP' };

describe('parseChaincodeMessage', () => {
  it('passes through an unknown code that follows "chaincode response"', () => {
    expect(parseChaincodeMessage('chaincode response 500, QUOTA_EXCEEDED: too many meters')?.code).toBe('QUOTA_EXCEEDED');
  });

  it('takes the first code after "chaincode response"', () => {
    expect(parseChaincodeMessage('chaincode response 500, UNKNOWN_METER: meter m-1 is not registered')).toEqual({
      code: 'UNKNOWN_METER',
      message: 'UNKNOWN_METER: meter m-1 is not registered',
    });
  });

  it('ignores gRPC status names before "chaincode response"', () => {
    expect(
      parseChaincodeMessage('2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, NOT_CONFIGURED: registry is not configured'),
    ).toEqual({ code: 'NOT_CONFIGURED', message: 'NOT_CONFIGURED: registry is not configured' });
  });

  it('skips an Error-style prefix such as "ChaincodeError: "', () => {
    expect(parseChaincodeMessage('chaincode response 500, ChaincodeError: NONCE_REUSED: nonce abc was used')?.code).toBe('NONCE_REUSED');
  });

  it('finds nothing in an uncoded chaincode message', () => {
    expect(parseChaincodeMessage("chaincode response 500, You've asked to invoke a function that does not exist: nonexistent")).toBeUndefined();
  });

  it('accepts a bare message only when it starts with a known chaincode code', () => {
    expect(parseChaincodeMessage('UNAUTHORIZED: caller InmetroMSP is not an authority')?.code).toBe('UNAUTHORIZED');
    expect(parseChaincodeMessage('SERVICE_UNAVAILABLE: orderer is not ready')).toBeUndefined();
    expect(parseChaincodeMessage('14 UNAVAILABLE: No connection established')).toBeUndefined();
    expect(parseChaincodeMessage('chaincode stream terminated')).toBeUndefined();
  });

  it('requires at least three characters in a code', () => {
    expect(parseChaincodeMessage('chaincode response 500, OK: fine')).toBeUndefined();
  });
});

describe('toMeterledgerError', () => {
  it('maps an EndorseError carrying a chaincode code', () => {
    const cause = endorseError('tx-42', GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', [
      { ...PTB_PEER, message: 'chaincode response 500, UNKNOWN_METER: meter m-1 is not registered' },
    ]);
    expect(cause).toBeInstanceOf(EndorseError);
    expect(cause.details).toHaveLength(1); // decoded from grpc-status-details-bin by fabric-gateway

    const err = toMeterledgerError(cause);
    expect(err).toBeInstanceOf(MeterledgerError);
    expect(err).toMatchObject({
      code: 'UNKNOWN_METER',
      message: 'UNKNOWN_METER: meter m-1 is not registered',
      transactionId: 'tx-42',
      grpcCode: GrpcStatus.ABORTED,
      details: ['peer0.ptb.meterledger.local:7051 (PTBMSP): chaincode response 500, UNKNOWN_METER: meter m-1 is not registered'],
    });
    expect(err.cause).toBe(cause);
  });

  it('maps an endorsement failing at a second org (message passed through verbatim)', () => {
    const cause = endorseError(
      'tx-7',
      GrpcStatus.ABORTED,
      'failed to collect enough transaction endorsements, see attached details for more info',
      [{ ...INMETRO_PEER, message: 'BAD_PROOF_OF_POSSESSION: meter m-1: the signature does not verify' }],
    );
    expect(toMeterledgerError(cause)).toMatchObject({ code: 'BAD_PROOF_OF_POSSESSION', transactionId: 'tx-7' });
  });

  it('falls back to ENDORSEMENT_FAILED without a chaincode code and keeps every peer detail', () => {
    const cause = endorseError('tx-8', GrpcStatus.ABORTED, 'failed to collect enough transaction endorsements', [
      { ...PTB_PEER, message: 'ProposalResponsePayloads do not match' },
      { ...INMETRO_PEER, message: 'ProposalResponsePayloads do not match' },
    ]);
    const err = toMeterledgerError(cause);
    expect(err.code).toBe('ENDORSEMENT_FAILED');
    expect(err.details).toEqual([
      'peer0.ptb.meterledger.local:7051 (PTBMSP): ProposalResponsePayloads do not match',
      'peer0.inmetro.meterledger.local:9051 (InmetroMSP): ProposalResponsePayloads do not match',
    ]);
    expect(err.message).toContain('failed to collect enough transaction endorsements');
    expect(err.message).toContain('ProposalResponsePayloads do not match');
  });

  it('maps an evaluate GatewayError whose code is only in the status message', () => {
    const cause = gatewayError(
      GrpcStatus.UNKNOWN,
      'evaluate call to endorser returned error: chaincode response 500, MALFORMED_KEY: publicKey is neither PEM nor hex',
    );
    expect(cause.details).toEqual([]);
    expect(toMeterledgerError(cause, 'tx-eval')).toMatchObject({
      code: 'MALFORMED_KEY',
      message: 'MALFORMED_KEY: publicKey is neither PEM nor hex',
      transactionId: 'tx-eval',
      details: [],
    });
  });

  it('maps a SubmitError to SUBMIT_FAILED', () => {
    const cause = submitError('tx-9', GrpcStatus.ABORTED, 'received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE', [
      { address: 'orderer.meterledger.local:7050', mspId: 'OrdererMSP', message: 'SERVICE_UNAVAILABLE: no Raft leader' },
    ]);
    expect(cause).toBeInstanceOf(GatewayError);
    expect(toMeterledgerError(cause)).toMatchObject({ code: 'SUBMIT_FAILED', transactionId: 'tx-9' });
  });

  it.each([
    ['UNAVAILABLE', GrpcStatus.UNAVAILABLE],
    ['DEADLINE_EXCEEDED', GrpcStatus.DEADLINE_EXCEEDED],
    ['CANCELLED', GrpcStatus.CANCELLED],
    ['UNKNOWN', GrpcStatus.UNKNOWN],
  ])('maps a SubmitError with %s (may have reached the orderer) to COMMIT_STATUS_UNAVAILABLE', (_name, code) => {
    const err = toMeterledgerError(submitError('tx-9b', code, 'no orderers could successfully process transaction'));
    expect(err).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE', transactionId: 'tx-9b', grpcCode: code });
    expect(err.message).toContain('may have reached the orderer');
  });

  it('maps a CommitStatusError to COMMIT_STATUS_UNAVAILABLE even on a deadline', () => {
    const cause = commitStatusError('tx-10', GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded');
    const err = toMeterledgerError(cause);
    expect(err).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE', transactionId: 'tx-10', grpcCode: GrpcStatus.DEADLINE_EXCEEDED });
    expect(err.message).toContain('may or may not have committed');
  });

  it.each([
    ['UNAVAILABLE', GrpcStatus.UNAVAILABLE],
    ['DEADLINE_EXCEEDED', GrpcStatus.DEADLINE_EXCEEDED],
  ])('maps gRPC %s at endorsement to UNAVAILABLE', (_name, code) => {
    const err = toMeterledgerError(endorseError('tx-11', code, 'No connection established'));
    expect(err).toMatchObject({ code: 'UNAVAILABLE', transactionId: 'tx-11', grpcCode: code });
  });

  it('maps a CommitError to TRANSACTION_INVALID with the validation code name', () => {
    const cause = new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 'tx-12', message: 'failed to commit' });
    expect(toMeterledgerError(cause)).toMatchObject({
      code: 'TRANSACTION_INVALID',
      validationCode: 'MVCC_READ_CONFLICT',
      transactionId: 'tx-12',
      cause,
    });
  });

  it('maps a raw gRPC ServiceError', () => {
    expect(toMeterledgerError(serviceError(GrpcStatus.UNAVAILABLE, 'No connection established'), 'tx-13')).toMatchObject({
      code: 'UNAVAILABLE',
      transactionId: 'tx-13',
    });
    expect(toMeterledgerError(serviceError(GrpcStatus.PERMISSION_DENIED, 'access denied')).code).toBe('UNKNOWN');
  });

  it('maps a plain Error, still recognising a chaincode code', () => {
    expect(toMeterledgerError(new Error('boom'))).toMatchObject({ code: 'UNKNOWN', message: 'boom' });
    expect(toMeterledgerError(new Error('chaincode response 500, DUPLICATE_METER: m-1 exists')).code).toBe('DUPLICATE_METER');
    expect(toMeterledgerError('just a string').message).toBe('just a string');
  });

  it('returns a MeterledgerError as is, adding a missing transaction id', () => {
    const original = new MeterledgerError({ code: 'UNKNOWN_METER', message: 'x' });
    expect(toMeterledgerError(original)).toBe(original);
    const withTx = toMeterledgerError(original, 'tx-14');
    expect(withTx).toMatchObject({ code: 'UNKNOWN_METER', message: 'x', transactionId: 'tx-14' });
    expect(toMeterledgerError(withTx, 'tx-other').transactionId).toBe('tx-14');
  });

  it('is a proper Error subclass', () => {
    const err = new MeterledgerError({ code: 'UNKNOWN', message: 'm', cause: 'c' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('MeterledgerError');
    expect(err.cause).toBe('c');
    expect(err.details).toEqual([]);
    expect(err.stack).toContain('MeterledgerError');
  });
});

describe('isTransient', () => {
  it.each([
    ['MVCC read conflict', new CommitError({ code: StatusCode.MVCC_READ_CONFLICT, transactionId: 't', message: 'm' }), true],
    ['phantom read conflict', new CommitError({ code: StatusCode.PHANTOM_READ_CONFLICT, transactionId: 't', message: 'm' }), true],
    ['endorsement policy failure', new CommitError({ code: StatusCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 't', message: 'm' }), false],
    ['unavailable peer', endorseError('t', GrpcStatus.UNAVAILABLE, 'No connection established'), true],
    // The envelope may have reached the orderer: a new transaction could double the effect.
    ['deadline at submit', submitError('t', GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'), false],
    ['orderer refused at submit', submitError('t', GrpcStatus.ABORTED, 'received unsuccessful response from orderer'), false],
    ['deadline waiting for commit status', commitStatusError('t', GrpcStatus.DEADLINE_EXCEEDED, 'Deadline exceeded'), false],
    ['chaincode error', endorseError('t', GrpcStatus.ABORTED, 'failed', [{ ...PTB_PEER, message: 'chaincode response 500, DUPLICATE_METER: m-1' }]), false],
    ['already mapped', new MeterledgerError({ code: 'UNAVAILABLE', message: 'm' }), true],
    ['plain error', new Error('boom'), false],
  ])('%s', (_name, err, expected) => {
    expect(isTransient(err)).toBe(expected);
  });
});
