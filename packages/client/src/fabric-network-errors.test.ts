import { status as GrpcStatus } from '@grpc/grpc-js';
import { isTransient, MeterledgerError } from './errors';
import { chaincodeCodeOf, fromFabricNetworkError } from './fabric-network-errors';

/**
 * The shapes below are what fabric-network 2.2.20 / fabric-common 2.2.20 throw (see Transaction.submit,
 * SingleQueryHandler, Proposal.send, DiscoveryHandler and Endorser.sendProposal).
 */
const connection = (name: string) => ({ type: 'Endorser', name, url: `grpcs://localhost:7051`, options: {} });
const proposalResponse = (peer: string, status: number, message: string) => ({
  response: { status, message, payload: Buffer.alloc(0) },
  connection: connection(peer),
  peer,
});
const grpcError = (peer: string, code: number, message: string) =>
  Object.assign(new Error(`${code} ${GrpcStatus[code]}: ${message}`), { code, details: message, metadata: {}, connection: connection(peer), peer });

/** Transaction.submit's endorsement failure with targets (no discovery). */
function noValidResponses(responses: object[], errors: Error[] = []): Error {
  const lines = [
    ...errors.map((e) => `peer=${(e as unknown as { peer: string }).peer}, status=grpc, message=${e.message}`),
    ...responses.map((r) => {
      const pr = r as ReturnType<typeof proposalResponse>;
      return `peer=${pr.peer}, status=${pr.response.status}, message=${pr.response.message}`;
    }),
  ];
  return Object.assign(new Error(['No valid responses from any peers. Errors:', ...lines].join('\n    ')), { responses, errors });
}

describe('chaincodeCodeOf', () => {
  it('finds the code at the start of a peer response message, after known peer prefixes', () => {
    expect(chaincodeCodeOf('UNKNOWN_METER: meter m-1 is not registered')).toEqual({ code: 'UNKNOWN_METER', message: 'UNKNOWN_METER: meter m-1 is not registered' });
    expect(chaincodeCodeOf('transaction returned with failure: METER_REVOKED: m-1')?.code).toBe('METER_REVOKED');
    expect(chaincodeCodeOf('error in simulation: transaction returned with failure: NEW_CODE_FROM_NEWER_CHAINCODE: x')?.code).toBe('NEW_CODE_FROM_NEWER_CHAINCODE');
    expect(chaincodeCodeOf('make sure the chaincode meterledger has been successfully defined on channel nmichannel')).toBeUndefined();
    expect(chaincodeCodeOf('access denied: channel [nmichannel] creator org [PTBMSP]')).toBeUndefined();
  });
});

