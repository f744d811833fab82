import { KeyEndorsementPolicy } from 'fabric-shim';
import { endorsementPolicyOf, endorsersOfPolicy, txContextOf } from './fabric-state-store';
import type { ChaincodeStub } from 'fabric-shim';

describe('key-level endorsement policies', () => {
  it('are AND of the orgs’ peers, sorted and deduplicated, as KeyEndorsementPolicy bytes', () => {
    const policy = endorsementPolicyOf(['PTBMSP', 'InmetroMSP', 'PTBMSP']);
    expect(endorsersOfPolicy(policy)).toEqual(['InmetroMSP', 'PTBMSP']);
    const reference = new KeyEndorsementPolicy();
    reference.addOrgs('PEER', 'InmetroMSP', 'PTBMSP');
    expect(Buffer.from(policy)).toEqual(Buffer.from(reference.getPolicy()));
    // Every endorser computes the same bytes whatever order the orgs come in.
    expect(Buffer.from(endorsementPolicyOf(['InmetroMSP', 'PTBMSP']))).toEqual(Buffer.from(policy));
  });

  it('never name no org (an empty AND would be satisfied by anyone)', () => {
    expect(() => endorsementPolicyOf([])).toThrow(/at least one org/);
  });
});

describe('txContextOf', () => {
  it('takes time, id and channel from the stub only', () => {
    const stub = { getTxTimestamp: () => ({ seconds: { toString: () => '1767225601' }, nanos: 123_999_999 }), getTxID: () => 'abc', getChannelID: () => 'ch' };
    expect(txContextOf(stub as unknown as ChaincodeStub)).toEqual({ txId: 'abc', timestamp: '2026-01-01T00:00:01.123Z', channel: 'ch' });
  });
});
