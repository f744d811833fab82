import { DEFAULT_TOPOLOGY } from './paths';
import { formatStatus, plannedProcesses, type NetworkStatus } from './status';
import { loadTopology } from './topology';

const t = loadTopology(DEFAULT_TOPOLOGY);

describe('status', () => {
  it('knows every process of the topology, with its ports, in start order', () => {
    const planned = plannedProcesses(t);
    expect(planned.map((p) => p.name)).toEqual([
      'ca-OrdererOrg',
      'ca-PTB',
      'ca-Inmetro',
      'orderer1.meterledger.local',
      'orderer2.meterledger.local',
      'orderer3.meterledger.local',
      'peer0.ptb.meterledger.local',
      'peer0.inmetro.meterledger.local',
      'chaincode-PTB',
      'chaincode-Inmetro',
    ]);
    expect(planned.find((p) => p.name === 'orderer1.meterledger.local')?.ports).toEqual([7050, 7053, 7057, 17050]);
    expect(planned.find((p) => p.name === 'chaincode-PTB')?.ports).toEqual([7100]);
  });

  it('formats processes, heights and the committed chaincode', () => {
    const processes = plannedProcesses(t).map((p, i) => ({ ...p, pid: i < 8 ? 1000 + i : null, listening: i < 8 || i === 9 }));
    const s: NetworkStatus = {
      processes,
      heights: [
        { peer: 'peer0.ptb.meterledger.local', height: 5 },
        { peer: 'peer0.inmetro.meterledger.local', height: null },
      ],
      chaincode: { name: 'meterledger', version: '2', sequence: 2 },
      missingBinaries: [],
    };
    const text = formatStatus(t, s);
    expect(text).toMatch(/^ca-OrdererOrg +ca +up +pid 1000 +ports 9054,19054$/m);
    expect(text).toMatch(/^chaincode-PTB +chaincode +down +pid - +ports 7100$/m);
    expect(text).toMatch(/^chaincode-Inmetro +chaincode +port taken by another program/m);
    expect(text).toContain('nmichannel height on peer0.ptb.meterledger.local: 5');
    expect(text).toContain('nmichannel height on peer0.inmetro.meterledger.local: unknown');
    expect(text).toContain('chaincode meterledger: committed, version 2, sequence 2');
    expect(text).toMatch(/^NOT SERVING: chaincode-PTB \(down\), chaincode-Inmetro \(port taken by another program\)$/m);
  });

  it('names a chaincode server its supervisor is restarting, and says when everything is up', () => {
    const processes = plannedProcesses(t).map((p) => ({ ...p, pid: 1, listening: p.name !== 'chaincode-PTB' }));
    const base: NetworkStatus = { processes, heights: [], chaincode: null, missingBinaries: [] };
    expect(formatStatus(t, base)).toMatch(/^chaincode-PTB +chaincode +down \(supervisor restarting it\)/m);
    const allUp = { ...base, processes: processes.map((p) => ({ ...p, listening: true })) };
    expect(formatStatus(t, allUp)).toMatch(/^all 10 processes up$/m);
  });
});
