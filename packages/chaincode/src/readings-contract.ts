import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { READINGS_ACCEPTED_EVENT, READINGS_CONTRACT, READINGS_TRANSACTIONS, type ReadingsTransaction } from '@meterledger/contract-api';
import { canonicalJson } from '@meterledger/crypto';
import { functionName, scope } from './ledger/context';
import { FabricStateStore } from './ledger/fabric-state-store';
import { unknownFunction } from './ledger/invocation-errors';
import * as readings from './readings';
import { markReadOnly } from './registry/read-only';
import { parseRequest } from './registry/requests';

/**
 * Signed meter readings with minute/hour/day/month/year aggregates (001), verified against the keys of
 * the registry (002). Metering gateways submit batches; auditors query. Each method parses its argument
 * with the schemas of @meterledger/contract-api and delegates to a plain function in ./readings; the
 * decorators must match READINGS_TRANSACTIONS (a unit test checks).
 */
@Info({ title: 'Readings', description: 'Signed meter readings and their aggregate indexes' })
export class ReadingsContract extends Contract {
  constructor() {
    super(READINGS_CONTRACT);
  }

  /** Evaluate-only functions blindly write the read-only sentinel (see registry/read-only.ts). */
  override async beforeTransaction(ctx: Context): Promise<void> {
    const fn = functionName(ctx);
    if (Object.prototype.hasOwnProperty.call(READINGS_TRANSACTIONS, fn) && READINGS_TRANSACTIONS[fn as ReadingsTransaction].kind === 'evaluate') {
      await markReadOnly(new FabricStateStore(ctx.stub));
    }
  }

  override async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw unknownFunction(fcn, `contract ${READINGS_CONTRACT} has no function ${JSON.stringify(functionName(ctx))}`);
  }

  @Transaction()
  @Returns('string')
  async submitReadings(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    const { result, event } = await readings.submitReadings(state, caller, tx, parseRequest('submitReadings', request));
    if (event) ctx.stub.setEvent(READINGS_ACCEPTED_EVENT, Buffer.from(canonicalJson(event), 'utf8'));
    return canonicalJson(result);
  }

  @Transaction()
  @Returns('string')
  async sealWindows(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await readings.sealWindows(state, caller, tx, parseRequest('sealWindows', request)));
  }

  @Transaction(false)
  @Returns('string')
  async getReadingsAt(ctx: Context, request: string): Promise<string> {
    const { state, caller } = scope(ctx);
    return canonicalJson(await readings.getReadingsAt(state, caller, parseRequest('getReadingsAt', request)));
  }

  @Transaction(false)
  @Returns('string')
  async listReadings(ctx: Context, request: string): Promise<string> {
    const { state, caller } = scope(ctx);
    return canonicalJson(await readings.listReadings(state, caller, parseRequest('listReadings', request)));
  }

  @Transaction(false)
  @Returns('string')
  async findReadingsByValue(ctx: Context, request: string): Promise<string> {
    const { state, caller } = scope(ctx);
    return canonicalJson(await readings.findReadingsByValue(state, caller, parseRequest('findReadingsByValue', request)));
  }

  @Transaction(false)
  @Returns('string')
  async aggregateRange(ctx: Context, request: string): Promise<string> {
    const { state, caller } = scope(ctx);
    return canonicalJson(await readings.aggregateRange(state, caller, parseRequest('aggregateRange', request)));
  }

  @Transaction(false)
  @Returns('string')
  async countReadings(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await readings.countReadings(state, caller, tx, parseRequest('countReadings', request)));
  }

  @Transaction(false)
  @Returns('string')
  async listAggregates(ctx: Context, request: string): Promise<string> {
    const { state, caller } = scope(ctx);
    return canonicalJson(await readings.listAggregates(state, caller, parseRequest('listAggregates', request)));
  }

  @Transaction(false)
  @Returns('string')
  async getSeal(ctx: Context, request: string): Promise<string> {
    const { state, caller } = scope(ctx);
    return canonicalJson(await readings.getSeal(state, caller, parseRequest('getSeal', request)));
  }
}
