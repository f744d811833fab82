import { CHAINED_ZERO_HASH, generateSoftwareSigner, parseSignedReading, sha256Hex, softwareDeviceSigner, verifySignature } from '@meterledger/crypto';
import { ChainedMeter, SimulatedTasmotaPlug, readingV1, signTasmotaMessage, tasmotaTime } from './device';

function verifies(format: Parameters<typeof parseSignedReading>[0], payload: string, publicKey: string, topic?: string): boolean {
  const parsed = parseSignedReading(format, payload, topic ? { topic } : {});
  return verifySignature({ scheme: parsed.scheme, publicKey, message: parsed.signedBytes, signature: parsed.signature, signatureEncoding: parsed.signatureEncoding });
}

describe('meterledger-v1', () => {
  it.each([
    ['ecdsa-p256-sha256', undefined],
    ['ecdsa-p256-sha256', 'raw'],
    ['ecdsa-secp256k1-sha256', undefined],
    ['ed25519', undefined],
  ] as const)('%s (%s): a message crypto parses and verifies, with the signed fields exactly', async (scheme, encoding) => {
    const signer = softwareDeviceSigner(generateSoftwareSigner(scheme), encoding ? { signatureEncoding: encoding } : {});
    const reading = await readingV1(signer, { meterId: 'm-1', time: '2026-11-21T10:00:00Z', value: '21.50', unit: 'Cel', sequence: 7 });
    expect(reading.format).toBe('meterledger-v1');
    const parsed = parseSignedReading('meterledger-v1', reading.payload);
    expect(parsed.fields).toEqual({ meterId: 'm-1', time: '2026-11-21T10:00:00Z', value: '21.50', unit: 'Cel', sequence: 7 });
    expect(parsed.signatureEncoding).toBe(scheme === 'ed25519' ? 'raw' : (encoding ?? 'der'));
    expect(verifies('meterledger-v1', reading.payload, signer.publicKeyPem)).toBe(true);
  });

  it('omits the sequence when the meter does not number its readings', async () => {
    const signer = softwareDeviceSigner(generateSoftwareSigner('ed25519'));
    const reading = await readingV1(signer, { meterId: 'm-1', time: '2026-11-21T10:00:00Z', value: '1', unit: 'W' });
    expect(JSON.parse(reading.payload)).not.toHaveProperty('sequence');
    expect(parseSignedReading('meterledger-v1', reading.payload).fields.sequence).toBeNull();
  });

  it('an asynchronous signer (a secure element) is awaited', async () => {
    const soft = generateSoftwareSigner('ecdsa-p256-sha256');
    const slow = { scheme: soft.scheme, publicKeyPem: soft.publicKey.spkiPem, sign: (b: Uint8Array) => new Promise<Uint8Array>((r) => setTimeout(() => r(soft.sign(b)), 5)) };
    const reading = await readingV1(slow, { meterId: 'm-1', time: '2026-11-21T10:00:00Z', value: '1', unit: 'W' });
    expect(verifies('meterledger-v1', reading.payload, slow.publicKeyPem)).toBe(true);
  });
});

describe('chained-v1', () => {
  it('links each packet to the hash of the previous payload and numbers them', async () => {
    const signer = softwareDeviceSigner(generateSoftwareSigner('ecdsa-p256-sha256'));
    const meter = new ChainedMeter('m-2', signer, 'kWh');
    const a = await meter.next({ time: '2026-11-21T10:00:00Z', value: '1.000' });
    const b = await meter.next({ time: '2026-11-21T10:01:00Z', value: '1.250' });
    const pa = parseSignedReading('chained-v1', a.reading.payload);
    const pb = parseSignedReading('chained-v1', b.reading.payload);
    expect(pa.fields).toMatchObject({ meterId: 'm-2', sequence: 0, previous: CHAINED_ZERO_HASH });
    expect(pb.fields).toMatchObject({ sequence: 1, previous: a.hash });
    expect(a.hash).toBe(sha256Hex(pa.signedBytes));
    expect(verifies('chained-v1', b.reading.payload, signer.publicKeyPem)).toBe(true);
    expect(meter.state).toEqual({ sequence: 2, previous: b.hash });
    meter.restartChain();
    expect(parseSignedReading('chained-v1', (await meter.next({ time: '2026-11-21T10:02:00Z', value: '1.5' })).reading.payload).fields.previous).toBe(CHAINED_ZERO_HASH);
  });

  it('a failed signature leaves the chain where it was', async () => {
    const soft = generateSoftwareSigner('ed25519');
    let fail = true;
    const flaky = { scheme: soft.scheme, publicKeyPem: soft.publicKey.spkiPem, sign: async (b: Uint8Array) => (fail ? Promise.reject(new Error('token removed')) : soft.sign(b)) };
    const meter = new ChainedMeter('m-3', flaky, 'kWh');
    await expect(meter.next({ time: '2026-11-21T10:00:00Z', value: '1' })).rejects.toThrow('token removed');
    expect(meter.state).toEqual({ sequence: 0, previous: CHAINED_ZERO_HASH });
    fail = false;
    expect((await meter.next({ time: '2026-11-21T10:00:00Z', value: '1' })).fields.sequence).toBe(0);
  });
});

