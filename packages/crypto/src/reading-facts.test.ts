import { ed25519 } from '@noble/curves/ed25519';
import { toHex } from './bytes';
import { canonicalDecimal } from './decimal';
import { sha256Hex } from './hash';
import { interpretReading } from './reading-facts';
import { encodeReadingV1, parseSignedReading, type SignedReading } from './signed-reading';
import { generateSoftwareSigner, type SoftwareSigner } from './signer';
import { expectCode, RFC8032_ED25519 } from './testing/fixtures';
import { verifySignature } from './verify';

const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const ed = generateSoftwareSigner('ed25519');
const p256 = generateSoftwareSigner('ecdsa-p256-sha256');

function verify(r: SignedReading, signer: SoftwareSigner): boolean {
  return verifySignature({ scheme: r.scheme, publicKey: signer.publicKey, message: r.signedBytes, signature: r.signature, signatureEncoding: r.signatureEncoding });
}
function malformed(fn: () => unknown, mentions: string | RegExp): void {
  expect(expectCode(fn, 'MALFORMED_READING').message).toMatch(mentions);
}

describe('canonicalDecimal', () => {
  it.each([
    ['1.581', '1.581'],
    ['1.500', '1.500'],
    ['0', '0'],
    ['0.000', '0.000'],
    ['-0', '0'],
    ['-0.0', '0.0'],
    ['-000.000', '0.000'],
    ['0001.581', '1.581'],
    [' 1.581', '1.581'],
    ['   0012.50  ', '12.50'],
    ['-007.25', '-7.25'],
    ['100', '100'],
    ['00', '0'],
    ['2965.10', '2965.10'],
  ])('%j -> %j', (input, out) => expect(canonicalDecimal(input, 'v')).toBe(out));

  it.each(['', ' ', '+1', '1e3', '1.5E-2', '1,5', '1 000', '.5', '5.', '1.2.3', '- 1', '\t1', '1\n', 'NaN', 'Infinity', '0x10', '١٢'])('%j -> MALFORMED_READING', (input) =>
    malformed(() => canonicalDecimal(input, 'ENERGY.Total'), /ENERGY\.Total/),
  );
});

