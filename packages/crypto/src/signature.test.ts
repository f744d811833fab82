import { p256 } from '@noble/curves/nist';
import { toHex } from './bytes';
import { ECDSA_CURVES } from './curves';
import { ecdsaSignatureToP1363, parseDerSignature, signatureEncodingFor } from './signature';
import { bigHex, expectCode, hex, RFC6979_P256, seed } from './testing/fixtures';

const P256 = ECDSA_CURVES['ecdsa-p256-sha256'];
const n = P256.n;
const { r: R, s: S } = RFC6979_P256.signatures[0]; // both have the high bit set, so DER needs a 00 pad
const VALID = `3046022100${R}022100${S}`;
const int = (v: string) => `02${(v.length / 2).toString(16).padStart(2, '0')}${v}`;
/** Minimal DER INTEGER for a non-negative value (00 pad when the high bit is set). */
const derInt = (v: bigint) => {
  let h = v.toString(16);
  if (h.length % 2) h = '0' + h;
  return int(parseInt(h.slice(0, 2), 16) & 0x80 ? '00' + h : h);
};
const seq = (body: string) => `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;

describe('parseDerSignature', () => {
  it('parses the RFC 6979 A.2.5 "sample" signature', () => {
    expect(parseDerSignature(hex(VALID))).toEqual({ r: BigInt('0x' + R), s: BigInt('0x' + S) });
  });

  it('parses minimal small integers', () => {
    expect(parseDerSignature(hex(seq(int('01') + int('7f'))))).toEqual({ r: 1n, s: 127n });
    expect(parseDerSignature(hex(seq(int('0080') + int('00ff'))))).toEqual({ r: 128n, s: 255n });
  });

  // Wycheproof-style malformed encodings (cf. the "BER"/"modified length"/"truncated"/"appended"
  // test groups of Wycheproof's ecdsa_secp256r1_sha256_test.json), written down by hand.
  const malformed: Array<[string, string]> = [
    ['empty', ''],
    ['only the SEQUENCE tag', '30'],
    ['wrong outer tag (SET)', '31' + VALID.slice(2)],
    ['outer length too long', '3047' + VALID.slice(4)],
    ['outer length too short', '3045' + VALID.slice(4)],
    ['long-form outer length (BER)', '308146' + VALID.slice(4)],
    ['indefinite outer length (BER)', '3080' + VALID.slice(4) + '0000'],
    ['trailing byte after the SEQUENCE', VALID + '00'],
    ['trailing bytes inside the SEQUENCE', seq(`022100${R}022100${S}0500`)],
    ['r is not an INTEGER', seq(`032100${R}022100${S}`)],
    ['s is not an INTEGER', seq(`022100${R}042100${S}`)],
    ['r with a superfluous leading zero', seq(`02220000${R}022100${S}`)],
    ['s with a superfluous leading zero', seq(`022100${R}02220000${S}`)],
    ['small r with a leading zero', seq(int('0001') + int('01'))],
    ['r negative (missing 00 pad)', seq(`0220${R}022100${S}`)],
    ['s negative (missing 00 pad)', seq(`022100${R}0220${S}`)],
    ['r of length zero', seq('0200' + int('01'))],
    ['long-form length for r (BER)', seq(`02812100${R}022100${S}`)],
    ['r length runs past the end', seq(`022200${R}022100${S}`)],
    ['s missing', seq(`022100${R}`)],
    ['three integers', seq(int('01') + int('01') + int('01'))],
    ['raw r||s given as DER', R + S],
  ];

  it.each(malformed)('rejects %s', (_name, der) => {
    expectCode(() => parseDerSignature(hex(der)), 'MALFORMED_SIGNATURE');
  });

  it('agrees with noble on every malformed case (noble rejects them too)', () => {
    for (const [name, der] of malformed) {
      expect([name, (() => { try { p256.Signature.fromBytes(hex(der), 'der'); return 'accepted'; } catch { return 'rejected'; } })()]).toEqual([name, 'rejected']);
    }
  });

  it('parses exactly what noble encodes, for integers of every length', () => {
    for (let i = 0; i < 256; i++) {
      // Values from 1 byte to full width, with and without the high bit set.
      const bytes = 1 + (i % 32);
      const mask = (1n << BigInt(8 * bytes)) - 1n;
      const r = (BigInt('0x' + toHex(seed(`der/r/${i}`))) & mask) % (n - 1n) + 1n;
      const s = (BigInt('0x' + toHex(seed(`der/s/${i}`))) & (i % 2 ? mask : mask >> 1n)) % (n - 1n) + 1n;
      const der = new p256.Signature(r, s).toBytes('der');
      expect(parseDerSignature(der)).toEqual({ r, s });
    }
  });
});

describe('ecdsaSignatureToP1363', () => {
  const rs = hex(R + S);

  it('converts DER to fixed-width r || s, padding short integers', () => {
    expect(ecdsaSignatureToP1363(P256, hex(VALID), 'der')).toEqual(rs);
    expect(toHex(ecdsaSignatureToP1363(P256, hex(seq(int('01') + int('02'))), 'der'))).toBe(bigHex(1n) + bigHex(2n));
  });

  it('passes a valid raw signature through', () => {
    expect(ecdsaSignatureToP1363(P256, rs, 'raw')).toEqual(rs);
  });

  it('accepts the boundary values 1 and n-1 (including high S)', () => {
    for (const [r, s] of [[1n, 1n], [n - 1n, n - 1n], [1n, n - 1n]]) {
      expect(toHex(ecdsaSignatureToP1363(P256, hex(bigHex(r) + bigHex(s)), 'raw'))).toBe(bigHex(r) + bigHex(s));
      expect(toHex(ecdsaSignatureToP1363(P256, new p256.Signature(r, s).toBytes('der'), 'der'))).toBe(bigHex(r) + bigHex(s));
    }
  });

  it.each([
    ['r = 0', 0n, 1n],
    ['s = 0', 1n, 0n],
    ['r = n', n, 1n],
    ['s = n', 1n, n],
    ['r = n + 1', n + 1n, 1n],
    ['s = 2^256 - 1', 1n, (1n << 256n) - 1n],
  ])('rejects %s in both encodings', (_name, r, s) => {
    expectCode(() => ecdsaSignatureToP1363(P256, hex(bigHex(r) + bigHex(s)), 'raw'), 'MALFORMED_SIGNATURE');
    const der = seq(derInt(r) + derInt(s));
    expectCode(() => ecdsaSignatureToP1363(P256, hex(der), 'der'), 'MALFORMED_SIGNATURE');
  });

  it.each([0, 63, 65, 128])('rejects a raw signature of %i bytes', (len) => {
    expectCode(() => ecdsaSignatureToP1363(P256, new Uint8Array(len).fill(1), 'raw'), 'MALFORMED_SIGNATURE');
  });
});

describe('signatureEncodingFor', () => {
  it('defaults to der for ECDSA and raw for Ed25519', () => {
    expect(signatureEncodingFor('ecdsa-p256-sha256', undefined)).toBe('der');
    expect(signatureEncodingFor('ecdsa-secp256k1-sha256', undefined)).toBe('der');
    expect(signatureEncodingFor('ed25519', undefined)).toBe('raw');
    expect(signatureEncodingFor('ed25519', 'raw')).toBe('raw');
    expect(signatureEncodingFor('ecdsa-p256-sha256', 'raw')).toBe('raw');
  });

  it.each(['DER', 'p1363', 'ieee-p1363', 'compact', '', null, 0])('rejects %j', (encoding) => {
    expectCode(() => signatureEncodingFor('ecdsa-p256-sha256', encoding), 'UNKNOWN_SIGNATURE_ENCODING');
  });

  it('rejects der for Ed25519', () => {
    expectCode(() => signatureEncodingFor('ed25519', 'der'), 'UNKNOWN_SIGNATURE_ENCODING');
  });
});
