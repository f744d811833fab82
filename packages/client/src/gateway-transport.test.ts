import { status as GrpcStatus } from '@grpc/grpc-js';
import { StatusCode, type Status } from '@hyperledger/fabric-gateway';
import { ContractClient } from './contract-client';
import { isTransient, MeterledgerError } from './errors';
import type { AlternateGateway, GatewayResolution, TransactionLike } from './gateway-transport';
import { gatewayLedgerTarget } from './gateway-transport';
import type { LedgerTarget } from './ledger';
import { FakeContract } from './testing/fake-contract';
import { commitStatusError, endorseError, gatewayError, submitError } from './testing/gateway-errors';
import { blockBytes, buildEnvelope, processedTransactionBytes } from './testing/ledger-fixtures';

/** A qscc peer whose ledger is a map from transaction id to (code, result, block). */
class FakeLedgerPeer implements LedgerTarget {
  readonly entries = new Map<string, { code: number; result: string; block: number }>();
  readonly asked: string[] = [];
  down = false;
  constructor(readonly name = 'peer0.ptb') {}
  evaluate = async (fn: string, _channel: string, txId: string): Promise<Uint8Array> => {
    this.asked.push(`${fn} ${txId}`);
    if (this.down) throw gatewayError(GrpcStatus.UNAVAILABLE, '14 UNAVAILABLE: No connection established');
    const entry = this.entries.get(txId);
    if (!entry) {
      throw gatewayError(
        GrpcStatus.UNKNOWN,
        `evaluate call to endorser returned error: chaincode response 500, Failed to get transaction with id ${txId}, error no such transaction ID [${txId}] in index`,
      );
    }
    return fn === 'GetTransactionByID'
      ? processedTransactionBytes({ transactionId: txId, result: entry.result, validationCode: entry.code })
      : blockBytes(entry.block, [buildEnvelope({ transactionId: txId })]);
  };
}

