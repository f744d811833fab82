import type { Context } from 'fabric-contract-api';
import { ROLE_ATTRIBUTE, STATION_ATTRIBUTE, type Caller } from './caller';
import { FabricStateStore, txContextOf } from './fabric-state-store';

/** Who is calling, from the creator's certificate (MSP, x509 id, the `meterledger.role` and `meterledger.station` attributes). */
export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  return {
    mspId: identity.getMSPID(),
    id: identity.getID(),
    role: identity.getAttributeValue(ROLE_ATTRIBUTE),
    station: identity.getAttributeValue(STATION_ATTRIBUTE),
  };
}

/** What every domain function of a contract takes: the state, the transaction facts and the caller. */
export function scope(ctx: Context) {
  return { state: new FabricStateStore(ctx.stub), tx: txContextOf(ctx.stub), caller: callerOf(ctx) };
}

/** The function part of `contract:function` (fabric-contract-api splits at the first colon). */
export function functionName(ctx: Context): string {
  const { fcn } = ctx.stub.getFunctionAndParameters();
  const colon = fcn.indexOf(':');
  return colon >= 0 ? fcn.slice(colon + 1) : fcn;
}
