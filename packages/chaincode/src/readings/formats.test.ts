import { CHAINED_ZERO_HASH, generateSoftwareSigner, signChainedPacket, type SoftwareSigner } from '@meterledger/crypto';
import { callers, possessionProof, registration } from '../testing/fixtures';
import { ReadingsDriver } from '../testing/readings-driver';

/** A Tasmota plug's tele/<device>/SENSOR message as in 003 §3.2: Ed25519 over "<Time>,<Total>" exactly as printed. */
function tasmota(signer: SoftwareSigner, time: string, total: string): string {
  const signature = Buffer.from(signer.sign(Buffer.from(`${time},${total}`, 'utf8'))).toString('hex').toUpperCase();
  return `{"Time":"${time}","ENERGY":{"TotalStartTime":"2023-01-10T09:12:01","Total":${total},"Yesterday":0.052,"Today":0.013,"Period":0,"Power":3,"ApparentPower":9,"ReactivePower":8,"Factor":0.36,"Voltage":231,"Current":0.040},"Signature":"${signature}"}`;
}

describe('readings in every device format, through submitReadings', () => {
  let driver: ReadingsDriver;
  beforeEach(async () => {
    driver = new ReadingsDriver();
    await driver.init();
  });

  it('Tasmota: local time with the declared offset, cumulative total, a hard reset with a new key keeps one history', async () => {
    const plug = generateSoftwareSigner('ed25519');
    await driver.registerActive(plug, 'plug-1');
    const at = '2026-02-08T13:00:00Z';
    const items = [
      { format: 'bc4p-tasmota' as const, payload: tasmota(plug, '2026-02-08T13:54:26', '1.581'), meterId: 'plug-1', utcOffset: '+01:00' },
      { format: 'bc4p-tasmota' as const, payload: tasmota(plug, '2026-02-08T13:55:26', '1.579'), meterId: 'plug-1', utcOffset: '+01:00' },
      { format: 'bc4p-tasmota' as const, payload: tasmota(plug, '1978-01-01T00:00:10', '1.600'), meterId: 'plug-1' },
      { format: 'bc4p-tasmota' as const, payload: tasmota(plug, '2026-02-08T13:56:26', '1.600'), utcOffset: '+01:00' },
    ];
    const result = await driver.submit(items, { at });
    expect(result.outcomes.map((o) => o.code ?? o.status)).toEqual(['accepted', 'TOTAL_DECREASED', 'CLOCK_SKEW', 'METER_ID_MISMATCH']);
    expect(result.outcomes[0].time).toBe('2026-02-08T12:54:26.000Z');

    const reset = generateSoftwareSigner('ed25519');
    await driver.call('rotateKey', callers.ptbRegistrar, { meterId: 'plug-1', scheme: 'ed25519', publicKey: registration(reset, 'plug-1').publicKey, proof: possessionProof(reset, 'plug-1') }, '2026-02-08T12:56:00Z');
    await driver.call('approveMeter', callers.inmetroRegistrar, { meterId: 'plug-1', keyVersion: 2, proof: possessionProof(reset, 'plug-1') }, '2026-02-08T12:57:00Z');
    const after = await driver.submit([{ format: 'bc4p-tasmota', payload: tasmota(reset, '2026-02-08T13:58:00', '0.002'), meterId: 'plug-1', utcOffset: '+01:00' }], { at });
    expect(after.outcomes[0]).toMatchObject({ status: 'accepted' });
    const history = await driver.listReadings({ meterId: 'plug-1' });
    expect(history.items.map((r) => [r.value, r.keyVersion, r.reset ?? null, r.unit])).toEqual([
      ['1.581', 1, null, 'kWh'],
      ['0.002', 2, 'key-rotation', 'kWh'],
    ]);
    // the stored message is the one the plug signed, byte for byte
    expect(history.items[0].payload).toBe(items[0].payload);
  });

  it('chained-v1 packets: linked packets accepted, a gap rejected, a restart with zeros accepted and marked', async () => {
    const se = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.registerActive(se, 'sm-1');
    const at = '2026-04-01T00:20:00Z';
    const fields = (sequence: number, minute: string, previous: string) => ({ meterId: 'sm-1', time: `2026-04-01T00:${minute}:00Z`, value: `${Number(minute)}.5`, unit: 'kWh', sequence, previous });
    const p1 = signChainedPacket(se, fields(1, '00', CHAINED_ZERO_HASH));
    const p2 = signChainedPacket(se, fields(2, '15', p1.hash));
    const lost = signChainedPacket(se, fields(3, '30', p2.hash));
    const p4 = signChainedPacket(se, fields(4, '45', lost.hash));
    const restart = signChainedPacket(se, fields(0, '50', CHAINED_ZERO_HASH)); // numbering restarts too
    const submit = (packets: { packet: string }[], when = at) => driver.submit(packets.map((p) => ({ format: 'chained-v1' as const, payload: p.packet })), { at: when });
    expect((await submit([p1, p2])).outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    const later = '2026-04-01T00:55:00Z';
    expect((await submit([p4, restart], later)).outcomes.map((o) => o.code ?? o.status)).toEqual(['CHAIN_GAP', 'accepted']);
    const [stored] = (await driver.getReadingsAt({ meterId: 'sm-1', times: ['2026-04-01T00:50:00Z'] })).readings;
    expect(stored).toMatchObject({ reset: 'chain', sequence: 0, chain: { hash: restart.hash, previous: CHAINED_ZERO_HASH } });
  });
});
