import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { TRANSIENT_REQUEST_KEY, WEIGHING_CONTRACT, type RequestKind } from '@meterledger/contract-api';
import { canonicalJson } from '@meterledger/crypto';
import { callerOf, functionName, scope } from './ledger/context';
import { ChaincodeError } from './ledger/errors';
import { FabricPrivateStore } from './ledger/fabric-private-store';
import { FabricStateStore } from './ledger/fabric-state-store';
import { unknownFunction } from './ledger/invocation-errors';
import { markReadOnly } from './registry/read-only';
import { parseRequest, type Request } from './registry/requests';
import * as weighing from './weighing';

/**
 * Private, immutable weighing tickets (seeds 004) signed by weighing terminals whose keys the registry
 * holds; customers' private collections, routes between customers, disclosure checks by third parties.
 * Each method parses its request with the schemas of @meterledger/contract-api and delegates to a plain
 * function in ./weighing; the decorators must match WEIGHING_TRANSACTIONS (a unit test checks).
 *
 * Requests of submit functions come in the transient map (key 'request'): a proposal's arguments are
 * written into the block, where every org reads them. Queries that scan private data cannot carry the
 * read-only sentinel (Fabric allows private range queries only in transactions that write nothing); the
 * point-read queries (getTicket, checkDisclosure, getRoute) do.
 */
@Info({ title: 'Weighing', description: 'Private, immutable weighing tickets, routes and disclosure checks' })
export class WeighingContract extends Contract {
  constructor() {
    super(WEIGHING_CONTRACT);
  }

  override async beforeTransaction(ctx: Context): Promise<void> {
    const fn = functionName(ctx);
    if (['getTicket', 'checkDisclosure', 'getRoute'].includes(fn)) await markReadOnly(new FabricStateStore(ctx.stub));
  }

  override async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw unknownFunction(fcn, `contract ${WEIGHING_CONTRACT} has no function ${JSON.stringify(functionName(ctx))}`);
  }

  @Transaction()
  @Returns('string')
  async submitTickets(ctx: Context): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await weighing.submitTickets(state, new FabricPrivateStore(ctx.stub), caller, tx, transientRequest(ctx, 'submitTickets')));
  }

  @Transaction(false)
  @Returns('string')
  async getTicket(ctx: Context, request: string): Promise<string> {
    return canonicalJson(await weighing.getTicket(new FabricPrivateStore(ctx.stub), callerOf(ctx), parseRequest('getTicket', request)));
  }

  @Transaction(false)
  @Returns('string')
  async queryTickets(ctx: Context, request: string): Promise<string> {
    return canonicalJson(await weighing.queryTickets(new FabricPrivateStore(ctx.stub), callerOf(ctx), parseRequest('queryTickets', request)));
  }

  @Transaction(false)
  @Returns('string')
  async groupTickets(ctx: Context, request: string): Promise<string> {
    return canonicalJson(await weighing.groupTickets(new FabricPrivateStore(ctx.stub), callerOf(ctx), parseRequest('groupTickets', request)));
  }

  @Transaction(false)
  @Returns('string')
  async checkDisclosure(ctx: Context, request: string): Promise<string> {
    const { state } = scope(ctx);
    return canonicalJson(await weighing.checkDisclosure(state, new FabricPrivateStore(ctx.stub), parseRequest('checkDisclosure', request)));
  }

  @Transaction()
  @Returns('string')
  async declareRoute(ctx: Context): Promise<string> {
    const { tx, caller } = scope(ctx);
    return canonicalJson(await weighing.declareRoute(new FabricPrivateStore(ctx.stub), caller, tx, transientRequest(ctx, 'declareRoute')));
  }

  @Transaction()
  @Returns('string')
  async attachRouteTicket(ctx: Context): Promise<string> {
    const { tx, caller } = scope(ctx);
    return canonicalJson(await weighing.attachRouteTicket(new FabricPrivateStore(ctx.stub), caller, tx, transientRequest(ctx, 'attachRouteTicket')));
  }

  @Transaction(false)
  @Returns('string')
  async getRoute(ctx: Context, request: string): Promise<string> {
    return canonicalJson(await weighing.getRoute(new FabricPrivateStore(ctx.stub), callerOf(ctx), parseRequest('getRoute', request)));
  }
}

/** The JSON request of a submit function, from the transient map. */
function transientRequest<K extends RequestKind>(ctx: Context, kind: K): Request<K> {
  const bytes = ctx.stub.getTransient().get(TRANSIENT_REQUEST_KEY);
  if (!bytes || bytes.length === 0) {
    throw new ChaincodeError('MISSING_TRANSIENT', `${kind}: the request goes in the transient map under "${TRANSIENT_REQUEST_KEY}" (private data never travels in arguments)`);
  }
  return parseRequest(kind, Buffer.from(bytes).toString('utf8'));
}
