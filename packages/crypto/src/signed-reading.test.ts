import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from './bytes';
import { CryptoError } from './errors';
import { encodeReadingV1, parseSignedReading, type SignedReading } from './signed-reading';
import { generateSoftwareSigner, type SoftwareSigner } from './signer';
import { expectCode, RFC8032_ED25519 } from './testing/fixtures';
import { ed25519 } from '@noble/curves/ed25519';
import { verifySignature } from './verify';

const utf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const ed = generateSoftwareSigner('ed25519');
const p256 = generateSoftwareSigner('ecdsa-p256-sha256');
const k1 = generateSoftwareSigner('ecdsa-secp256k1-sha256');

function verify(r: SignedReading, signer: SoftwareSigner, message: Uint8Array = r.signedBytes): boolean {
  return verifySignature({ scheme: r.scheme, publicKey: signer.publicKey, message, signature: r.signature, signatureEncoding: r.signatureEncoding });
}
function tamper(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b);
  c[c.length - 1] ^= 1;
  return c;
}
function malformed(fn: () => unknown, mentions: string | RegExp): void {
  const err = expectCode(fn, 'MALFORMED_READING');
  expect(err.message).toMatch(mentions);
}

// ---------------------------------------------------------------------------------------------
describe('meterledger-v1', () => {
  const fields = { meterId: 'MTR-0001', time: '2024-05-01T12:00:00Z', value: '1.000', unit: 'kWh', sequence: 7 };

  it('encodeReadingV1 is the canonical JSON of the signed fields', () => {
    expect(utf8(encodeReadingV1(fields))).toBe(
      '{"meterId":"MTR-0001","sequence":7,"time":"2024-05-01T12:00:00Z","type":"meterledger.reading.v1","unit":"kWh","value":"1.000"}',
    );
    expect(utf8(encodeReadingV1({ meterId: 'M', time: '2024-05-01T12:00:00+02:00', value: '0', unit: 'Wh' }))).toBe(
      '{"meterId":"M","sequence":null,"time":"2024-05-01T12:00:00+02:00","type":"meterledger.reading.v1","unit":"Wh","value":"0"}',
    );
  });

  function envelope(signer: SoftwareSigner, encoding?: 'der' | 'raw', f: Record<string, unknown> = fields): string {
    const sig = signer.sign(encodeReadingV1(f as never), encoding);
    return JSON.stringify({ format: 'meterledger-v1', ...f, scheme: signer.scheme, signature: toHex(sig), ...(encoding ? { signatureEncoding: encoding } : {}) });
  }

  it.each([
    ['ed25519', ed, undefined],
    ['p256 der', p256, undefined],
    ['p256 raw', p256, 'raw' as const],
    ['secp256k1 der', k1, 'der' as const],
  ])('%s: parse -> verify true, tampering -> false', (_n, signer, enc) => {
    const r = parseSignedReading('meterledger-v1', envelope(signer, enc));
    expect(r.format).toBe('meterledger-v1');
    expect(r.fields).toEqual(fields);
    expect(verify(r, signer)).toBe(true);
    expect(verify(r, signer, tamper(r.signedBytes))).toBe(false);
    const other = parseSignedReading('meterledger-v1', envelope(signer, enc).replace('"1.000"', '"1.0"'));
    expect(verify({ ...other, signature: r.signature }, signer)).toBe(false);
  });

  it('absent sequence signs null; base64 signatures are accepted', () => {
    const f = { meterId: 'M', time: '2024-05-01T12:00:00.123Z', value: '-2.50', unit: 'kWh' };
    const sig = ed.sign(encodeReadingV1(f));
    const raw = JSON.stringify({ format: 'meterledger-v1', ...f, scheme: 'ed25519', signature: Buffer.from(sig).toString('base64') });
    const r = parseSignedReading('meterledger-v1', raw);
    expect(r.fields.sequence).toBeNull();
    expect(verify(r, ed)).toBe(true);
  });

  const good = JSON.parse(envelope(ed)) as Record<string, unknown>;
  const without = (k: string) => Object.fromEntries(Object.entries(good).filter(([key]) => key !== k));
  it.each([
    ['not JSON', '{', /JSON/],
    ['trailing text', JSON.stringify(good) + 'x', /after the JSON value/],
    ['duplicate key', JSON.stringify(good).replace('{', '{"value":"9",'), /duplicate key "value"/],
    ['array', '[]', /object/],
    ['wrong format', JSON.stringify({ ...good, format: 'x' }), /format/],
    ['missing meterId', JSON.stringify(without('meterId')), /meterId/],
    ['missing time', JSON.stringify(without('time')), /time/],
    ['time without offset', JSON.stringify({ ...good, time: '2024-05-01T12:00:00' }), /time/],
    ['time Feb 30', JSON.stringify({ ...good, time: '2024-02-30T12:00:00Z' }), /time/],
    ['numeric value', JSON.stringify({ ...good, value: 1 }), /value/],
    ['value with exponent', JSON.stringify({ ...good, value: '1e3' }), /value/],
    ['value leading zero', JSON.stringify({ ...good, value: '01.0' }), /value/],
    ['missing unit', JSON.stringify(without('unit')), /unit/],
    ['negative sequence', JSON.stringify({ ...good, sequence: -1 }), /sequence/],
    ['fractional sequence', JSON.stringify(good).replace('"sequence":7', '"sequence":7.0'), /sequence/],
    ['unknown scheme', JSON.stringify({ ...good, scheme: 'rsa' }), /scheme/],
    ['der with ed25519', JSON.stringify({ ...good, signatureEncoding: 'der' }), /signatureEncoding/],
    ['bad signature text', JSON.stringify({ ...good, signature: 'zz!' }), /signature/],
    ['short signature', JSON.stringify({ ...good, signature: 'abcd' }), /signature/],
    ['extra field', JSON.stringify({ ...good, note: 'x' }), /"note"/],
  ])('%s -> MALFORMED_READING', (_n, raw, mentions) => malformed(() => parseSignedReading('meterledger-v1', raw), mentions));

  it('encodeReadingV1 validates its input', () => {
    malformed(() => encodeReadingV1({ ...fields, meterId: '' }), /meterId/);
    malformed(() => encodeReadingV1({ ...fields, sequence: 1.5 }), /sequence/);
    malformed(() => encodeReadingV1({ ...fields, meterId: 'a\ud800' }), /meterId/);
  });

  it('strict DER is checked at parse time', () => {
    const sig = p256.sign(encodeReadingV1(fields));
    const padded = new Uint8Array([...sig, 0]);
    const raw = JSON.stringify({ format: 'meterledger-v1', ...fields, scheme: p256.scheme, signature: toHex(padded) });
    malformed(() => parseSignedReading('meterledger-v1', raw), /DER/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('bc4p-tasmota', () => {
  function message(signer: SoftwareSigner, time: string, total: string, signedTotal = total): string {
    const sig = toHex(signer.sign(`${time},${signedTotal}`));
    return (
      `{"Time":"${time}","Signature":"${sig}","ENERGY":{"TotalStartTime":"2023-02-06T08:33:28","Total":${total},` +
      `"Yesterday":0.584,"Today":0.498,"Period":1,"Power":51,"ApparentPower":78,"ReactivePower":59,"Factor":0.65,"Voltage":234,"Current":0.333}}`
    );
  }

  it('parses the DT3.2.1 example shape and verifies; tampering fails', () => {
    const raw = message(ed, '2023-02-08T13:54:26', '1.581');
    const r = parseSignedReading('bc4p-tasmota', raw, { topic: 'tele/tasmota_hackathon01/SENSOR' });
    expect(utf8(r.signedBytes)).toBe('2023-02-08T13:54:26,1.581');
    expect(r.scheme).toBe('ed25519');
    expect(r.fields).toMatchObject({ time: '2023-02-08T13:54:26', total: '1.581', device: 'tasmota_hackathon01' });
    expect(r.fields.energy.Voltage).toBe(234);
    expect(verify(r, ed)).toBe(true);
    expect(verify(r, ed, tamper(r.signedBytes))).toBe(false);
    const changed = parseSignedReading('bc4p-tasmota', raw.replace('"Total":1.581', '"Total":1.582'));
    expect(verify(changed, ed)).toBe(false);
  });

  it('keeps Total exactly as printed: "1.000" stays "1.000"', () => {
    const r = parseSignedReading('bc4p-tasmota', message(ed, '2023-02-08T14:12:20', '1.000'));
    expect(r.fields.total).toBe('1.000');
    expect(utf8(r.signedBytes)).toBe('2023-02-08T14:12:20,1.000');
    expect(verify(r, ed)).toBe(true);
    // A device that signed "1" is a different reading from one that printed 1.000.
    expect(verify(parseSignedReading('bc4p-tasmota', message(ed, '2023-02-08T14:12:20', '1.000', '1')), ed)).toBe(false);
  });

  it('uses ENERGY.Total, not another Total (e.g. Uptime.Total)', () => {
    const raw = message(ed, '2023-02-08T13:54:26', '0.000').replace('{"Time"', '{"Uptime":{"Total":5},"Time"');
    expect(parseSignedReading('bc4p-tasmota', raw).fields.total).toBe('0.000');
  });

  it('verifies with a fixed RFC 8032 key (independent signer)', () => {
    const v = RFC8032_ED25519[0];
    const sig = toHex(ed25519.sign(Buffer.from('2023-02-08T12:19:52,0.000'), Buffer.from(v.secretKey, 'hex')));
    const raw = `{"Time":"2023-02-08T12:19:52","Signature":"${sig.toUpperCase()}","ENERGY":{"Total":0.000}}`;
    const r = parseSignedReading('bc4p-tasmota', raw);
    expect(verifySignature({ scheme: r.scheme, publicKey: v.publicKey, message: r.signedBytes, signature: r.signature })).toBe(true);
  });

  const ok = message(ed, '2023-02-08T13:54:26', '1.581');
  it.each([
    ['not JSON (signature printed as {hex})', ok.replace(/"Signature":"([0-9a-f]+)"/, '"Signature":{$1}'), /JSON/],
    ['leading-zero number', ok.replace('"Power":51', '"Power":051'), /leading zero/],
    ['missing Time', ok.replace('"Time":"2023-02-08T13:54:26",', ''), /Time/],
    ['Time with comma', ok.replace('13:54:26"', '13:54:26,1"'), /Time/],
    ['missing Signature', ok.replace(/"Signature":"[0-9a-f]+",/, ''), /Signature/],
    ['short Signature', ok.replace(/"Signature":"[0-9a-f]{2}/, '"Signature":"'), /Signature/],
    ['bad hex Signature', ok.replace(/"Signature":"[0-9a-f]/, '"Signature":"g'), /Signature/],
    ['missing ENERGY', `{"Time":"2023-02-08T13:54:26","Signature":"${'00'.repeat(64)}"}`, /ENERGY/],
    ['missing Total', ok.replace('"Total":1.581,', ''), /ENERGY.Total/],
    ['string Total with a decimal comma', ok.replace('"Total":1.581', '"Total":"1,581"'), /ENERGY.Total/],
    ['string Total with an exponent', ok.replace('"Total":1.581', '"Total":"1.581e0"'), /ENERGY.Total/],
    ['string Total with "+"', ok.replace('"Total":1.581', '"Total":"+1.581"'), /ENERGY.Total/],
    ['empty string Total', ok.replace('"Total":1.581', '"Total":""'), /ENERGY.Total/],
    ['boolean Total', ok.replace('"Total":1.581', '"Total":true'), /ENERGY.Total/],
    ['duplicate Total', ok.replace('"Total":1.581', '"Total":1.581,"Total":9.999'), /duplicate key "Total"/],
  ])('%s -> MALFORMED_READING', (_n, raw, mentions) => malformed(() => parseSignedReading('bc4p-tasmota', raw), mentions));

  it('rejects a topic that is not tele/<device>/SENSOR', () => {
    malformed(() => parseSignedReading('bc4p-tasmota', ok, { topic: 'stat/x/RESULT' }), /topic/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('ocmf', () => {
  // Payload of the OCMF spec's "Example File" (OCMF-en.md rev 1.2), whitespace as printed there.
  const SPEC_PAYLOAD = `{
        "FV": "1.0",
        "GI": "ABL SBC-301",
        "GS": "808829900001",
        "GV": "1.4p3",
        "PG": "T12345",
        "MV": "Phoenix Contact",
        "MM": "EEM-350-D-MCB",
        "MS": "BQ27400330016",
        "MF": "1.0",
        "IS": true,
        "IL": "VERIFIED",
        "IF": [
            "RFID_PLAIN",
            "OCPP_RS_TLS"
        ],
        "IT": "ISO14443",
        "ID": "1F2D3A4F5506C7",
        "TT": "Tarif 1",
        "LC": {
            "LN": "cable_name",
            "LI": 1,
            "LR": 2,
            "LU": "mOhm"
        },
        "RD": [
            {
                "TM": "2018-07-24T13:22:04,000+0200 S",
                "TX": "B",
                "RV": 2935.6,
                "RI": "1-b:1.8.0",
                "RU": "kWh",
                "RT": "DC",
                "EF": "",
                "ST": "G"
            },
            {
                "TM": "2018-07-24T13:26:04,000+0200 S",
                "TX": "E",
                "RV": 2965.10,
                "CL": 0.5,
                "RI": "1-b:1.8.0",
                "RU": "kWh",
                "RT": "DC",
                "EF": "",
                "ST": "G"
            }
        ]
    }`;
  const sigHex = (signer: SoftwareSigner, enc?: 'der' | 'raw') => toHex(signer.sign(SPEC_PAYLOAD, enc)).toUpperCase();

  it('spec example payload with a P-256 DER signature and no SA (default) verifies; tampering fails', () => {
    const raw = `OCMF|${SPEC_PAYLOAD}|{\n        "SD": "${sigHex(p256)}"\n    }`;
    const r = parseSignedReading('ocmf', raw);
    expect(r.signatureAlgorithm).toBe('ECDSA-secp256r1-SHA256');
    expect(r.scheme).toBe('ecdsa-p256-sha256');
    expect(r.signatureEncoding).toBe('der');
    expect(utf8(r.signedBytes)).toBe(SPEC_PAYLOAD);
    expect(r.fields).toMatchObject({ FV: '1.0', PG: 'T12345', MS: 'BQ27400330016' });
    expect(r.readingValueText).toEqual(['2935.6', '2965.10']);
    expect(verify(r, p256)).toBe(true);
    expect(verify(r, p256, tamper(r.signedBytes))).toBe(false);
    const edited = parseSignedReading('ocmf', raw.replace('"RV": 2965.10', '"RV": 2965.1'));
    expect(verify(edited, p256)).toBe(false);
    const reformatted = parseSignedReading('ocmf', raw.replace('"FV": "1.0",', '"FV":"1.0",'));
    expect(verify(reformatted, p256)).toBe(false); // whitespace is signed too
  });

  it('secp256k1, base64, explicit SM', () => {
    const sd = Buffer.from(k1.sign(SPEC_PAYLOAD)).toString('base64');
    const raw = `OCMF|${SPEC_PAYLOAD}|{"SA":"ECDSA-secp256k1-SHA256","SE":"base64","SM":"application/x-der","SD":"${sd}"}`;
    const r = parseSignedReading('ocmf', raw);
    expect(r.scheme).toBe('ecdsa-secp256k1-sha256');
    expect(verify(r, k1)).toBe(true);
  });

  it('tolerated deviation: raw 64-byte r||s without SM', () => {
    const raw = `OCMF|${SPEC_PAYLOAD}|{"SA":"ECDSA-secp256r1-SHA256","SD":"${sigHex(p256, 'raw')}"}`;
    const r = parseSignedReading('ocmf', raw);
    expect(r.signatureEncoding).toBe('raw');
    expect(verify(r, p256)).toBe(true);
    // With SM given explicitly as DER, a raw signature is not reinterpreted.
    malformed(() => parseSignedReading('ocmf', raw.replace('"SD"', '"SM":"application/x-der","SD"')), /SD/);
  });

  it('a compact single-reading record with a trailing newline', () => {
    const payload = '{"FV":"1.0","PG":"F1","MS":"S1","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","RV":12.00,"RU":"kWh","ST":"G"}]}';
    const r = parseSignedReading('ocmf', `OCMF|${payload}|{"SD":"${toHex(p256.sign(payload))}"}\n`);
    expect(r.readingValueText).toEqual(['12.00']);
    expect(verify(r, p256)).toBe(true);
  });

  const sd = sigHex(p256);
  const rec = (payload: string, sig: string) => `OCMF|${payload}|${sig}`;
  const P = '{"PG":"T1","RD":[{"TM":"2018-07-24T13:22:04,000+0200 S","RV":1.0,"RU":"kWh","ST":"G"}]}';
  it.each([
    ['wrong header', `ocmf|${P}|{"SD":"${sd}"}`, /header/],
    ['header only', 'OCMF', /3 "\|"-separated sections/],
    ['missing signature section', `OCMF|${P}`, /3 "\|"-separated sections/],
    ['extra section', `OCMF|${P}|{"SD":"${sd}"}|x`, /3 "\|"-separated sections/],
    ['pipe inside payload', `OCMF|{"PG":"T1","GI":"a|b","RD":[{"TM":"x"}]}|{"SD":"${sd}"}`, /sections/],
    ['payload not JSON', rec('{PG:1}', `{"SD":"${sd}"}`), /payload/],
    ['payload array', rec('[]', `{"SD":"${sd}"}`), /payload/],
    ['missing PG', rec('{"RD":[{"TM":"x"}]}', `{"SD":"${sd}"}`), /PG/],
    ['bad PG', rec('{"PG":"T01","RD":[{"TM":"x"}]}', `{"SD":"${sd}"}`), /PG/],
    ['missing RD', rec('{"PG":"T1"}', `{"SD":"${sd}"}`), /RD/],
    ['empty RD', rec('{"PG":"T1","RD":[]}', `{"SD":"${sd}"}`), /RD/],
    ['RD[0] without TM', rec('{"PG":"T1","RD":[{"RV":1}]}', `{"SD":"${sd}"}`), /RD\[0\]\.TM/],
    ['string RV that is not a decimal', rec('{"PG":"T1","RD":[{"TM":"x","RV":"1.0 kWh"}]}', `{"SD":"${sd}"}`), /RD\[0\]\.RV/],
    ['null RV', rec('{"PG":"T1","RD":[{"TM":"x","RV":null}]}', `{"SD":"${sd}"}`), /RD\[0\]\.RV/],
    ['signature not JSON', rec(P, `SD=${sd}`), /signature section/],
    ['missing SD', rec(P, '{"SA":"ECDSA-secp256r1-SHA256"}'), /SD/],
    ['bad hex SD', rec(P, '{"SD":"3045ZZ"}'), /SD/],
    ['odd hex SD', rec(P, '{"SD":"304"}'), /SD/],
    ['bad base64 SD', rec(P, '{"SE":"base64","SD":"MEU*"}'), /SD/],
    ['base64url SD', rec(P, '{"SE":"base64","SD":"MEU-_w"}'), /SD/],
    ['SD not DER', rec(P, `{"SD":"${'01'.repeat(70)}"}`), /SD/],
    ['unsupported SA', rec(P, `{"SA":"ECDSA-brainpool256r1-SHA256","SD":"${sd}"}`), /SA "ECDSA-brainpool256r1-SHA256" is not supported/],
    ['unsupported SA P-384', rec(P, `{"SA":"ECDSA-secp384r1-SHA256","SD":"${sd}"}`), /SA/],
    ['unknown SA', rec(P, `{"SA":"RSA","SD":"${sd}"}`), /SA "RSA" is not an OCMF/],
    ['non-string SA', rec(P, `{"SA":1,"SD":"${sd}"}`), /SA/],
    ['unknown SE', rec(P, `{"SE":"base32","SD":"${sd}"}`), /SE/],
    ['unknown SM', rec(P, `{"SM":"application/pkcs7","SD":"${sd}"}`), /SM/],
    ['duplicate SD', rec(P, `{"SD":"${sd}","SD":"${sd}"}`), /duplicate key "SD"/],
  ])('%s -> MALFORMED_READING', (_n, raw, mentions) => malformed(() => parseSignedReading('ocmf', raw), mentions));
});

// ---------------------------------------------------------------------------------------------
describe('parseSignedReading dispatch', () => {
  it('unknown format -> UNKNOWN_FORMAT', () => {
    expectCode(() => parseSignedReading('OCMF', 'OCMF|{}|{}'), 'UNKNOWN_FORMAT');
    expectCode(() => parseSignedReading('' as never, ''), 'UNKNOWN_FORMAT');
  });
  it('non-string raw -> MALFORMED_READING', () => {
    for (const f of ['meterledger-v1', 'bc4p-tasmota', 'ocmf', 'chained-v1'] as const) {
      const err = expectCode(() => parseSignedReading(f, Buffer.from('{}') as never), 'MALFORMED_READING');
      expect(err).toBeInstanceOf(CryptoError);
    }
  });
  it('deeply nested JSON is rejected, not a stack overflow', () => {
    malformed(() => parseSignedReading('bc4p-tasmota', '['.repeat(10_000)), /nesting/);
  });
  it('a "__proto__" key stays an own property', () => {
    const raw = `{"__proto__":{"polluted":1},"Time":"2023-02-08T13:54:26","Signature":"${'00'.repeat(64)}","ENERGY":{"Total":1.000}}`;
    const r = parseSignedReading('bc4p-tasmota', raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.fields.total).toBe('1.000');
  });
});

describe('README', () => {
  it('documents the formats and the error codes', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    for (const s of [
      'parseSignedReading',
      'encodeReadingV1',
      'encodeChainedPayload',
      'signChainedPacket',
      'interpretReading',
      'MALFORMED_READING',
      'UNKNOWN_FORMAT',
      'meterledger.reading.v1',
      'meterledger.chained.v1',
      'Tolerated OCMF deviations',
      'Accepted device deviations',
    ]) {
      expect(readme).toContain(s);
    }
  });
});
