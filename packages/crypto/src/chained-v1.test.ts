import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519';
import { toHex } from './bytes';
import { sha256Hex } from './hash';
import { interpretReading } from './reading-facts';
import { CHAINED_ZERO_HASH, encodeChainedPayload, parseSignedReading, signChainedPacket, type ChainedV1Fields, type ChainedV1Reading } from './signed-reading';
import { generateSoftwareSigner, type SoftwareSigner } from './signer';
import { expectCode, RFC8032_ED25519 } from './testing/fixtures';
import { verifySignature } from './verify';

const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const p256 = generateSoftwareSigner('ecdsa-p256-sha256');
const ed = generateSoftwareSigner('ed25519');
const k1 = generateSoftwareSigner('ecdsa-secp256k1-sha256');

function verify(r: ChainedV1Reading, signer: SoftwareSigner, message: Uint8Array = r.signedBytes): boolean {
  return verifySignature({ scheme: r.scheme, publicKey: signer.publicKey, message, signature: r.signature, signatureEncoding: r.signatureEncoding });
}
function malformed(fn: () => unknown, mentions: string | RegExp): void {
  expect(expectCode(fn, 'MALFORMED_READING').message).toMatch(mentions);
}
/** A packet around a payload text written by hand, signed by `signer`. */
function packet(signer: SoftwareSigner, payload: string, extra: Record<string, unknown> = {}, encoding?: 'der' | 'raw'): string {
  return JSON.stringify({ type: 'meterledger.chained.v1', scheme: signer.scheme, payload, signature: toHex(signer.sign(payload, encoding)), ...extra });
}

const first: ChainedV1Fields = { meterId: 'MTR-0001', time: '2024-05-01T12:00:00+02:00', value: '1.500', unit: 'kWh', sequence: 1, previous: CHAINED_ZERO_HASH };

describe('chained-v1: encoding', () => {
  it('encodeChainedPayload is the canonical JSON of the signed fields, with the type', () => {
    expect(utf8(encodeChainedPayload(first))).toBe(
      '{"meterId":"MTR-0001","previous":"0000000000000000000000000000000000000000000000000000000000000000","sequence":1,"time":"2024-05-01T12:00:00+02:00","type":"meterledger.chained.v1","unit":"kWh","value":"1.500"}',
    );
  });

  it('signChainedPacket returns the wire text and the hash the next packet names', () => {
    const { packet: wire, hash } = signChainedPacket(p256, first);
    const doc = JSON.parse(wire) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['type', 'scheme', 'payload', 'signature', 'signatureEncoding']);
    expect(doc).toMatchObject({ type: 'meterledger.chained.v1', scheme: 'ecdsa-p256-sha256', signatureEncoding: 'der' });
    expect(doc.payload).toBe(utf8(encodeChainedPayload(first)));
    expect(hash).toBe(sha256Hex(encodeChainedPayload(first)));
    expect(signChainedPacket(ed, first).packet).toContain('"signatureEncoding":"raw"');
  });

  it.each([
    ['padded value', { value: ' 1.5' }, /value/],
    ['leading zero value', { value: '01.5' }, /value/],
    ['numeric value', { value: 1.5 }, /value/],
    ['upper-case previous', { previous: 'AB'.repeat(32) }, /previous/],
    ['short previous', { previous: 'ab'.repeat(31) }, /previous/],
    ['missing sequence', { sequence: undefined }, /sequence/],
    ['null sequence', { sequence: null }, /sequence/],
    ['negative sequence', { sequence: -1 }, /sequence/],
    ['time without offset', { time: '2024-05-01T12:00:00' }, /time/],
    ['empty unit', { unit: '' }, /unit/],
    ['empty meterId', { meterId: '' }, /meterId/],
  ])('encodeChainedPayload is strict: %s', (_n, change, mentions) => {
    malformed(() => encodeChainedPayload({ ...first, ...change } as unknown as ChainedV1Fields), mentions);
  });

  it('signChainedPacket checks the encoding against the scheme', () => {
    expectCode(() => signChainedPacket(ed, first, 'der'), 'UNKNOWN_SIGNATURE_ENCODING');
    expectCode(() => signChainedPacket(p256, first, 'pem' as never), 'UNKNOWN_SIGNATURE_ENCODING');
  });
});

