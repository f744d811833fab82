import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { REGISTRY_CONTRACT, REGISTRY_TRANSACTIONS, type RegistryTransaction } from '@meterledger/contract-api';
import { canonicalJson } from '@meterledger/crypto';
import { functionName, scope } from './ledger/context';
import { FabricStateStore } from './ledger/fabric-state-store';
import { unknownFunction } from './ledger/invocation-errors';
import * as registry from './registry';
import { parseRequest } from './registry/requests';

/**
 * The meter PKI registry of 002 (§4.2): authorities register meter keys after a proof of possession,
 * approve, rotate and revoke them; anyone on the channel verifies signatures. Each method parses its
 * argument with the schemas of @meterledger/contract-api, delegates to a plain function in ./registry
 * and returns canonical JSON. The decorators must match REGISTRY_TRANSACTIONS (a unit test checks).
 */
@Info({ title: 'MeterRegistry', description: 'PKI registry of legal-metrology measuring instruments' })
export class MeterRegistryContract extends Contract {
  constructor() {
    super(REGISTRY_CONTRACT);
  }

  /**
   * Runs before every known transaction function. Evaluate-only functions blindly write the read-only
   * sentinel, so that one sent as an invoke cannot commit (see registry/read-only.ts).
   */
  override async beforeTransaction(ctx: Context): Promise<void> {
    const fn = functionName(ctx);
    if (Object.prototype.hasOwnProperty.call(REGISTRY_TRANSACTIONS, fn) && REGISTRY_TRANSACTIONS[fn as RegistryTransaction].kind === 'evaluate') {
      await registry.markReadOnly(new FabricStateStore(ctx.stub));
    }
  }

  /** A function name this contract does not have (including the empty name): UNKNOWN_FUNCTION, logged escaped. */
  override async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw unknownFunction(fcn, `contract ${REGISTRY_CONTRACT} has no function ${JSON.stringify(functionName(ctx))}`);
  }

  // ---- configuration ---------------------------------------------------------------------------

  @Transaction()
  @Returns('string')
  async initConfig(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.initConfig(state, caller, tx, parseRequest('initConfig', request)));
  }

  @Transaction()
  @Returns('string')
  async proposeConfig(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.proposeConfig(state, caller, tx, parseRequest('proposeConfig', request)));
  }

  @Transaction()
  @Returns('string')
  async approveConfig(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.approveConfig(state, caller, tx, parseRequest('approveConfig', request)));
  }

  @Transaction(false)
  @Returns('string')
  async getConfig(ctx: Context): Promise<string> {
    return canonicalJson(await registry.getConfigView(scope(ctx).state));
  }

  // ---- meters ----------------------------------------------------------------------------------

  @Transaction()
  @Returns('string')
  async registerMeter(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.registerMeter(state, caller, tx, parseRequest('registerMeter', request)));
  }

  @Transaction()
  @Returns('string')
  async approveMeter(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.approveMeter(state, caller, tx, parseRequest('approveMeter', request)));
  }

  @Transaction()
  @Returns('string')
  async rotateKey(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.rotateKey(state, caller, tx, parseRequest('rotateKey', request)));
  }

  @Transaction()
  @Returns('string')
  async revokeMeter(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.revokeMeter(state, caller, tx, parseRequest('revokeMeter', request)));
  }

  @Transaction(false)
  @Returns('string')
  async getMeter(ctx: Context, meterId: string): Promise<string> {
    return canonicalJson(await registry.requireMeter(scope(ctx).state, parseRequest('meterId', meterId)));
  }

  @Transaction(false)
  @Returns('string')
  async getKeyHistory(ctx: Context, meterId: string): Promise<string> {
    const meter = await registry.requireMeter(scope(ctx).state, parseRequest('meterId', meterId));
    return canonicalJson(meter.keys);
  }

  @Transaction(false)
  @Returns('string')
  async listMeters(ctx: Context, query: string): Promise<string> {
    return canonicalJson(await registry.listMeters(scope(ctx).state, parseRequest('listMeters', query)));
  }

  // ---- verification ----------------------------------------------------------------------------

  @Transaction(false)
  @Returns('string')
  async verify(ctx: Context, request: string): Promise<string> {
    const { state, tx } = scope(ctx);
    return canonicalJson(await registry.verify(state, tx, parseRequest('verify', request)));
  }

  @Transaction()
  @Returns('string')
  async verifyAndRecord(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.verifyAndRecord(state, caller, tx, parseRequest('verify', request)));
  }

  @Transaction(false)
  @Returns('string')
  async listVerifications(ctx: Context, query: string): Promise<string> {
    return canonicalJson(await registry.listVerifications(scope(ctx).state, parseRequest('listVerifications', query)));
  }
}
