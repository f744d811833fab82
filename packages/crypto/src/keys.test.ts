import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { p384 } from '@noble/curves/nist';
import { toHex } from './bytes';
import { ECDSA_CURVES } from './curves';
import { parsePublicKey, type PublicKeyInfo } from './keys';
import { SIGNATURE_SCHEMES, type SignatureScheme } from './schemes';
import { b64, b64url, ECDSA_SCHEMES, ecdsaSecret, ed25519Secret, expectCode, hex, nobleEcdsa, RFC6979_P256, RFC8032_ED25519, type EcdsaScheme } from './testing/fixtures';

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Reference public keys from public sources. */
const P256_RFC6979 = hex('04' + RFC6979_P256.ux + RFC6979_P256.uy); // RFC 6979 A.2.5
// secp256k1 generator G (SEC 2 section 2.4.1) = public key of secret 1.
const SECP256K1_G = hex(
  '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
);
const ED25519_TEST1 = hex(RFC8032_ED25519[0].publicKey);

const UNCOMPRESSED: Record<EcdsaScheme, Uint8Array> = { 'ecdsa-p256-sha256': P256_RFC6979, 'ecdsa-secp256k1-sha256': SECP256K1_G };

function nodeSpkiFromPoint(scheme: EcdsaScheme, point: Uint8Array): Uint8Array {
  const crv = scheme === 'ecdsa-p256-sha256' ? 'P-256' : 'secp256k1';
  const key = createPublicKey({ key: { kty: 'EC', crv, x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }, format: 'jwk' });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

function nodeSpkiEd25519(raw: Uint8Array): Uint8Array {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' });
  return new Uint8Array(key.export({ type: 'spki', format: 'der' }));
}

function pem(der: Uint8Array, eol = '\n'): string {
  const lines = b64(der).match(/.{1,64}/g)!;
  return ['-----BEGIN PUBLIC KEY-----', ...lines, '-----END PUBLIC KEY-----', ''].join(eol);
}

/** Every accepted spelling of one key. */
function encodingsOf(scheme: SignatureScheme, info: PublicKeyInfo): Record<string, Uint8Array | string> {
  const forms: Record<string, Uint8Array | string> = {
    'SPKI DER': info.spkiDer,
    PEM: info.spkiPem,
    'PEM with CRLF': pem(info.spkiDer, '\r\n'),
    'PEM with surrounding whitespace': `\n  ${info.spkiPem}\n\n`,
    'PEM without trailing newline': info.spkiPem.trimEnd(),
    'hex SPKI': toHex(info.spkiDer),
    'HEX SPKI (upper case)': toHex(info.spkiDer).toUpperCase(),
    raw: info.raw,
    'hex raw': toHex(info.raw),
  };
  if (scheme !== 'ed25519') {
    const curve = ECDSA_CURVES[scheme];
    const point = curve.noble.Point.fromBytes(info.raw);
    forms['SEC1 uncompressed'] = point.toBytes(false);
    forms['hex SEC1 uncompressed'] = toHex(point.toBytes(false));
    forms['raw X || Y (64 bytes)'] = point.toBytes(false).subarray(1);
    forms['hex raw X || Y'] = toHex(point.toBytes(false).subarray(1));
    forms['HEX raw X || Y (upper case)'] = toHex(point.toBytes(false).subarray(1)).toUpperCase();
    forms['SPKI DER with compressed point'] = concat(curve.spkiPrefixCompressed, info.raw);
    forms['PEM with compressed point'] = pem(concat(curve.spkiPrefixCompressed, info.raw));
  }
  return forms;
}

describe('parsePublicKey: reference keys', () => {
  it.each(ECDSA_SCHEMES)('%s: all fields agree with node:crypto and noble', (scheme) => {
    const point = UNCOMPRESSED[scheme];
    const info = parsePublicKey(scheme, point);
    const nodeDer = nodeSpkiFromPoint(scheme, point);
    expect(info.scheme).toBe(scheme);
    expect(info.spkiDer).toEqual(nodeDer);
    expect(info.spkiPem).toBe(createPublicKey({ key: Buffer.from(nodeDer), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }));
    expect(info.raw).toEqual(nobleEcdsa[scheme].Point.fromBytes(point).toBytes(true));
    expect(info.raw).toHaveLength(33);
    expect(info.fingerprint).toBe(createHash('sha256').update(nodeDer).digest('hex'));
  });

  it('secp256k1 generator compresses to the SEC 2 value', () => {
    expect(toHex(parsePublicKey('ecdsa-secp256k1-sha256', SECP256K1_G).raw)).toBe('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
  });

  it('ed25519: all fields agree with node:crypto', () => {
    const info = parsePublicKey('ed25519', ED25519_TEST1);
    const nodeDer = nodeSpkiEd25519(ED25519_TEST1);
    expect(info.spkiDer).toEqual(nodeDer);
    expect(info.spkiPem).toBe(createPublicKey({ key: Buffer.from(nodeDer), format: 'der', type: 'spki' }).export({ type: 'spki', format: 'pem' }));
    expect(info.raw).toEqual(ED25519_TEST1);
    expect(info.fingerprint).toBe(createHash('sha256').update(nodeDer).digest('hex'));
  });

  it('ed25519: parses the RFC 8410 section 10.1 example public key PEM', () => {
    const rfc8410 = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n';
    const info = parsePublicKey('ed25519', rfc8410);
    expect(toHex(info.raw)).toBe('19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1');
    expect(info.spkiPem).toBe(rfc8410);
  });

  it('PEM lines are 64 columns', () => {
    const info = parsePublicKey('ecdsa-p256-sha256', P256_RFC6979);
    expect(info.spkiPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END PUBLIC KEY-----\n$/);
  });
});

describe('parsePublicKey: every encoding round-trips to the same PublicKeyInfo', () => {
  const keys: Array<[SignatureScheme, string, Uint8Array]> = [
    ['ecdsa-p256-sha256', 'RFC 6979 key', P256_RFC6979],
    ['ecdsa-secp256k1-sha256', 'generator', SECP256K1_G],
    ['ed25519', 'RFC 8032 TEST 1', ED25519_TEST1],
    ...ECDSA_SCHEMES.flatMap((s) =>
      [0, 1, 2, 3].map((i): [SignatureScheme, string, Uint8Array] => [s, `derived #${i}`, nobleEcdsa[s].getPublicKey(ecdsaSecret(s, `keys/${i}`), i % 2 === 0)]),
    ),
    ...[0, 1, 2, 3].map((i): [SignatureScheme, string, Uint8Array] => ['ed25519', `derived #${i}`, ed25519.getPublicKey(ed25519Secret(`keys/${i}`))]),
  ];

  it.each(keys)('%s %s', (scheme, _name, key) => {
    const info = parsePublicKey(scheme, key);
    const forms = encodingsOf(scheme, info);
    expect(Object.keys(forms).length).toBeGreaterThanOrEqual(9);
    for (const [form, encoded] of Object.entries(forms)) {
      expect([form, parsePublicKey(scheme, encoded)]).toEqual([form, info]);
    }
  });
});

/** A 33-byte compressed encoding whose x has no point on the curve (first such x >= 1). */
function compressedOffCurve(scheme: EcdsaScheme): Uint8Array {
  for (let x = 1; ; x++) {
    const candidate = hex('02' + x.toString(16).padStart(64, '0'));
    try {
      nobleEcdsa[scheme].Point.fromBytes(candidate);
    } catch {
      return candidate;
    }
  }
}

describe('parsePublicKey: MALFORMED_KEY', () => {
  describe.each(ECDSA_SCHEMES)('%s', (scheme) => {
    const curve = ECDSA_CURVES[scheme];
    const point = UNCOMPRESSED[scheme];
    const spki = nodeSpkiFromPoint(scheme, point);
    const p = curve.noble.Point.Fp.ORDER;
    const offCurve = point.slice();
    offCurve[64] ^= 1;

    it.each([
      ['empty bytes', new Uint8Array(0)],
      ['32 bytes', point.subarray(1, 33)],
      ['33 bytes with prefix 04', concat(Uint8Array.of(4), point.subarray(1, 33))],
      ['65 bytes with prefix 02', concat(Uint8Array.of(2), point.subarray(1))],
      ['hybrid point (prefix 06/07)', concat(Uint8Array.of(point[64] & 1 ? 7 : 6), point.subarray(1))],
      ['uncompressed point off the curve', offCurve],
      ['raw X || Y off the curve', offCurve.subarray(1)],
      ['63 bytes (X || Y missing a byte)', point.subarray(1, 64)],
      ['compressed x with no point on the curve', compressedOffCurve(scheme)],
      ['compressed x = p (not a field element)', hex('02' + p.toString(16))],
      ['point at infinity (00)', Uint8Array.of(0)],
      ['SPKI with a trailing byte', concat(spki, Uint8Array.of(0))],
      ['SPKI truncated', spki.subarray(0, spki.length - 1)],
      ['SPKI with a long-form length (BER, not DER)', concat(Uint8Array.of(0x30, 0x81, spki[1]), spki.subarray(2))],
      ['SPKI whose point is off the curve', concat(curve.spkiPrefixUncompressed, offCurve)],
      ['SPKI missing the BIT STRING unused-bits byte', concat(spki.subarray(0, spki.length - 66), point)],
      ['a DER SEQUENCE that is not an SPKI', Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01)],
      ['odd-length hex', toHex(point).slice(1)],
      ['base64 SPKI (keys take PEM or hex strings only)', b64(spki)],
      ['PEM of a certificate', pem(spki).replace(/PUBLIC KEY/g, 'CERTIFICATE')],
      ['PEM of a private key', pem(spki).replace(/PUBLIC KEY/g, 'PRIVATE KEY')],
      ['PEM with text before the header', 'Subject: meter\n' + pem(spki)],
      ['PEM with a second block', pem(spki) + pem(spki)],
      ['PEM with a broken body', pem(spki).replace(/\n[A-Za-z0-9]/, '\n!')],
      ['PEM with no body', '-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n'],
      ['PEM whose body is a bare point', pem(point)],
      ['PEM whose body is base64url', pem(spki).replace(/\+/g, '-').replace(/\//g, '_')],
    ] as Array<[string, Uint8Array | string]>)('%s', (_name, key) => {
      expectCode(() => parsePublicKey(scheme, key), 'MALFORMED_KEY');
    });

    it('rejects non-bytes input', () => {
      expectCode(() => parsePublicKey(scheme, 42 as unknown as string), 'MALFORMED_KEY');
      expectCode(() => parsePublicKey(scheme, null as unknown as string), 'MALFORMED_KEY');
      expectCode(() => parsePublicKey(scheme, ''), 'MALFORMED_KEY');
    });
  });

  describe('ed25519', () => {
    const spki = nodeSpkiEd25519(ED25519_TEST1);
    // Little-endian y encodings, from the RFC 8032 5.1.3 decoding rules and the well-known
    // small-order points (see e.g. "Taming the many EdDSAs", Chalkias et al. 2020, table 6).
    it.each([
      ['31 bytes', ED25519_TEST1.subarray(1)],
      ['33 bytes', concat(ED25519_TEST1, Uint8Array.of(0))],
      ['y = p (non-canonical)', hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
      ['y = p + 1 (non-canonical encoding of the identity)', hex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
      ['y = 2^255 - 1 (non-canonical)', hex('ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
      ['identity (small order 1)', hex('0100000000000000000000000000000000000000000000000000000000000000')],
      ['y = -1 (small order 2)', hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
      ['x = 0 with sign bit set ("negative zero")', hex('0100000000000000000000000000000000000000000000000000000000000080')],
      ['small order 4', hex('0000000000000000000000000000000000000000000000000000000000000000')],
      ['small order 8', hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')],
      ['y with no x on the curve', hex('0200000000000000000000000000000000000000000000000000000000000000')],
      ['SPKI with a trailing byte', concat(spki, Uint8Array.of(0))],
      ['SPKI with a long-form length (BER, not DER)', concat(Uint8Array.of(0x30, 0x81, 0x2a), spki.subarray(2))],
      ['SPKI of the identity point', nodeSpkiEd25519(hex('0100000000000000000000000000000000000000000000000000000000000000'))],
      ['PEM whose body is the raw key', pem(ED25519_TEST1)],
      ['base64 raw key', b64(ED25519_TEST1)],
      ['64 bytes (an ECDSA X || Y length; the scheme decides)', concat(ED25519_TEST1, ED25519_TEST1)],
    ] as Array<[string, Uint8Array | string]>)('%s', (_name, key) => {
      expectCode(() => parsePublicKey('ed25519', key), 'MALFORMED_KEY');
    });

    it('accepts a raw key whose first byte is 0x30 (length decides, not the tag)', () => {
      for (let i = 0; ; i++) {
        const pub = ed25519.getPublicKey(ed25519Secret(`starts-with-30/${i}`));
        if (pub[0] !== 0x30) continue;
        expect(parsePublicKey('ed25519', pub).raw).toEqual(pub);
        break;
      }
    });
  });
});

describe('parsePublicKey: KEY_SCHEME_MISMATCH (a foreign key is never used with its own curve)', () => {
  const p256Spki = nodeSpkiFromPoint('ecdsa-p256-sha256', P256_RFC6979);
  const k1Spki = nodeSpkiFromPoint('ecdsa-secp256k1-sha256', SECP256K1_G);
  const edSpki = nodeSpkiEd25519(ED25519_TEST1);
  const p384Point = p384.Point.BASE.multiply(7n).toBytes(false);
  const p384Spki = new Uint8Array(
    createPublicKey({ key: { kty: 'EC', crv: 'P-384', x: b64url(p384Point.subarray(1, 49)), y: b64url(p384Point.subarray(49)) }, format: 'jwk' }).export({ type: 'spki', format: 'der' }),
  );
  const x25519Spki = concat(hex('302a300506032b656e032100'), ED25519_TEST1); // RFC 8410 id-X25519
  const rsaSpki = new Uint8Array(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }));
  const ed448Spki = new Uint8Array(generateKeyPairSync('ed448').publicKey.export({ type: 'spki', format: 'der' }));

  it.each([
    ['ecdsa-p256-sha256', 'secp256k1 SPKI', k1Spki],
    ['ecdsa-p256-sha256', 'P-384 SPKI', p384Spki],
    ['ecdsa-p256-sha256', 'Ed25519 SPKI', edSpki],
    ['ecdsa-p256-sha256', 'RSA SPKI', rsaSpki],
    ['ecdsa-p256-sha256', 'secp256k1 SPKI as PEM', pem(k1Spki)],
    ['ecdsa-p256-sha256', 'secp256k1 SPKI as hex', toHex(k1Spki)],
    ['ecdsa-secp256k1-sha256', 'P-256 SPKI', p256Spki],
    ['ecdsa-secp256k1-sha256', 'P-384 SPKI', p384Spki],
    ['ecdsa-secp256k1-sha256', 'Ed25519 SPKI as PEM', pem(edSpki)],
    ['ed25519', 'P-256 SPKI', p256Spki],
    ['ed25519', 'secp256k1 SPKI as PEM', pem(k1Spki)],
    ['ed25519', 'X25519 SPKI', x25519Spki],
    ['ed25519', 'Ed448 SPKI', ed448Spki],
    ['ed25519', 'RSA SPKI as PEM', pem(rsaSpki)],
  ] as Array<[SignatureScheme, string, Uint8Array | string]>)('%s given %s', (scheme, _name, key) => {
    expectCode(() => parsePublicKey(scheme, key), 'KEY_SCHEME_MISMATCH');
  });

  it('the same SPKI parses under its own scheme', () => {
    expect(parsePublicKey('ecdsa-secp256k1-sha256', k1Spki).spkiDer).toEqual(k1Spki);
    expect(parsePublicKey('ecdsa-p256-sha256', p256Spki).spkiDer).toEqual(p256Spki);
    expect(parsePublicKey('ed25519', edSpki).spkiDer).toEqual(edSpki);
  });
});

describe('parsePublicKey: UNKNOWN_SCHEME', () => {
  it.each(['ecdsa-p384-sha384', 'ECDSA-P256-SHA256', 'ed448', '', 'p256'])('%j', (scheme) => {
    expectCode(() => parsePublicKey(scheme, P256_RFC6979), 'UNKNOWN_SCHEME');
  });

  it('checks the scheme before the key', () => {
    expectCode(() => parsePublicKey('nope', 'not a key'), 'UNKNOWN_SCHEME');
  });

  it('knows exactly the three schemes', () => {
    expect([...SIGNATURE_SCHEMES]).toEqual(['ecdsa-p256-sha256', 'ecdsa-secp256k1-sha256', 'ed25519']);
  });
});
