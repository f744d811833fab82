import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { CryptoError, parsePublicKey, verifySignature, type VerifySignatureRequest } from './index';
import { toHex } from './bytes';
import { ECDSA_CURVES } from './curves';
import { b64, b64url, bigHex, expectCode, hex, RFC6979_P256, RFC8032_ED25519, SECP256K1_VECTORS } from './testing/fixtures';
import { generateSoftwareSigner } from './signer';
import { clearKeyCache, KEY_CACHE_LIMIT, keyCacheSize } from './verify';

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

// The README example, verbatim: RFC 6979 A.2.5 key as PEM, its "sample" signature as base64 DER.
const README_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7
Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==
-----END PUBLIC KEY-----
`;
const README_SIGNATURE = 'MEYCIQDv1IsqrLao/RFA3ZzUXoHWnSyHe1aq+ZHDTQ6oTq83FgIhAPfLHJQtZXxB1DbHobbin2Xz6QDbua/0Bk3Eqy+EOs2o';

describe('README example', () => {
  it('verifies a base64 DER P-256 signature with a PEM key', () => {
    expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey: README_PEM, message: 'sample', signature: README_SIGNATURE })).toBe(true);
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(README_PEM);
    expect(readme).toContain(README_SIGNATURE);
    expect(parsePublicKey('ecdsa-p256-sha256', README_PEM).fingerprint).toBe('5a7a78cca4a0f420d9bc62bb669c3c2759e39f723d3ae10dcbe0f0815a07ecd4');
  });
});

describe('RFC 8032 section 7.1 Ed25519 vectors', () => {
  describe.each(RFC8032_ED25519)('$name', (v) => {
    const message = hex(v.message);
    const sig = hex(v.signature);

    it('transcription check: noble derives the public key and signature from the secret', () => {
      expect(toHex(ed25519.getPublicKey(hex(v.secretKey)))).toBe(v.publicKey);
      expect(toHex(ed25519.sign(message, hex(v.secretKey)))).toBe(v.signature);
    });

    it('verifies with every key and signature spelling', () => {
      const info = parsePublicKey('ed25519', v.publicKey);
      for (const publicKey of [v.publicKey, hex(v.publicKey), info, info.spkiPem, info.spkiDer, toHex(info.spkiDer)]) {
        for (const signature of [v.signature, v.signature.toUpperCase(), sig, b64(sig), b64url(sig)]) {
          expect(verifySignature({ scheme: 'ed25519', publicKey, message, signature })).toBe(true);
        }
      }
      expect(verifySignature({ scheme: 'ed25519', publicKey: v.publicKey, message, signature: sig, signatureEncoding: 'raw' })).toBe(true);
    });

    it('returns false for a changed message, signature or key', () => {
      const base: VerifySignatureRequest = { scheme: 'ed25519', publicKey: v.publicKey, message, signature: sig };
      expect(verifySignature({ ...base, message: new Uint8Array([...message, 0]) })).toBe(false);
      for (const i of [0, 31, 32, 63]) {
        const bad = sig.slice();
        bad[i] ^= 0x01;
        expect(verifySignature({ ...base, signature: bad })).toBe(false);
      }
      const other = RFC8032_ED25519.find((o) => o.publicKey !== v.publicKey)!;
      expect(verifySignature({ ...base, publicKey: other.publicKey })).toBe(false);
    });

    it('rejects the malleated signature S + L (RFC 8032 5.1.7: S must be < L)', () => {
      const L = ed25519.Point.Fn.ORDER;
      const s = BigInt('0x' + toHex(sig.slice(32).reverse()));
      const malleated = new Uint8Array([...sig.slice(0, 32), ...hex(bigHex(s + L)).reverse()]);
      expect(verifySignature({ scheme: 'ed25519', publicKey: v.publicKey, message, signature: malleated })).toBe(false);
    });
  });

  it('TEST 2 accepts the message as a string (UTF-8)', () => {
    const v = RFC8032_ED25519[1]; // message 0x72 = "r"
    expect(verifySignature({ scheme: 'ed25519', publicKey: v.publicKey, message: 'r', signature: v.signature })).toBe(true);
  });
});

describe('RFC 6979 A.2.5 P-256/SHA-256 vectors', () => {
  const pub = hex('04' + RFC6979_P256.ux + RFC6979_P256.uy);
  const n = ECDSA_CURVES['ecdsa-p256-sha256'].n;

  describe.each(RFC6979_P256.signatures)('message $message', (v) => {
    const r = BigInt('0x' + v.r);
    const s = BigInt('0x' + v.s);
    const raw = hex(v.r + v.s);
    const der = new p256.Signature(r, s).toBytes('der');

    it('transcription check: noble reproduces r and s (deterministic k, no low-S normalization)', () => {
      expect(toHex(p256.getPublicKey(hex(RFC6979_P256.privateKey), false))).toBe(toHex(pub));
      const sig = p256.sign(nobleSha256(utf8(v.message)), hex(RFC6979_P256.privateKey), { lowS: false });
      expect([bigHex(sig.r), bigHex(sig.s)]).toEqual([v.r, v.s]);
    });

    it('verifies in DER (default) and raw encodings, as bytes, hex and base64', () => {
      const info = parsePublicKey('ecdsa-p256-sha256', pub);
      for (const publicKey of [pub, info.raw, info, info.spkiPem, toHex(info.spkiDer)]) {
        for (const signature of [der, toHex(der), b64(der), b64url(der)]) {
          expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey, message: v.message, signature })).toBe(true);
          expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey, message: v.message, signature, signatureEncoding: 'der' })).toBe(true);
        }
        for (const signature of [raw, toHex(raw), b64(raw)]) {
          expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey, message: utf8(v.message), signature, signatureEncoding: 'raw' })).toBe(true);
        }
      }
    });

    it('accepts both s and n - s (high S is valid ECDSA)', () => {
      const twin = hex(v.r + bigHex(n - s));
      expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey: pub, message: v.message, signature: twin, signatureEncoding: 'raw' })).toBe(true);
      expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey: pub, message: v.message, signature: new p256.Signature(r, n - s).toBytes('der') })).toBe(true);
    });

    it('returns false for the other message and for changed r / s', () => {
      const other = RFC6979_P256.signatures.find((o) => o.message !== v.message)!.message;
      expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey: pub, message: other, signature: der })).toBe(false);
      expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey: pub, message: v.message, signature: hex(bigHex(r + 1n) + v.s), signatureEncoding: 'raw' })).toBe(false);
      expect(verifySignature({ scheme: 'ecdsa-p256-sha256', publicKey: pub, message: v.message, signature: hex(v.r + bigHex(s - 1n)), signatureEncoding: 'raw' })).toBe(false);
    });
  });

  it('the published "sample" signature is itself high-S', () => {
    expect(BigInt('0x' + RFC6979_P256.signatures[0].s) > n / 2n).toBe(true);
  });
});

describe('secp256k1 RFC 6979 vectors (fpgaminer / bitcointalk)', () => {
  const n = ECDSA_CURVES['ecdsa-secp256k1-sha256'].n;

  it.each(SECP256K1_VECTORS)('$message (key $privateKey)', (v) => {
    const priv = hex(v.privateKey);
    const pub = secp256k1.getPublicKey(priv, true);
    // Transcription check: noble's RFC 6979 signer (low-S by default on secp256k1) reproduces it.
    const sig = secp256k1.sign(nobleSha256(utf8(v.message)), priv);
    expect([bigHex(sig.r), bigHex(sig.s)]).toEqual([v.r, v.s]);

    const r = BigInt('0x' + v.r);
    const s = BigInt('0x' + v.s);
    const req = { scheme: 'ecdsa-secp256k1-sha256', publicKey: pub, message: v.message };
    expect(verifySignature({ ...req, signature: new secp256k1.Signature(r, s).toBytes('der') })).toBe(true);
    expect(verifySignature({ ...req, signature: v.r + v.s, signatureEncoding: 'raw' })).toBe(true);
    expect(verifySignature({ ...req, signature: new secp256k1.Signature(r, n - s).toBytes('der') })).toBe(true); // high-S twin
    expect(verifySignature({ ...req, message: v.message + '.', signature: v.r + v.s, signatureEncoding: 'raw' })).toBe(false);
  });
});

describe('errors', () => {
  const pub = hex('04' + RFC6979_P256.ux + RFC6979_P256.uy);
  const { r, s } = RFC6979_P256.signatures[0];
  const ok: VerifySignatureRequest = { scheme: 'ecdsa-p256-sha256', publicKey: pub, message: 'sample', signature: r + s, signatureEncoding: 'raw' };

  it('the base request verifies', () => {
    expect(verifySignature(ok)).toBe(true);
  });

  it('UNKNOWN_SCHEME', () => {
    for (const scheme of ['ecdsa-p384-sha384', 'ES256', 'rsa', '', 'ED25519']) {
      expectCode(() => verifySignature({ ...ok, scheme }), 'UNKNOWN_SCHEME');
    }
    expectCode(() => verifySignature({ ...ok, scheme: undefined as unknown as string }), 'UNKNOWN_SCHEME');
  });

  it('UNKNOWN_SIGNATURE_ENCODING', () => {
    for (const enc of ['DER', 'p1363', 'base64', '']) {
      expectCode(() => verifySignature({ ...ok, signatureEncoding: enc as 'der' }), 'UNKNOWN_SIGNATURE_ENCODING');
    }
    const v = RFC8032_ED25519[0];
    expectCode(() => verifySignature({ scheme: 'ed25519', publicKey: v.publicKey, message: '', signature: v.signature, signatureEncoding: 'der' }), 'UNKNOWN_SIGNATURE_ENCODING');
  });

  it('MALFORMED_KEY', () => {
    const offCurve = pub.slice();
    offCurve[64] ^= 1;
    // pub.subarray(1) is raw X || Y, a valid key form; 63 bytes is not.
    expect(verifySignature({ ...ok, publicKey: pub.subarray(1) })).toBe(verifySignature(ok));
    for (const publicKey of [offCurve, offCurve.subarray(1), pub.subarray(2), 'not a key', '', new Uint8Array(0), b64(pub)]) {
      expectCode(() => verifySignature({ ...ok, publicKey }), 'MALFORMED_KEY');
    }
    expectCode(() => verifySignature({ ...ok, publicKey: { ...parsePublicKey('ecdsa-p256-sha256', pub), spkiDer: offCurve } }), 'MALFORMED_KEY');
    expectCode(() => verifySignature({ ...ok, publicKey: 42 as unknown as string }), 'MALFORMED_KEY');
  });

  it('KEY_SCHEME_MISMATCH: a valid secp256k1 signature with its secp256k1 SPKI is not verified as P-256', () => {
    const v = SECP256K1_VECTORS[0];
    const k1 = parsePublicKey('ecdsa-secp256k1-sha256', secp256k1.getPublicKey(hex(v.privateKey)));
    const req = { message: v.message, signature: v.r + v.s, signatureEncoding: 'raw' as const };
    expect(verifySignature({ ...req, scheme: 'ecdsa-secp256k1-sha256', publicKey: k1.spkiPem })).toBe(true);
    for (const publicKey of [k1.spkiPem, k1.spkiDer, toHex(k1.spkiDer), k1]) {
      expectCode(() => verifySignature({ ...req, scheme: 'ecdsa-p256-sha256', publicKey }), 'KEY_SCHEME_MISMATCH');
    }
    const ed = parsePublicKey('ed25519', RFC8032_ED25519[0].publicKey);
    expectCode(() => verifySignature({ ...ok, publicKey: ed.spkiPem }), 'KEY_SCHEME_MISMATCH');
    expectCode(() => verifySignature({ ...ok, publicKey: ed }), 'KEY_SCHEME_MISMATCH');
    expectCode(() => verifySignature({ scheme: 'ed25519', publicKey: parsePublicKey('ecdsa-p256-sha256', pub).spkiDer, message: '', signature: RFC8032_ED25519[0].signature }), 'KEY_SCHEME_MISMATCH');
  });

  it('MALFORMED_SIGNATURE', () => {
    const n = ECDSA_CURVES['ecdsa-p256-sha256'].n;
    const cases: Array<Partial<VerifySignatureRequest>> = [
      { signature: r + s, signatureEncoding: undefined }, // raw bytes given as (default) DER
      { signature: r + s + '00', signatureEncoding: 'raw' },
      { signature: r, signatureEncoding: 'raw' },
      { signature: bigHex(0n) + s, signatureEncoding: 'raw' },
      { signature: r + bigHex(n), signatureEncoding: 'raw' },
      { signature: `3046022100${r}022100${s}00`, signatureEncoding: 'der' }, // DER with a trailing byte
      { signature: `304702220000${r}022100${s}`, signatureEncoding: 'der' }, // non-minimal integer
      { signature: `3046022100${r}022100${s}`.replace(/^3046/, '308146'), signatureEncoding: 'der' }, // BER long-form length
      { signature: 'not base64!' },
      { signature: '' },
      { signature: 12 as unknown as string },
    ];
    for (const c of cases) expectCode(() => verifySignature({ ...ok, ...c }), 'MALFORMED_SIGNATURE');
    const v = RFC8032_ED25519[0];
    for (const signature of [v.signature.slice(2), v.signature + '00', '']) {
      expectCode(() => verifySignature({ scheme: 'ed25519', publicKey: v.publicKey, message: '', signature }), 'MALFORMED_SIGNATURE');
    }
  });

  it('MALFORMED_ENCODING for a message that is neither bytes nor a well-formed string', () => {
    expectCode(() => verifySignature({ ...ok, message: 12 as unknown as string }), 'MALFORMED_ENCODING');
    expectCode(() => verifySignature({ ...ok, message: 'sample\ud800' }), 'MALFORMED_ENCODING');
  });

  it('throws CryptoError with name, code and a message without the code', () => {
    const err = expectCode(() => verifySignature({ ...ok, scheme: 'rsa' }), 'UNKNOWN_SCHEME');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CryptoError');
    expect(err.message).not.toContain('UNKNOWN_SCHEME');
    expect(err.message).toContain('rsa');
  });

  it('checks in order: scheme, encoding, key, signature', () => {
    const allBad = { scheme: 'x', publicKey: 'bad', message: '', signature: 'bad!', signatureEncoding: 'bad' as 'der' };
    expectCode(() => verifySignature(allBad), 'UNKNOWN_SCHEME');
    expectCode(() => verifySignature({ ...allBad, scheme: 'ed25519' }), 'UNKNOWN_SIGNATURE_ENCODING');
    expectCode(() => verifySignature({ ...allBad, scheme: 'ed25519', signatureEncoding: undefined }), 'MALFORMED_KEY');
    expectCode(() => verifySignature({ ...allBad, scheme: 'ed25519', signatureEncoding: undefined, publicKey: RFC8032_ED25519[0].publicKey }), 'MALFORMED_SIGNATURE');
  });

  it('every error is a CryptoError', () => {
    expect(new CryptoError('MALFORMED_KEY', 'm', { cause: 1 }).cause).toBe(1);
  });
});

describe('key cache', () => {
  const pub = hex('04' + RFC6979_P256.ux + RFC6979_P256.uy);
  const { r, s, message } = RFC6979_P256.signatures[1];
  const req = { scheme: 'ecdsa-p256-sha256', message, signature: r + s, signatureEncoding: 'raw' as const };

  beforeEach(() => clearKeyCache());

  it('caches validated keys only', () => {
    expect(verifySignature({ ...req, publicKey: pub })).toBe(true);
    expect(keyCacheSize()).toBe(1);
    expect(verifySignature({ ...req, publicKey: pub })).toBe(true);
    expect(keyCacheSize()).toBe(1);
    expectCode(() => verifySignature({ ...req, publicKey: 'bad' }), 'MALFORMED_KEY');
    expect(keyCacheSize()).toBe(1);
  });

  it('is bounded, and results do not depend on its contents', () => {
    // Distinct spellings of one key (hex with different letter case) are distinct cache entries.
    const h = toHex(pub);
    const letters = [...h].map((c, i) => (/[a-f]/.test(c) ? i : -1)).filter((i) => i >= 0);
    expect(2 ** letters.length).toBeGreaterThan(KEY_CACHE_LIMIT);
    for (let k = 0; k < KEY_CACHE_LIMIT + 50; k++) {
      const chars = [...h];
      letters.forEach((pos, bit) => {
        if (bit < 31 && (k >> bit) & 1) chars[pos] = chars[pos].toUpperCase();
      });
      expect(verifySignature({ ...req, publicKey: chars.join('') })).toBe(true);
    }
    expect(keyCacheSize()).toBe(KEY_CACHE_LIMIT);
    expect(verifySignature({ ...req, publicKey: h })).toBe(true);
  });

  it('right-key / wrong-key interleavings give the same results with and without the cache', () => {
    // Two keys per scheme, signatures of each over two messages, every key/message/signature
    // combination in a fixed shuffled order: run once against a cleared cache before every call
    // (no hits at all) and once with a warm cache (hits for every key after its first use).
    const signers = (['ecdsa-p256-sha256', 'ecdsa-secp256k1-sha256', 'ed25519'] as const).flatMap((scheme) => [
      generateSoftwareSigner(scheme),
      generateSoftwareSigner(scheme),
    ]);
    const messages = ['2023-02-08T13:54:26,1.581', '2023-02-08T13:55:26,1.582'];
    const cases: VerifySignatureRequest[] = [];
    for (const signer of signers) {
      for (const other of signers.filter((o) => o.scheme === signer.scheme)) {
        for (const m of messages) {
          const signature = signer.sign(m);
          for (const message of messages) {
            for (const publicKey of [other.publicKey.spkiPem, toHex(other.publicKey.raw), other.publicKey.spkiDer, other.publicKey]) {
              cases.push({ scheme: signer.scheme, publicKey, message, signature });
            }
          }
        }
      }
    }
    // Deterministic shuffle (LCG), so right and wrong keys of one scheme alternate.
    let seed = 7;
    for (let i = cases.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const j = seed % (i + 1);
      [cases[i], cases[j]] = [cases[j], cases[i]];
    }
    const cold = cases.map((c) => {
      clearKeyCache();
      return verifySignature(c);
    });
    clearKeyCache();
    const warm = cases.map((c) => verifySignature(c));
    const warmAgain = cases.map((c) => verifySignature(c));
    expect(warm).toEqual(cold);
    expect(warmAgain).toEqual(cold);
    expect(cold.filter(Boolean).length).toBe(signers.length * messages.length * 4); // own key, own message, 4 spellings
    expect(cold.some((x) => !x)).toBe(true);
    expect(keyCacheSize()).toBe(signers.length * 3); // PEM, hex raw, DER bytes (PublicKeyInfo shares the DER entry)
  });

  it('is keyed by scheme and content: no cross-scheme or stale hits', () => {
    const info = parsePublicKey('ecdsa-p256-sha256', pub);
    expect(verifySignature({ ...req, publicKey: info })).toBe(true);
    // Same bytes, other scheme: re-parsed under that scheme (P-256 point is not on secp256k1).
    expectCode(() => verifySignature({ ...req, scheme: 'ecdsa-secp256k1-sha256', publicKey: info.spkiDer }), 'KEY_SCHEME_MISMATCH');
    expectCode(() => verifySignature({ ...req, scheme: 'ecdsa-secp256k1-sha256', publicKey: pub }), 'MALFORMED_KEY');
    // The cached PublicKeyInfo claims another scheme now: rejected, not served from the cache.
    expectCode(() => verifySignature({ ...req, publicKey: { ...info, scheme: 'ed25519' } }), 'KEY_SCHEME_MISMATCH');
    // Mutating the bytes in place changes the cache key.
    const mutable = { ...info, spkiDer: info.spkiDer.slice() };
    expect(verifySignature({ ...req, publicKey: mutable })).toBe(true);
    mutable.spkiDer[mutable.spkiDer.length - 1] ^= 1;
    expectCode(() => verifySignature({ ...req, publicKey: mutable }), 'MALFORMED_KEY');
  });
});