describe('chained-v1: chains', () => {
  it.each([
    ['P-256 DER', p256, undefined],
    ['P-256 raw', p256, 'raw' as const],
    ['secp256k1 DER', k1, 'der' as const],
    ['Ed25519', ed, undefined],
  ])('%s: a chain of four packets links by hash, starting from zeros', (_n, signer, encoding) => {
    let previous = CHAINED_ZERO_HASH;
    const facts = [];
    for (let i = 0; i < 4; i++) {
      const fields = { ...first, time: `2024-05-01T12:${String(15 * i).padStart(2, '0')}:00+02:00`, value: `${1 + i}.500`, sequence: i + 1, previous };
      const { packet: wire, hash } = signChainedPacket(signer, fields, encoding);
      const r = parseSignedReading('chained-v1', wire);
      expect(r.scheme).toBe(signer.scheme);
      expect(r.fields).toEqual(fields);
      expect(verify(r, signer)).toBe(true);
      const [f] = interpretReading(r);
      expect(f.chain).toEqual({ hash, previous });
      expect(f.digest).toBe(hash);
      facts.push(f);
      previous = hash;
    }
    expect(facts[0].chain?.previous).toBe(CHAINED_ZERO_HASH);
    for (let i = 1; i < facts.length; i++) expect(facts[i].chain?.previous).toBe(facts[i - 1].chain?.hash);
    expect(facts.map((f) => [f.time, f.value, f.sequence, f.meterId, f.unit, f.cumulative])).toEqual([
      ['2024-05-01T10:00:00.000Z', '1.500', 1, 'MTR-0001', 'kWh', true],
      ['2024-05-01T10:15:00.000Z', '2.500', 2, 'MTR-0001', 'kWh', true],
      ['2024-05-01T10:30:00.000Z', '3.500', 3, 'MTR-0001', 'kWh', true],
      ['2024-05-01T10:45:00.000Z', '4.500', 4, 'MTR-0001', 'kWh', true],
    ]);
  });

  it('the payload text is signed exactly: a re-serialised payload does not verify', () => {
    const r = parseSignedReading('chained-v1', signChainedPacket(p256, first).packet);
    const pretty = JSON.stringify(JSON.parse(utf8(r.signedBytes)), null, 1);
    const other = parseSignedReading('chained-v1', JSON.stringify({ type: 'meterledger.chained.v1', scheme: 'ecdsa-p256-sha256', payload: pretty, signature: toHex(r.signature) }));
    expect(verify(other, p256)).toBe(false);
    expect(interpretReading(other)[0].digest).not.toBe(interpretReading(r)[0].digest);
  });

  it('a device payload that is not canonical JSON (own key order, spaces) verifies as signed', () => {
    const payload = `{ "type": "meterledger.chained.v1", "meterId": "SE-608A-17", "sequence": 96, "time": "2022-08-01T17:29:17.477Z",\n  "value": "12.25", "unit": "kWh", "previous": "${'a'.repeat(64)}" }`;
    const r = parseSignedReading('chained-v1', packet(p256, payload));
    expect(utf8(r.signedBytes)).toBe(payload);
    expect(verify(r, p256)).toBe(true);
    expect(interpretReading(r)[0]).toEqual({
      format: 'chained-v1',
      index: 0,
      meterId: 'SE-608A-17',
      deviceTime: '2022-08-01T17:29:17.477Z',
      time: '2022-08-01T17:29:17.477Z',
      value: '12.25',
      unit: 'kWh',
      sequence: 96,
      chain: { hash: sha256Hex(payload), previous: 'a'.repeat(64) },
      cumulative: true,
      digest: sha256Hex(payload),
    });
  });

  it('non-energy units are not cumulative', () => {
    const r = parseSignedReading('chained-v1', signChainedPacket(ed, { ...first, unit: 'W', value: '-12.0' }).packet);
    expect(interpretReading(r)[0]).toMatchObject({ unit: 'W', value: '-12.0', cumulative: false });
  });
});

