import { DEFAULT_TOPOLOGY } from './paths';
import { discoveryProblem, parseRaftMetrics, raftProblem, waitUntil } from './readiness';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);

// Lines as an orderer's /metrics (Prometheus) prints them.
const metrics = (leader: number, active = 3) =>
  [
    '# HELP consensus_etcdraft_is_leader The leadership status of the current node: 1 if it is the leader else 0.',
    '# TYPE consensus_etcdraft_is_leader gauge',
    `consensus_etcdraft_active_nodes{channel="nmichannel"} ${active}`,
    'consensus_etcdraft_cluster_size{channel="nmichannel"} 3',
    `consensus_etcdraft_is_leader{channel="nmichannel"} ${leader}`,
    'consensus_etcdraft_is_leader{channel="other"} 1',
  ].join('\n');

describe('Raft readiness', () => {
  it('reads leadership and quorum of one channel from the metrics', () => {
    expect(parseRaftMetrics(metrics(1), 'nmichannel')).toEqual({ isLeader: true, activeNodes: 3, clusterSize: 3 });
    expect(parseRaftMetrics(metrics(0), 'nmichannel')?.isLeader).toBe(false);
    expect(parseRaftMetrics(metrics(1), 'absent')).toBeNull();
  });

  it('is ready with exactly one leader and a quorum of active consenters', () => {
    const view = (m: string) => parseRaftMetrics(m, 'nmichannel');
    expect(raftProblem([view(metrics(1)), view(metrics(0)), null])).toBeNull();
    expect(raftProblem([view(metrics(0)), view(metrics(0))])).toBe('0 Raft leaders among 2 orderers');
    expect(raftProblem([view(metrics(1, 1)), view(metrics(0))])).toBe('an orderer sees 1 of 3 consenters active');
    expect(raftProblem([null, null])).toBe('no orderer reports the channel yet');
  });
});

describe('discovery readiness', () => {
  const ptb = { MSPID: 'PTBMSP', Endpoint: '127.0.0.1:7051', Chaincodes: ['meterledger', '_lifecycle'] };
  const inmetro = { MSPID: 'InmetroMSP', Endpoint: '127.0.0.1:8051', Chaincodes: ['_lifecycle'] };
  const operator = { MSPID: 'OperatorMSP', Endpoint: '127.0.0.1:13051', Chaincodes: ['meterledger'] };
  const customers = [14051, 14061, 15051, 15061].map((port) => ({ MSPID: port < 15000 ? 'CustomerAMSP' : 'CustomerBMSP', Endpoint: `127.0.0.1:${port}`, Chaincodes: ['meterledger'] }));

  it('names the first peer not seen yet, then the first peer without the chaincode', () => {
    expect(discoveryProblem(t, 'peer0.ptb', [ptb], null)).toBe('peer0.ptb does not see peer0.inmetro.meterledger.local yet');
    expect(discoveryProblem(t, 'peer0.ptb', [ptb, inmetro], null)).toBe('peer0.ptb does not see peer0.operator.meterledger.local yet');
    expect(discoveryProblem(t, 'peer0.ptb', [ptb, inmetro, operator], null)).toBe('peer0.ptb does not see peer0.customera.meterledger.local yet');
    expect(discoveryProblem(t, 'peer0.ptb', [ptb, inmetro, operator, ...customers], null)).toBeNull();
    expect(discoveryProblem(t, 'peer0.ptb', [ptb, inmetro, operator, ...customers], 'meterledger')).toBe('peer0.ptb does not see meterledger on peer0.inmetro.meterledger.local yet');
    expect(discoveryProblem(t, 'peer0.ptb', [ptb, { ...inmetro, Chaincodes: ['meterledger'] }, { ...operator, Chaincodes: [] }, ...customers], 'meterledger')).toBe(
      'peer0.ptb does not see meterledger on peer0.operator.meterledger.local yet',
    );
    expect(discoveryProblem(t, 'peer0.ptb', [ptb, { ...inmetro, Chaincodes: ['meterledger'] }, operator, ...customers], 'meterledger')).toBeNull();
  });
});

describe('waitUntil', () => {
  it('returns once the check passes, and past the deadline fails with the last reason', async () => {
    let calls = 0;
    await expect(waitUntil('x', async () => (++calls < 3 ? 'not yet' : null), { timeoutMs: 5000, intervalMs: 1 })).resolves.toBeGreaterThanOrEqual(0);
    expect(calls).toBe(3);
    await expect(waitUntil('waiting for y', async () => 'still electing', { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      'waiting for y failed: not ready after 0.02s: still electing',
    );
  });
});