// ---------------------------------------------------------------------------------------------
describe('interpretReading: bc4p-tasmota', () => {
  /** A tele/<device>/SENSOR message as DT3.2.1 §3.2 prints it, with a JSON-string signature. */
  function sensor(signer: SoftwareSigner, time: string, totalJson: string, signedTotal: string): string {
    const sig = toHex(signer.sign(`${time},${signedTotal}`));
    return (
      `{"Time":"${time}","Signature":"${sig}","ENERGY":{"TotalStartTime":"2023-02-06T08:33:28","Total":${totalJson},"Yesterday":0.584,` +
      `"Today":0.498,"Period":1,"Power":51,"ApparentPower":78,"ReactivePower":59,"Factor":0.65,"Voltage":234,"Current":0.333}}`
    );
  }
  const raw = sensor(ed, '2023-02-08T13:54:26', '1.581', '1.581');

  it('the DT3.2.1 message: local time placed with utcOffset (default Z), unit kWh, cumulative', () => {
    const r = parseSignedReading('bc4p-tasmota', raw, { topic: 'tele/tasmota_hackathon01/SENSOR' });
    expect(verify(r, ed)).toBe(true);
    const expected = {
      format: 'bc4p-tasmota',
      index: 0,
      meterId: null,
      deviceTime: '2023-02-08T13:54:26',
      time: '2023-02-08T13:54:26.000Z',
      value: '1.581',
      unit: 'kWh',
      sequence: null,
      chain: null,
      cumulative: true,
      digest: sha256Hex('2023-02-08T13:54:26,1.581'),
    };
    expect(interpretReading(r)).toEqual([expected]);
    expect(interpretReading(r, {})).toEqual([expected]);
    expect(interpretReading(r, { utcOffset: undefined })).toEqual([expected]);
    expect(interpretReading(r, { utcOffset: 'Z' })).toEqual([expected]);
    expect(interpretReading(r, { utcOffset: '+01:00' })).toEqual([{ ...expected, time: '2023-02-08T12:54:26.000Z' }]);
    expect(interpretReading(r, { utcOffset: '-05:30' })).toEqual([{ ...expected, time: '2023-02-08T19:24:26.000Z' }]);
  });

  it('utcOffset crosses midnight and the year with the one RFC 3339 parser', () => {
    const r = parseSignedReading('bc4p-tasmota', sensor(ed, '2024-01-01T00:30:00', '0.000', '0.000'));
    expect(interpretReading(r, { utcOffset: '+01:00' })[0].time).toBe('2023-12-31T23:30:00.000Z');
  });

  it('a Time that carries its own offset keeps it; utcOffset is ignored then', () => {
    const r = parseSignedReading('bc4p-tasmota', sensor(ed, '2023-02-08T13:54:26.250+01:00', '1.581', '1.581'));
    expect(verify(r, ed)).toBe(true);
    for (const utcOffset of [undefined, 'Z', '+05:00']) {
      expect(interpretReading(r, { utcOffset })[0]).toMatchObject({ deviceTime: '2023-02-08T13:54:26.250+01:00', time: '2023-02-08T12:54:26.250Z' });
    }
  });

  it.each([
    ['a JSON string', '"1.581"', '1.581', '1.581'],
    ['a string padded with a space', '" 1.581"', ' 1.581', '1.581'],
    ['a string with leading zeros', '"0001.581"', '0001.581', '1.581'],
    ['a string with both', '"  0001.500"', '  0001.500', '1.500'],
    ['a string "-0.000"', '"-0.000"', '-0.000', '0.000'],
  ])('accepted deviation: Total as %s; the string content is what was signed', (_n, json, signed, value) => {
    const r = parseSignedReading('bc4p-tasmota', sensor(ed, '2023-02-08T13:54:26', json, signed));
    expect(utf8(r.signedBytes)).toBe(`2023-02-08T13:54:26,${signed}`);
    expect(r.fields.total).toBe(signed);
    expect(verify(r, ed)).toBe(true);
    expect(interpretReading(r)[0].value).toBe(value);
  });

  it('"1.000" keeps its scale; a Total with an exponent is not interpreted', () => {
    expect(interpretReading(parseSignedReading('bc4p-tasmota', sensor(ed, '2023-02-08T13:54:26', '1.000', '1.000')))[0].value).toBe('1.000');
    const r = parseSignedReading('bc4p-tasmota', sensor(ed, '2023-02-08T13:54:26', '1.581e0', '1.581e0'));
    expect(verify(r, ed)).toBe(true); // the signature is fine; the value's scale is not stated
    malformed(() => interpretReading(r), /ENERGY\.Total/);
  });

  it('upper-case hex signature, RFC 8032 key (independent signer)', () => {
    const v = RFC8032_ED25519[0];
    const sig = toHex(ed25519.sign(Buffer.from('2023-02-08T12:19:52,0.000'), Buffer.from(v.secretKey, 'hex'))).toUpperCase();
    const r = parseSignedReading('bc4p-tasmota', `{"Time":"2023-02-08T12:19:52","Calculating signature on":"2023-02-08T12:19:52,0.000","Signature":"${sig}","ENERGY":{"Total":0.000}}`);
    expect(verifySignature({ scheme: r.scheme, publicKey: v.publicKey, message: r.signedBytes, signature: r.signature })).toBe(true);
    expect(interpretReading(r, { utcOffset: '+01:00' })[0]).toMatchObject({ time: '2023-02-08T11:19:52.000Z', value: '0.000' });
  });

  it('a Time that is not a real date is MALFORMED_READING; a bad utcOffset is MALFORMED_TIME', () => {
    const feb30 = parseSignedReading('bc4p-tasmota', sensor(ed, '2023-02-30T13:54:26', '1.581', '1.581'));
    malformed(() => interpretReading(feb30), /Time "2023-02-30T13:54:26"/);
    const r = parseSignedReading('bc4p-tasmota', raw);
    for (const utcOffset of ['+1:00', '+0100', 'z', 'UTC', '+24:00', '+01:60', '', '+01:00 ', 1 as never]) {
      expect(expectCode(() => interpretReading(r, { utcOffset }), 'MALFORMED_TIME').message).toMatch(/utcOffset/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('interpretReading: meterledger-v1', () => {
  function envelope(f: Record<string, unknown>, signer: SoftwareSigner, encoding?: 'der' | 'raw'): string {
    const sig = signer.sign(encodeReadingV1(f as never), encoding);
    return JSON.stringify({ format: 'meterledger-v1', ...f, scheme: signer.scheme, signature: toHex(sig), ...(encoding ? { signatureEncoding: encoding } : {}) });
  }

  it('facts of a v1 reading: UTC time (fraction truncated to ms), canonical value, meterId, sequence', () => {
    const f = { meterId: 'MTR-0001', time: '2024-05-01T12:00:00.123456789+02:00', value: '-0.000', unit: 'kWh', sequence: 7 };
    const r = parseSignedReading('meterledger-v1', envelope(f, ed));
    expect(interpretReading(r)).toEqual([
      {
        format: 'meterledger-v1',
        index: 0,
        meterId: 'MTR-0001',
        deviceTime: '2024-05-01T12:00:00.123456789+02:00',
        time: '2024-05-01T10:00:00.123Z',
        value: '0.000',
        unit: 'kWh',
        sequence: 7,
        chain: null,
        cumulative: true,
        digest: sha256Hex(encodeReadingV1(f)),
      },
    ]);
  });

  it.each([
    ['Wh', true],
    ['kWh', true],
    ['MWh', true],
    ['varh', true],
    ['kvarh', true],
    ['mWh', false],
    ['kwh', false],
    ['W', false],
    ['°C', false],
    ['m3', false],
  ])('unit %s -> cumulative %s', (unit, cumulative) => {
    const r = parseSignedReading('meterledger-v1', envelope({ meterId: 'M', time: '2024-05-01T12:00:00Z', value: '1', unit }, ed));
    expect(interpretReading(r)[0]).toMatchObject({ unit, cumulative, sequence: null });
  });

  it('accepted deviation: a raw 64-byte ECDSA r||s without signatureEncoding', () => {
    const f = { meterId: 'M', time: '2024-05-01T12:00:00Z', value: '1.000', unit: 'kWh', sequence: 1 };
    const raw = envelope(f, p256, 'raw').replace(/,"signatureEncoding":"raw"/, '');
    expect(raw).not.toContain('signatureEncoding');
    const r = parseSignedReading('meterledger-v1', raw);
    expect(r.signatureEncoding).toBe('raw');
    expect(verify(r, p256)).toBe(true);
    // Declared 'der' is never reinterpreted, and a DER signature without the field stays DER.
    malformed(() => parseSignedReading('meterledger-v1', raw.replace('"scheme"', '"signatureEncoding":"der","scheme"')), /DER/);
    expect(parseSignedReading('meterledger-v1', envelope(f, p256)).signatureEncoding).toBe('der');
  });
});

// ---------------------------------------------------------------------------------------------
describe('interpretReading: ocmf', () => {
  /** A charging session record: begin, two clock-aligned tariff readings, end; later readings omit unchanged fields. */
  const SESSION =
    '{"FV":"1.0","GI":"ABL SBC-301","GS":"808829900001","GV":"1.4p3","PG":"T12346","MV":"Phoenix Contact","MM":"EEM-350-D-MCB","MS":"BQ27400330016","MF":"1.0",' +
    '"IS":true,"IL":"VERIFIED","IF":["RFID_PLAIN","OCPP_RS_TLS"],"IT":"ISO14443","ID":"1F2D3A4F5506C7","RD":[' +
    '{"TM":"2018-07-24T13:22:04,000+0200 S","TX":"B","RV":2935.6,"RI":"1-b:1.8.0","RU":"kWh","RT":"DC","EF":"","ST":"G"},' +
    '{"TM":"2018-07-24T13:30:00,000+0200 S","TX":"T","RV":2941.20},' +
    '{"TM":"2018-07-24T13:45:00,000+0200 S","RV":"02953.05"},' +
    '{"TM":"2018-07-24T13:51:17,512+0200 R","TX":"E","RV":2965.10}]}';
  const record = (payload: string, signer = p256) => `OCMF|${payload}|{"SA":"ECDSA-secp256r1-SHA256","SD":"${toHex(signer.sign(payload)).toUpperCase()}"}`;

  it('one fact per RD entry, fields carried from earlier readings, one digest', () => {
    const r = parseSignedReading('ocmf', record(SESSION));
    expect(verify(r, p256)).toBe(true);
    const facts = interpretReading(r);
    const digest = sha256Hex(SESSION);
    expect(facts).toEqual([
      { format: 'ocmf', index: 0, meterId: null, deviceTime: '2018-07-24T13:22:04,000+0200 S', time: '2018-07-24T11:22:04.000Z', value: '2935.6', unit: 'kWh', sequence: null, chain: null, cumulative: true, digest },
      { format: 'ocmf', index: 1, meterId: null, deviceTime: '2018-07-24T13:30:00,000+0200 S', time: '2018-07-24T11:30:00.000Z', value: '2941.20', unit: 'kWh', sequence: null, chain: null, cumulative: true, digest },
      { format: 'ocmf', index: 2, meterId: null, deviceTime: '2018-07-24T13:45:00,000+0200 S', time: '2018-07-24T11:45:00.000Z', value: '2953.05', unit: 'kWh', sequence: null, chain: null, cumulative: true, digest },
      { format: 'ocmf', index: 3, meterId: null, deviceTime: '2018-07-24T13:51:17,512+0200 R', time: '2018-07-24T11:51:17.512Z', value: '2965.10', unit: 'kWh', sequence: null, chain: null, cumulative: true, digest },
    ]);
    // utcOffset never applies: OCMF times carry their offset.
    expect(interpretReading(r, { utcOffset: '+05:00' })).toEqual(facts);
  });

  it('the same content gives the same digest; other whitespace is another signed reading', () => {
    const a = interpretReading(parseSignedReading('ocmf', record(SESSION)))[0].digest;
    const b = interpretReading(parseSignedReading('ocmf', record(SESSION, generateSoftwareSigner('ecdsa-p256-sha256'))))[0].digest;
    expect(b).toBe(a);
    const spaced = interpretReading(parseSignedReading('ocmf', record(SESSION.replace('"FV":"1.0"', '"FV": "1.0"'))))[0].digest;
    expect(spaced).not.toBe(a);
  });

  it('a Wh register and a negative-offset time', () => {
    const payload = '{"FV":"1.0","PG":"F7","MS":"S1","RD":[{"TM":"2024-03-10T23:59:59,999-0500 I","RV":0012000,"RU":"Wh","ST":"G"}]}';
    // 0012000 is not JSON (leading zeros in a number): rejected by the parser, as before.
    malformed(() => parseSignedReading('ocmf', record(payload)), /leading zero/);
    const r = parseSignedReading('ocmf', record(payload.replace('0012000', '"0012000"')));
    expect(interpretReading(r)[0]).toMatchObject({ time: '2024-03-11T04:59:59.999Z', value: '12000', unit: 'Wh', cumulative: true });
  });

  const one = (rd: string) => `{"PG":"T1","MS":"S1","RD":[${rd}]}`;
  it.each([
    ['RD without RV (unchanged value, or an event?)', one('{"TM":"2018-07-24T13:22:04,000+0200 S","RU":"kWh","ST":"G"}'), /RD\[0\]\.RV is missing/],
    [
      'a later RD without RV',
      one('{"TM":"2018-07-24T13:22:04,000+0200 S","RV":1.0,"RU":"kWh","ST":"G"},{"TM":"2018-07-24T13:23:04,000+0200 S","TX":"X"}'),
      /RD\[1\]\.RV is missing/,
    ],
    ['no RU anywhere', one('{"TM":"2018-07-24T13:22:04,000+0200 S","RV":1.0,"ST":"G"}'), /RD\[0\]\.RU/],
    ['meter state not good', one('{"TM":"2018-07-24T13:22:04,000+0200 S","RV":1.0,"RU":"kWh","ST":"M"}'), /RD\[0\]\.ST is "M"/],
    ['error flag carried to a later reading', one('{"TM":"2018-07-24T13:22:04,000+0200 S","RV":1.0,"RU":"kWh","ST":"G","EF":"E"},{"TM":"2018-07-24T13:23:04,000+0200 S","RV":1.1}'), /RD\[0\]\.EF is "E"/],
    ['TM with "." for the milliseconds', one('{"TM":"2018-07-24T13:22:04.000+0200 S","RV":1.0,"RU":"kWh"}'), /RD\[0\]\.TM/],
    ['TM without the time status', one('{"TM":"2018-07-24T13:22:04,000+0200","RV":1.0,"RU":"kWh"}'), /RD\[0\]\.TM/],
    ['TM with an unknown time status', one('{"TM":"2018-07-24T13:22:04,000+0200 X","RV":1.0,"RU":"kWh"}'), /RD\[0\]\.TM/],
    ['TM with "+02:00"', one('{"TM":"2018-07-24T13:22:04,000+02:00 S","RV":1.0,"RU":"kWh"}'), /RD\[0\]\.TM/],
    ['TM Feb 30', one('{"TM":"2018-02-30T13:22:04,000+0200 S","RV":1.0,"RU":"kWh"}'), /RD\[0\]\.TM/],
    ['RV with an exponent', one('{"TM":"2018-07-24T13:22:04,000+0200 S","RV":2.9356e3,"RU":"kWh"}'), /RD\[0\]\.RV/],
  ])('%s -> MALFORMED_READING', (_n, payload, mentions) => {
    const r = parseSignedReading('ocmf', record(payload));
    malformed(() => interpretReading(r), mentions);
  });

  it('a non-energy unit is not cumulative', () => {
    const r = parseSignedReading('ocmf', record(one('{"TM":"2018-07-24T13:22:04,000+0200 U","RV":12.5,"RU":"mOhm","ST":"G"}')));
    expect(interpretReading(r)[0]).toMatchObject({ unit: 'mOhm', cumulative: false, value: '12.5' });
  });
});

describe('interpretReading: input checks', () => {
  it('rejects what parseSignedReading cannot have produced', () => {
    expectCode(() => interpretReading({ format: 'x', signedBytes: new Uint8Array(1) } as never), 'UNKNOWN_FORMAT');
    expectCode(() => interpretReading(null as never), 'MALFORMED_READING');
    expectCode(() => interpretReading({ format: 'ocmf' } as never), 'MALFORMED_READING');
  });
});