/** A clock that only moves when the resolver sleeps. */
function fakeTime() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('ContractClient over the gateway transport: unknown commit outcomes', () => {
  let fake: FakeContract;
  let ledger: FakeLedgerPeer;
  let alternates: AlternateGateway[];
  let client: ContractClient;

  beforeEach(() => {
    fake = new FakeContract().on('registerMeter', ([json]) => ({ ...JSON.parse(json), status: 'pending' }));
    ledger = new FakeLedgerPeer();
    alternates = [];
    const resolution: GatewayResolution = {
      channel: 'nmichannel',
      ledgerTargets: () => [ledger],
      alternateGateways: () => alternates,
      options: { lookupWindowMs: 1000, resubmits: 2, ...fakeTime() },
    };
    client = new ContractClient(fake, { resolution });
  });

  it('a commit status failure for a transaction that committed is a success, with the result read from the ledger', async () => {
    fake.failNextCommitStatus(commitStatusError('tx-1', GrpcStatus.UNAVAILABLE, 'gateway peer went away'));
    ledger.entries.set('tx-1', { code: StatusCode.VALID, result: '{"meterId":"m-1","status":"pending","from":"ledger"}', block: 31 });
    const out = await client.submitWithTxId('registerMeter', { meterId: 'm-1' });
    expect(out).toEqual({
      result: { meterId: 'm-1', status: 'pending', from: 'ledger' },
      transactionId: 'tx-1',
      blockNumber: 31n,
      resolvedBy: 'ledger',
    });
    expect(fake.submits).toEqual(['tx-1']); // never resubmitted
    expect(ledger.asked).toEqual(['GetTransactionByID tx-1', 'GetBlockByTxID tx-1']);
  });

  it('a submit cut off before ordering is resubmitted as the same transaction, never as a new one', async () => {
    fake.failNextSubmit(submitError('tx-1', GrpcStatus.UNAVAILABLE, 'no orderers could successfully process transaction'));
    fake.blockNumber = 40n;
    const out = await client.submitWithTxId('registerMeter', { meterId: 'm-2' });
    expect(out).toMatchObject({ result: { meterId: 'm-2', status: 'pending' }, transactionId: 'tx-1', blockNumber: 40n, resolvedBy: 'resubmission' });
    expect(fake.submits).toEqual(['tx-1', 'tx-1']);
    expect(fake.calls.filter((c) => c.stage === 'submit')).toHaveLength(1); // endorsed once: the same envelope
  });

  it('a transaction found committed as invalid is TRANSACTION_INVALID (retryable for read conflicts)', async () => {
    fake.failNextCommitStatus(commitStatusError('tx-1', GrpcStatus.DEADLINE_EXCEEDED, 'deadline'));
    ledger.entries.set('tx-1', { code: StatusCode.MVCC_READ_CONFLICT, result: '', block: 5 });
    const err = (await client.submit('registerMeter', { meterId: 'm-3' }).catch((e: unknown) => e)) as MeterledgerError;
    expect(err).toMatchObject({ code: 'TRANSACTION_INVALID', validationCode: 'MVCC_READ_CONFLICT', transactionId: 'tx-1' });
    expect(isTransient(err)).toBe(true); // the id is settled: a new transaction cannot double the effect
  });

  it('a resubmission that meets the first envelope (DUPLICATE_TXID) takes the first one\'s outcome from the ledger', async () => {
    fake.failNextCommitStatus(commitStatusError('tx-1', GrpcStatus.UNAVAILABLE, 'gone'));
    fake.nextCommitCode(StatusCode.DUPLICATE_TXID);
    let lookups = 0;
    const original = ledger.evaluate;
    ledger.evaluate = async (fn, channel, txId) => {
      // 250 + 500 ms of pauses fit the 1000 ms window: 3 lookups, then the resubmission; the 4th finds it.
      if (fn === 'GetTransactionByID' && ++lookups === 4) ledger.entries.set('tx-1', { code: StatusCode.VALID, result: '"first"', block: 7 });
      return original(fn, channel, txId);
    };
    const out = await client.submitWithTxId('registerMeter', { meterId: 'm-4' });
    expect(out).toMatchObject({ result: 'first', blockNumber: 7n, resolvedBy: 'ledger' });
    expect(fake.submits).toEqual(['tx-1', 'tx-1']);
  });

  it('resubmits the same signed bytes through another gateway peer when its own is unreachable', async () => {
    // The gateway peer dies during the submit and stays down.
    fake.failNextSubmit(submitError('tx-1', GrpcStatus.UNAVAILABLE, 'gateway peer killed mid-call'));
    fake.failNextSubmit(submitError('tx-1', GrpcStatus.UNAVAILABLE, 'No connection established'));
    ledger.down = true;
    const received: { bytes: Uint8Array; signature: string }[] = [];
    alternates = [
      {
        name: 'peer1.ptb',
        gateway: {
          newSignedTransaction: (bytes: Uint8Array, signature: Uint8Array) => {
            received.push({ bytes, signature: Buffer.from(signature).toString() });
            return {
              getResult: () => new Uint8Array(),
              submit: async () => ({
                getResult: () => new Uint8Array(),
                getStatus: async (): Promise<Status> => ({ blockNumber: 77n, code: StatusCode.VALID, successful: true, transactionId: 'tx-1' }),
              }),
            } as unknown as ReturnType<AlternateGateway['gateway']['newSignedTransaction']>;
          },
        },
      },
    ];
    const out = await client.submitWithTxId('registerMeter', { meterId: 'm-5' });
    expect(out).toMatchObject({ result: { meterId: 'm-5', status: 'pending' }, blockNumber: 77n, resolvedBy: 'resubmission' });
    expect(received).toHaveLength(1);
    expect(received[0].signature).toBe('signed tx-1');
    expect(fake.submits).toEqual(['tx-1', 'tx-1']);
  });

  it('does not bypass a gateway that took the envelope: a lost commit status goes back to the ledger', async () => {
    fake.failNextSubmit(submitError('tx-1', GrpcStatus.UNAVAILABLE, 'cut off'));
    fake.failNextCommitStatus(commitStatusError('tx-1', GrpcStatus.UNAVAILABLE, 'lost again'));
    const newSignedTransaction = jest.fn();
    alternates = [{ name: 'peer1.ptb', gateway: { newSignedTransaction } }];
    let lookups = 0;
    const original = ledger.evaluate;
    ledger.evaluate = async (fn, channel, txId) => {
      if (fn === 'GetTransactionByID' && ++lookups === 4) ledger.entries.set('tx-1', { code: StatusCode.VALID, result: '"ok"', block: 3 });
      return original(fn, channel, txId);
    };
    await expect(client.submitWithTxId('registerMeter', { meterId: 'm-5b' })).resolves.toMatchObject({ result: 'ok', resolvedBy: 'ledger' });
    expect(newSignedTransaction).not.toHaveBeenCalled();
  });

  it('gives up with COMMIT_STATUS_UNAVAILABLE (not retryable) when neither the ledger nor a resubmission answers', async () => {
    fake.failNextCommitStatus(commitStatusError('tx-1', GrpcStatus.UNAVAILABLE, 'gone'));
    for (let i = 0; i < 2; i++) fake.failNextSubmit(submitError('tx-1', GrpcStatus.DEADLINE_EXCEEDED, 'deadline'));
    ledger.down = true;
    const err = (await client.submit('registerMeter', { meterId: 'm-6' }).catch((e: unknown) => e)) as MeterledgerError;
    expect(err).toMatchObject({ code: 'COMMIT_STATUS_UNAVAILABLE', transactionId: 'tx-1' });
    expect(isTransient(err)).toBe(false);
    expect(fake.submits).toEqual(['tx-1', 'tx-1', 'tx-1']);
  });

  it('never resolves failures that happen before ordering', async () => {
    fake.on('approveMeter', (_args, call) => {
      throw endorseError(call.transactionId, GrpcStatus.UNAVAILABLE, 'No connection established');
    });
    await expect(client.submit('approveMeter', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    fake.failNextSubmit(submitError('tx-2', GrpcStatus.ABORTED, 'received unsuccessful response from orderer: status=BAD_REQUEST'));
    await expect(client.submit('registerMeter', { meterId: 'm-7' })).rejects.toMatchObject({ code: 'SUBMIT_FAILED' });
    expect(ledger.asked).toEqual([]);
  });

  it('passes transient data and endorsing organizations to the proposal', async () => {
    await client.submitWithOptions('registerMeter', [{ meterId: 'm-8' }], { transientData: { secret: 'x' }, endorsingOrganizations: ['PTBMSP'] });
    await client.evaluateWithOptions('registerMeter', [{ meterId: 'm-8' }], { endorsingOrganizations: ['InmetroMSP'] });
    expect(fake.proposalOptions).toEqual([{ transientData: { secret: 'x' }, endorsingOrganizations: ['PTBMSP'] }, { endorsingOrganizations: ['InmetroMSP'] }]);
  });
});

describe('gatewayLedgerTarget', () => {
  it('evaluates qscc through the network with the channel and transaction id', async () => {
    const calls: unknown[] = [];
    const network = {
      getContract: (name: string) => ({
        evaluateTransaction: async (...args: string[]) => {
          calls.push([name, ...args]);
          return new Uint8Array([1]);
        },
      }),
    } as unknown as Parameters<typeof gatewayLedgerTarget>[1];
    const target = gatewayLedgerTarget('peer0:7051', network);
    await expect(target.evaluate('GetTransactionByID', 'nmichannel', 'tx-9')).resolves.toEqual(new Uint8Array([1]));
    expect(calls).toEqual([['qscc', 'GetTransactionByID', 'nmichannel', 'tx-9']]);
    expect(target.name).toBe('peer0:7051');
  });
});

// Keep the type import used: TransactionLike is what the fake's endorse() returns.
export type { TransactionLike };
