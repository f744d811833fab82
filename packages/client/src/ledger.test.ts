import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { MeterledgerError } from './errors';
import {
  decodeBlockNumber,
  decodeProcessedTransaction,
  findTransaction,
  isTransactionNotFound,
  type LedgerTarget,
  type QsccEvaluate,
} from './ledger';
import { gatewayError } from './testing/gateway-errors';
import { blockBytes, buildEnvelope, processedTransactionBytes } from './testing/ledger-fixtures';

const TX = 'a1'.repeat(32);
/** What qscc answers for an id it does not have, as the Gateway passes it on. */
const notFoundThroughGateway = (txId: string) =>
  gatewayError(
    GrpcStatus.UNKNOWN,
    `evaluate call to endorser returned error: chaincode response 500, Failed to get transaction with id ${txId}, error no such transaction ID [${txId}] in index`,
  );

describe('decodeProcessedTransaction', () => {
  it('reads id, channel, validation code and the chaincode result from a real ProcessedTransaction', () => {
    const bytes = processedTransactionBytes({ transactionId: TX, result: '{"meterId":"m-1","status":"active"}' });
    expect(decodeProcessedTransaction(bytes)).toEqual({
      transactionId: TX,
      channel: 'nmichannel',
      validationCode: StatusCode.VALID,
      validationCodeName: 'VALID',
      valid: true,
      result: new Uint8Array(Buffer.from('{"meterId":"m-1","status":"active"}')),
      chaincodeStatus: 200,
    });
  });

  it('reports an invalid transaction with the name of its code', () => {
    const tx = decodeProcessedTransaction(processedTransactionBytes({ transactionId: TX, validationCode: StatusCode.MVCC_READ_CONFLICT }));
    expect(tx).toMatchObject({ valid: false, validationCode: 11, validationCodeName: 'MVCC_READ_CONFLICT' });
    expect(tx.result).toHaveLength(0);
  });

  it('keeps binary results byte for byte', () => {
    const result = new Uint8Array([0, 255, 10, 13, 128]);
    expect(decodeProcessedTransaction(processedTransactionBytes({ transactionId: TX, result })).result).toEqual(result);
  });

  it('raises MALFORMED_RESPONSE for bytes that are not a ProcessedTransaction', () => {
    expect(() => decodeProcessedTransaction(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(MeterledgerError);
    expect(() => decodeProcessedTransaction(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/qscc returned/);
    // A well-formed ProcessedTransaction without an envelope.
    expect(() => decodeProcessedTransaction(new Uint8Array([0x10, 0x00]))).toThrow(/without an envelope/);
  });
});

describe('decodeBlockNumber', () => {
  it('reads the number of a real block', () => {
    expect(decodeBlockNumber(blockBytes(4711, [buildEnvelope({ transactionId: TX })]))).toBe(4711n);
    expect(decodeBlockNumber(blockBytes(0, []))).toBe(0n);
  });
});

describe('isTransactionNotFound', () => {
  it('recognises qscc not-found answers through the gateway, fabric-network and as text', () => {
    expect(isTransactionNotFound(notFoundThroughGateway(TX))).toBe(true);
    expect(isTransactionNotFound(new Error(`peer0: status 500, Failed to get transaction with id ${TX}, error no such transaction ID [${TX}] in index`))).toBe(true);
    expect(isTransactionNotFound(new MeterledgerError({ code: 'UNKNOWN', message: 'x', details: [`no such transaction ID [${TX}] in index`] }))).toBe(true);
  });

  it('does not mistake other failures for not found', () => {
    expect(isTransactionNotFound(gatewayError(GrpcStatus.UNAVAILABLE, 'No connection established'))).toBe(false);
    expect(isTransactionNotFound(new Error(`access denied for [GetTransactionByID][nmichannel]`))).toBe(false);
    expect(isTransactionNotFound(undefined)).toBe(false);
  });
});

describe('findTransaction', () => {
  function target(name: string, answer: (fn: string) => Uint8Array | Error): LedgerTarget & { calls: string[] } {
    const calls: string[] = [];
    const evaluate: QsccEvaluate = async (fn, channel, txId) => {
      calls.push(`${fn}(${channel},${txId})`);
      const out = answer(fn);
      if (out instanceof Error) throw out;
      return out;
    };
    return { name, evaluate, calls };
  }
  const committed = (code: number = StatusCode.VALID) => (fn: string) =>
    fn === 'GetTransactionByID'
      ? processedTransactionBytes({ transactionId: TX, result: '"ok"', validationCode: code })
      : blockBytes(42, [buildEnvelope({ transactionId: TX })]);

  it('returns the transaction with its block number from the first target that has it', async () => {
    const peer = target('peer0', committed());
    const answer = await findTransaction([peer], 'nmichannel', TX);
    expect(answer).toMatchObject({ status: 'found', transaction: { transactionId: TX, valid: true, blockNumber: 42n, foundAt: 'peer0' } });
    expect(peer.calls).toEqual([`GetTransactionByID(nmichannel,${TX})`, `GetBlockByTxID(nmichannel,${TX})`]);
  });

  it('stops at the first "not found" (polling is the caller\'s business)', async () => {
    const first = target('peer0', () => notFoundThroughGateway(TX));
    const second = target('peer1', committed());
    expect(await findTransaction([first, second], 'nmichannel', TX)).toEqual({ status: 'not-found', answeredBy: 'peer0' });
    expect(second.calls).toEqual([]);
  });

  it('skips targets that cannot answer and reports why when none can', async () => {
    const down = target('peer0', () => gatewayError(GrpcStatus.UNAVAILABLE, '14 UNAVAILABLE: No connection established'));
    const other = target('peer0.inmetro', committed(StatusCode.ENDORSEMENT_POLICY_FAILURE));
    expect(await findTransaction([down, other], 'nmichannel', TX)).toMatchObject({
      status: 'found',
      transaction: { valid: false, validationCodeName: 'ENDORSEMENT_POLICY_FAILURE', foundAt: 'peer0.inmetro' },
    });
    const answer = await findTransaction([down], 'nmichannel', TX);
    expect(answer.status).toBe('unreachable');
    expect(answer.status === 'unreachable' && answer.errors[0]).toMatch(/^peer0: .*UNAVAILABLE/);
    expect(await findTransaction([], 'nmichannel', TX)).toEqual({ status: 'unreachable', errors: [] });
  });

  it('does not accept an answer about another transaction or without its block', async () => {
    const wrong = target('liar', (fn) => (fn === 'GetTransactionByID' ? processedTransactionBytes({ transactionId: 'other' }) : blockBytes(1, [])));
    const noBlock = target('flaky', (fn) => (fn === 'GetTransactionByID' ? processedTransactionBytes({ transactionId: TX }) : new Error('stream reset')));
    const answer = await findTransaction([wrong, noBlock], 'nmichannel', TX);
    expect(answer).toEqual({
      status: 'unreachable',
      errors: [`liar: answered transaction other for ${TX}`, `flaky: block of ${TX}: stream reset`],
    });
  });
});