describe('chained-v1: accepted device deviations', () => {
  const payload = (value: string, previous = CHAINED_ZERO_HASH) =>
    `{"type":"meterledger.chained.v1","meterId":"M1","time":"2024-05-01T12:00:00Z","value":${value},"unit":"kWh","sequence":3,"previous":"${previous}"}`;

  it.each([
    ['a JSON number', '1.500', '1.500'],
    ['a number with an integer value', '12', '12'],
    ['a string padded with spaces', '"  1.500 "', '1.500'],
    ['a string with leading zeros', '"0001.500"', '1.500'],
    ['negative zero', '"-0.00"', '0.00'],
  ])('value as %s', (_n, value, canonical) => {
    const text = payload(value);
    const r = parseSignedReading('chained-v1', packet(ed, text));
    expect(verify(r, ed)).toBe(true);
    expect(interpretReading(r)[0].value).toBe(canonical);
  });

  it('upper-case hex in previous is read as the same hash (lower case in the facts)', () => {
    const r = parseSignedReading('chained-v1', packet(ed, payload('"1"', 'AB'.repeat(32))));
    expect(r.fields.previous).toBe('AB'.repeat(32)); // as signed
    expect(interpretReading(r)[0].chain?.previous).toBe('ab'.repeat(32));
  });

  it('raw 64-byte r||s without signatureEncoding; upper-case hex; base64', () => {
    const text = payload('"1.0"');
    const raw = p256.sign(text, 'raw');
    const noEncoding = JSON.stringify({ type: 'meterledger.chained.v1', scheme: 'ecdsa-p256-sha256', payload: text, signature: toHex(raw).toUpperCase() });
    const r = parseSignedReading('chained-v1', noEncoding);
    expect(r.signatureEncoding).toBe('raw');
    expect(verify(r, p256)).toBe(true);
    // Declared DER is never reinterpreted.
    malformed(() => parseSignedReading('chained-v1', noEncoding.replace('"payload"', '"signatureEncoding":"der","payload"')), /DER/);
    const b64 = JSON.stringify({ type: 'meterledger.chained.v1', scheme: 'ecdsa-p256-sha256', payload: text, signature: Buffer.from(p256.sign(text)).toString('base64') });
    expect(verify(parseSignedReading('chained-v1', b64), p256)).toBe(true);
  });
});