describe('BC4P Tasmota', () => {
  it('signs "<Time>,<Total>" with Ed25519 in a message shaped like 003 §3.2', async () => {
    const signer = softwareDeviceSigner(generateSoftwareSigner('ed25519'));
    const msg = await signTasmotaMessage(signer, {
      device: 'tasmota_hackathon01',
      time: '2023-02-08T13:54:26',
      total: '1.581',
      energy: { TotalStartTime: '2023-02-06T08:33:28', Yesterday: 0.584, Today: 0.498, Period: 1, Power: 51, Voltage: 234, Current: 0.333 },
    });
    expect(msg.topic).toBe('tele/tasmota_hackathon01/SENSOR');
    const doc = JSON.parse(msg.payload);
    expect(doc).toMatchObject({ Time: '2023-02-08T13:54:26', ENERGY: { Total: 1.581, Power: 51 } });
    expect(doc.Signature).toMatch(/^[0-9a-f]{128}$/);
    const parsed = parseSignedReading('bc4p-tasmota', msg.payload, { topic: msg.topic });
    expect(Buffer.from(parsed.signedBytes).toString()).toBe('2023-02-08T13:54:26,1.581');
    expect(parsed.fields.device).toBe('tasmota_hackathon01');
    expect(verifies('bc4p-tasmota', msg.payload, signer.publicKeyPem, msg.topic)).toBe(true);
  });

  it('keeps the printed decimals of Total ("1.000" is signed as 1.000, not 1)', async () => {
    const signer = softwareDeviceSigner(generateSoftwareSigner('ed25519'));
    const msg = await signTasmotaMessage(signer, { device: 'plug', time: '2026-11-21T10:00:00', total: '1.000' });
    expect(msg.payload).toContain('"Total":1.000');
    expect(Buffer.from(parseSignedReading('bc4p-tasmota', msg.payload).signedBytes).toString()).toBe('2026-11-21T10:00:00,1.000');
  });

  it('refuses a non-Ed25519 signer and a bad total', async () => {
    await expect(signTasmotaMessage(softwareDeviceSigner(generateSoftwareSigner('ecdsa-p256-sha256')), { device: 'p', time: '2026-11-21T10:00:00', total: '1' })).rejects.toThrow(/Ed25519/);
    await expect(signTasmotaMessage(softwareDeviceSigner(generateSoftwareSigner('ed25519')), { device: 'p', time: '2026-11-21T10:00:00', total: '1e3' })).rejects.toThrow(/total/);
  });

  it('prints local time for the device offset, and the simulated plug counts up', async () => {
    expect(tasmotaTime(new Date('2026-11-21T10:00:00.900Z'), '+01:00')).toBe('2026-11-21T11:00:00');
    expect(tasmotaTime(new Date('2026-11-21T00:30:00Z'), '-02:30')).toBe('2026-11-20T22:00:00');
    const plug = new SimulatedTasmotaPlug('plug-1', softwareDeviceSigner(generateSoftwareSigner('ed25519')), { total: '1.5', utcOffset: '+01:00' });
    expect(plug.total).toBe('1.500');
    const m = await plug.measure(new Date('2026-11-21T10:00:00Z'), 81);
    expect(plug.total).toBe('1.581');
    expect(parseSignedReading('bc4p-tasmota', m.payload).fields).toMatchObject({ time: '2026-11-21T11:00:00', total: '1.581' });
  });
});
