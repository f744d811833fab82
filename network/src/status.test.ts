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
      'ca-Operator',
      'ca-CustomerA',
      'ca-CustomerB',
      'orderer1.meterledger.local',
      'orderer2.meterledger.local',
      'orderer3.meterledger.local',
      'peer0.ptb.meterledger.local',
      'peer0.inmetro.meterledger.local',
      'peer0.operator.meterledger.local',
      'peer0.customera.meterledger.local',
      'peer1.customera.meterledger.local',
      'peer0.customerb.meterledger.local',
      'peer1.customerb.meterledger.local',
      'mosquitto',
      'chaincode-PTB',
      'chaincode-Inmetro',
      'chaincode-Operator',
      'chaincode-CustomerA',
      'chaincode-CustomerB',
    ]);
    expect(planned.find((p) => p.name === 'orderer1.meterledger.local')?.ports).toEqual([7050, 7053, 7057, 17050]);
    expect(planned.find((p) => p.name === 'chaincode-PTB')?.ports).toEqual([7100]);
    expect(planned.find((p) => p.name === 'mosquitto')).toEqual({ name: 'mosquitto', kind: 'mqtt', org: '-', ports: [1883] });
    expect(planned.find((p) => p.name === 'chaincode-Operator')?.ports).toEqual([13100]);
  });

  it('formats processes, heights and the committed chaincode', () => {
    // Everything up but the PTB chaincode server (down) and Inmetro's (its port taken by another program).
    const processes = plannedProcesses(t).map((p, i) => ({ ...p, pid: p.name === 'chaincode-PTB' || p.name === 'chaincode-Inmetro' ? null : 1000 + i, listening: p.name !== 'chaincode-PTB' }));
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
    expect(text).toMatch(/^mosquitto +mqtt +up +pid \d+ +ports 1883$/m);
    expect(text).toContain('mqtt broker: mqtt://127.0.0.1:1883');
    expect(text).toMatch(/^NOT SERVING: chaincode-PTB \(down\), chaincode-Inmetro \(port taken by another program\)$/m);
  });

  it('names a chaincode server its supervisor is restarting, and says when everything is up', () => {
    const processes = plannedProcesses(t).map((p) => ({ ...p, pid: 1, listening: p.name !== 'chaincode-PTB' }));
    const base: NetworkStatus = { processes, heights: [], chaincode: null, missingBinaries: [] };
    expect(formatStatus(t, base)).toMatch(/^chaincode-PTB +chaincode +down \(supervisor restarting it\)/m);
    const allUp = { ...base, processes: processes.map((p) => ({ ...p, listening: true })) };
    expect(formatStatus(t, allUp)).toMatch(/^all 22 processes up$/m);
  });
});