describe('chained-v1: MALFORMED_READING', () => {
  const good = signChainedPacket(ed, first).packet;
  const doc = JSON.parse(good) as Record<string, unknown>;
  const payloadOf = (change: Record<string, unknown>, drop?: string) => {
    const p = { ...(JSON.parse(doc.payload as string) as Record<string, unknown>), ...change };
    if (drop) delete p[drop];
    return JSON.stringify({ ...doc, payload: JSON.stringify(p) });
  };
  it.each([
    ['not JSON', '{', /JSON/],
    ['array', '[]', /object/],
    ['wrong type', JSON.stringify({ ...doc, type: 'meterledger.reading.v1' }), /type/],
    ['extra packet field', JSON.stringify({ ...doc, note: 1 }), /"note"/],
    ['missing scheme', JSON.stringify({ ...doc, scheme: undefined }), /scheme/],
    ['unknown scheme', JSON.stringify({ ...doc, scheme: 'rsa' }), /scheme/],
    ['der with ed25519', JSON.stringify({ ...doc, signatureEncoding: 'der' }), /signatureEncoding/],
    ['missing payload', JSON.stringify({ ...doc, payload: undefined }), /payload/],
    ['payload not JSON', JSON.stringify({ ...doc, payload: 'meterId=1' }), /payload/],
    ['payload is an object, not its text', JSON.stringify({ ...doc, payload: JSON.parse(doc.payload as string) }), /payload/],
    ['payload array', JSON.stringify({ ...doc, payload: '[]' }), /payload/],
    ['payload with a duplicate key', JSON.stringify({ ...doc, payload: (doc.payload as string).replace('{', '{"value":"9",') }), /duplicate key "value"/],
    ['payload wrong type', payloadOf({ type: 'meterledger.reading.v1' }), /payload.type/],
    ['payload extra field', payloadOf({ status: 'ok' }), /"status"/],
    ['payload missing meterId', payloadOf({}, 'meterId'), /meterId/],
    ['payload time without offset', payloadOf({ time: '2024-05-01T12:00:00' }), /payload.time/],
    ['payload time Feb 30', payloadOf({ time: '2024-02-30T12:00:00Z' }), /payload.time/],
    ['payload value with exponent (number)', JSON.stringify({ ...doc, payload: (doc.payload as string).replace('"1.500"', '1.5e0') }), /payload.value/],
    ['payload value with a decimal comma', payloadOf({ value: '1,5' }), /payload.value/],
    ['payload value "+1.5"', payloadOf({ value: '+1.5' }), /payload.value/],
    ['payload value ".5"', payloadOf({ value: '.5' }), /payload.value/],
    ['payload value empty', payloadOf({ value: '' }), /payload.value/],
    ['payload value null', payloadOf({ value: null }), /payload.value/],
    ['payload missing unit', payloadOf({}, 'unit'), /unit/],
    ['payload missing sequence', payloadOf({}, 'sequence'), /payload.sequence/],
    ['payload fractional sequence', JSON.stringify({ ...doc, payload: (doc.payload as string).replace('"sequence":1', '"sequence":1.0') }), /payload.sequence/],
    ['payload string sequence', payloadOf({ sequence: '1' }), /payload.sequence/],
    ['payload missing previous', payloadOf({}, 'previous'), /payload.previous/],
    ['payload short previous', payloadOf({ previous: '00' }), /payload.previous/],
    ['payload previous with 0x', payloadOf({ previous: `0x${'0'.repeat(62)}` }), /payload.previous/],
    ['bad signature text', JSON.stringify({ ...doc, signature: 'zz!' }), /signature/],
    ['short signature', JSON.stringify({ ...doc, signature: 'abcd' }), /signature/],
  ])('%s', (_n, raw, mentions) => malformed(() => parseSignedReading('chained-v1', raw), mentions));
});

describe('chained-v1: README example', () => {
  // RFC 8032 7.1 TEST 1 key; Ed25519 is deterministic, so the packets are fixed.
  const v = RFC8032_ED25519[0];
  const signer = { scheme: 'ed25519' as const, sign: (m: Uint8Array) => ed25519.sign(m, Buffer.from(v.secretKey, 'hex')) };
  const FIRST =
    '{"type":"meterledger.chained.v1","scheme":"ed25519","payload":"{\\"meterId\\":\\"MTR-0001\\",\\"previous\\":\\"0000000000000000000000000000000000000000000000000000000000000000\\",\\"sequence\\":1,\\"time\\":\\"2024-05-01T12:00:00+02:00\\",\\"type\\":\\"meterledger.chained.v1\\",\\"unit\\":\\"kWh\\",\\"value\\":\\"1.500\\"}","signature":"60ab41571c7b44e0c4ee97b9544bc6d8affda95ce1257498ee40b12f37d70709676d7b61fcc10ed72d7ffb2b4898f7efe976b1f239088d56d8f7dc5d2617770c","signatureEncoding":"raw"}';
  const FIRST_HASH = '10ea126e2df47aca719bbd7ed697f76e7e69e3f19922791764d11514f6ff2a9d';

  it('is reproduced byte for byte, verifies with the RFC 8032 public key, and is in the README', () => {
    const { packet: wire, hash } = signChainedPacket(signer, first);
    expect(wire).toBe(FIRST);
    expect(hash).toBe(FIRST_HASH);
    const r = parseSignedReading('chained-v1', FIRST);
    expect(verifySignature({ scheme: r.scheme, publicKey: v.publicKey, message: r.signedBytes, signature: r.signature })).toBe(true);
    expect(interpretReading(r)[0]).toMatchObject({ time: '2024-05-01T10:00:00.000Z', value: '1.500', sequence: 1, chain: { hash: FIRST_HASH, previous: CHAINED_ZERO_HASH } });
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(FIRST);
    expect(readme).toContain(FIRST_HASH);
  });
});
