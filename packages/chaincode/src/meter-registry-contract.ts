import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { canonicalJson } from '@meterledger/crypto';
import { ROLE_ATTRIBUTE, type Caller } from './ledger/caller';
import { FabricStateStore, txContextOf } from './ledger/fabric-state-store';
import * as registry from './registry';
import { parseRequest } from './registry/requests';

function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  return { mspId: identity.getMSPID(), id: identity.getID(), role: identity.getAttributeValue(ROLE_ATTRIBUTE) };
}

function scope(ctx: Context) {
  return { state: new FabricStateStore(ctx.stub), tx: txContextOf(ctx.stub), caller: callerOf(ctx) };
}

/**
 * The meter PKI registry of 002 (§4.2): authorities register meter keys after a proof of possession,
 * approve, rotate and revoke them; anyone on the channel verifies signatures. Each method parses its
 * JSON argument with a validating factory, delegates to a plain function in ./registry and returns
 * canonical JSON.
 */
@Info({ title: 'MeterRegistry', description: 'PKI registry of legal-metrology measuring instruments' })
export class MeterRegistryContract extends Contract {
  constructor() {
    super('registry');
  }

  @Transaction()
  @Returns('string')
  async configure(ctx: Context, request: string): Promise<string> {
    const { state, tx, caller } = scope(ctx);
    return canonicalJson(await registry.configure(state, caller, tx, parseRequest('configure', request)));
  }

  @Transaction(false)
  @Returns('string')
  async getConfig(ctx: Context): Promise<string> {
    return canonicalJson(await registry.requireConfig(scope(ctx).state));
  }

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
