import { KeyEndorsementPolicy, type ChaincodeStub } from 'fabric-shim';
import { formatUtcMillis } from '@meterledger/crypto';
import type { StateEntry, StateStore, TxContext } from './state-store';

/** The peer role a state-based endorsement policy names (`<MSP>.peer`; the MSPs have NodeOUs enabled). */
const ENDORSER_ROLE = 'PEER';

/** Validation parameter bytes (a SignaturePolicyEnvelope) requiring a peer of every org: AND('A.peer', 'B.peer', ...). */
export function endorsementPolicyOf(mspIds: readonly string[]): Uint8Array {
  const orgs = [...new Set(mspIds)].sort();
  if (orgs.length === 0) throw new Error('a key-level endorsement policy needs at least one org');
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs(ENDORSER_ROLE, ...orgs);
  return policy.getPolicy();
}

/** The orgs a validation parameter made by {@link endorsementPolicyOf} requires, sorted. */
export function endorsersOfPolicy(policy: Uint8Array): string[] {
  return new KeyEndorsementPolicy(policy).listOrgs().sort();
}

export class FabricStateStore implements StateStore {
  constructor(private readonly stub: ChaincodeStub) {}

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.stub.getState(key);
    return value && value.length > 0 ? value : undefined;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.stub.putState(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.stub.deleteState(key);
  }

  async range(startKey: string, endKey: string, limit: number): Promise<StateEntry[]> {
    const iterator = await this.stub.getStateByRange(startKey, endKey);
    const entries: StateEntry[] = [];
    try {
      while (entries.length < limit) {
        const next = await iterator.next();
        if (next.done || !next.value) break;
        entries.push({ key: next.value.key, value: next.value.value });
      }
    } finally {
      await iterator.close();
    }
    return entries;
  }

  async setEndorsers(key: string, mspIds: readonly string[]): Promise<void> {
    await this.stub.setStateValidationParameter(key, endorsementPolicyOf(mspIds));
  }
}

export function txContextOf(stub: ChaincodeStub): TxContext {
  const ts = stub.getTxTimestamp();
  const millis = Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1_000_000);
  return { txId: stub.getTxID(), timestamp: formatUtcMillis(millis), channel: stub.getChannelID() };
}