describe('fromFabricNetworkError', () => {
  it('evaluate: the chaincode code from a peer error response (SingleQueryHandler)', () => {
    const err = Object.assign(new Error('peer error response: x'), {
      isEndorsed: false,
      status: 500,
      message: 'UNKNOWN_METER: meter m-9 is not registered',
      payload: Buffer.alloc(0),
    });
    expect(fromFabricNetworkError(err, 'tx-1', 'evaluate')).toMatchObject({
      code: 'UNKNOWN_METER',
      message: 'UNKNOWN_METER: meter m-9 is not registered',
      transactionId: 'tx-1',
      cause: err,
    });
  });

  it('evaluate: an uncoded peer failure is UNKNOWN, as with the gateway', () => {
    const err = Object.assign(new Error('x'), { status: 500, message: "You've asked to invoke a function that does not exist: nope" });
    expect(fromFabricNetworkError(err, 'tx-1', 'evaluate')).toMatchObject({ code: 'UNKNOWN', transactionId: 'tx-1' });
  });

  it('evaluate: no peer reachable is UNAVAILABLE', () => {
    const err = Object.assign(new Error('Query failed. Errors: ["Error: 14 UNAVAILABLE: No connection established"]'), { name: 'FabricError' });
    const mapped = fromFabricNetworkError(err, 'tx-2', 'evaluate');
    expect(mapped).toMatchObject({ code: 'UNAVAILABLE', transactionId: 'tx-2' });
    expect(isTransient(mapped)).toBe(true);
  });

  it('submit: the chaincode code from one endorser among several answers', () => {
    const err = noValidResponses(
      [proposalResponse('peer0.ptb', 500, 'DUPLICATE_METER: meter m-1 is already registered')],
      [grpcError('peer0.inmetro', GrpcStatus.UNAVAILABLE, 'No connection established')],
    );
    const mapped = fromFabricNetworkError(err, 'tx-3', 'endorse');
    expect(mapped).toMatchObject({ code: 'DUPLICATE_METER', message: 'DUPLICATE_METER: meter m-1 is already registered', transactionId: 'tx-3' });
    expect(mapped.details).toEqual([
      'peer0.ptb: status 500, DUPLICATE_METER: meter m-1 is already registered',
      'peer0.inmetro: 14 UNAVAILABLE: No connection established',
    ]);
  });

  it('submit with discovery: the code inside the handler\'s "Endorsement has failed" endorsements', () => {
    const failed = Object.assign(new Error('Endorsement has failed'), {
      endorsements: [proposalResponse('127.0.0.1:7051', 500, 'BAD_PROOF_OF_POSSESSION: signature does not verify')],
    });
    const err = noValidResponses([], [failed]);
    expect(fromFabricNetworkError(err, 'tx-4', 'endorse')).toMatchObject({ code: 'BAD_PROOF_OF_POSSESSION', transactionId: 'tx-4' });
  });

  it('submit: every endorser unreachable is UNAVAILABLE; a policy problem is ENDORSEMENT_FAILED', () => {
    const unreachable = noValidResponses([], [grpcError('peer0.ptb', GrpcStatus.UNAVAILABLE, 'No connection established'), Object.assign(new Error('REQUEST TIMEOUT'), { peer: 'peer0.inmetro' })]);
    expect(fromFabricNetworkError(unreachable, 'tx-5', 'endorse')).toMatchObject({ code: 'UNAVAILABLE' });
    const policy = noValidResponses([], [new Error('Endorsement plan group does not contain enough peers (1) to satisfy policy (required:2)')]);
    expect(fromFabricNetworkError(policy, 'tx-6', 'endorse')).toMatchObject({ code: 'ENDORSEMENT_FAILED', transactionId: 'tx-6' });
    expect(fromFabricNetworkError(new Error('DiscoveryService has failed to return results'), undefined, 'evaluate')).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('commit: a TransactionError is TRANSACTION_INVALID with its validation code', () => {
    const err = Object.assign(new Error('Commit of transaction tx-7 failed on peer peer0 with status MVCC_READ_CONFLICT'), {
      name: 'TransactionError',
      transactionId: 'tx-7',
      transactionCode: 'MVCC_READ_CONFLICT',
    });
    const mapped = fromFabricNetworkError(err, 'tx-7', 'order');
    expect(mapped).toMatchObject({ code: 'TRANSACTION_INVALID', validationCode: 'MVCC_READ_CONFLICT', transactionId: 'tx-7' });
    expect(isTransient(mapped)).toBe(true);
  });

  it('anything after the envelope went to the orderer is COMMIT_STATUS_UNAVAILABLE', () => {
    const timeout = Object.assign(new Error('Event strategy not satisfied within the timeout period'), { name: 'TimeoutError' });
    expect(fromFabricNetworkError(timeout, 'tx-8', 'order')).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE', transactionId: 'tx-8' });
    const orderer = new Error('Failed to send transaction successfully to the committer. status:SERVICE_UNAVAILABLE');
    const mapped = fromFabricNetworkError(orderer, 'tx-8', 'order');
    expect(mapped.code).toBe('COMMIT_STATUS_UNAVAILABLE');
    expect(isTransient(mapped)).toBe(false);
  });

  it('keeps a MeterledgerError, adding the transaction id', () => {
    const own = new MeterledgerError({ code: 'X_CODE', message: 'm' });
    expect(fromFabricNetworkError(own, 'tx-9', 'endorse')).toMatchObject({ code: 'X_CODE', transactionId: 'tx-9' });
  });
});
