/**
 * Property-style agreement between the hot path (node:crypto / OpenSSL) and an independent
 * implementation (@noble/curves) on many signatures, including high-S twins and tampering.
 * Deterministic: keys, messages and (RFC 6979 / RFC 8032) signatures derive from fixed labels.
 */
import { ed25519 } from '@noble/curves/ed25519';
import { toHex } from './bytes';
import { ECDSA_CURVES } from './curves';
import { parsePublicKey } from './keys';
import { softwareSignerFromPrivateKeyPem } from './signer';
import { bigHex, ECDSA_SCHEMES, ecdsaSecret, ed25519Secret, hex, nobleEcdsa, privateKeyPem, seed } from './testing/fixtures';
import { verifySignature } from './verify';

const CASES = 48;

/** A deterministic message of length 0..~300 bytes. */
function message(label: string, i: number): Uint8Array {
  const len = (i * 37) % 301;
  const out = new Uint8Array(len);
  for (let off = 0, block = 0; off < len; off += 32, block++) out.set(seed(`${label}/msg/${i}/${block}`).subarray(0, Math.min(32, len - off)), off);
  return out;
}

function flip(bytes: Uint8Array, index: number, bit = 1): Uint8Array {
  const out = bytes.slice();
  out[index] ^= bit;
  return out;
}

describe.each(ECDSA_SCHEMES)('%s: node:crypto and @noble/curves agree', (scheme) => {
  const noble = nobleEcdsa[scheme];
  const { n } = ECDSA_CURVES[scheme];
  let accepted = 0;
  let rejected = 0;

  /** Our verdict (true/false/'throws') must equal noble's (true/false) exactly. */
  function agree(pub: Uint8Array, keyForm: Uint8Array | string, msg: Uint8Array, r: bigint, s: bigint): boolean {
    const raw = hex(bigHex(r) + bigHex(s));
    const der = new noble.Signature(r, s).toBytes('der');
    const theirs = noble.verify(raw, msg, pub, { lowS: false, prehash: true, format: 'compact' });
    const oursRaw = verifySignature({ scheme, publicKey: keyForm, message: msg, signature: raw, signatureEncoding: 'raw' });
    const oursDer = verifySignature({ scheme, publicKey: keyForm, message: msg, signature: der });
    expect([oursRaw, oursDer]).toEqual([theirs, theirs]);
    if (theirs) accepted++;
    else rejected++;
    return theirs;
  }

  it(`${CASES} deterministic keys: valid, high-S twin, tampered message/r/s, wrong key`, () => {
    let highS = 0;
    for (let i = 0; i < CASES; i++) {
      const secret = ecdsaSecret(scheme, `agree/${i}`);
      const pub = noble.getPublicKey(secret, false);
      const info = parsePublicKey(scheme, pub);
      const keyForms = [pub, info.raw, info.spkiDer, info.spkiPem, toHex(pub), info];
      const keyForm = keyForms[i % keyForms.length] as Uint8Array | string;
      const msg = message(scheme, i);
      // prehash: noble hashes with SHA-256 itself, exactly as node does; lowS: false keeps s as computed.
      const sig = noble.sign(msg, secret, { prehash: true, lowS: false });
      const { r, s } = sig;
      if (s > n / 2n) highS++;

      expect(agree(pub, keyForm, msg, r, s)).toBe(true);
      expect(agree(pub, keyForm, msg, r, n - s)).toBe(true); // the high/low-S twin is equally valid
      expect(agree(pub, keyForm, msg.length ? flip(msg, i % msg.length) : Uint8Array.of(0), r, s)).toBe(false);
      expect(agree(pub, keyForm, msg, r ^ 1n, s)).toBe(false);
      expect(agree(pub, keyForm, msg, r, s ^ 1n)).toBe(false);
      expect(agree(pub, keyForm, msg, s, r)).toBe(false);
      const other = noble.getPublicKey(ecdsaSecret(scheme, `agree/${i + 1}`), false);
      expect(agree(other, other, msg, r, s)).toBe(false);
    }
    // Sanity of the sample: both halves of the S range occur.
    expect(highS).toBeGreaterThan(CASES / 4);
    expect(highS).toBeLessThan((3 * CASES) / 4);
    expect(accepted).toBe(2 * CASES);
    expect(rejected).toBe(5 * CASES);
  });

  it('OpenSSL-made signatures (and their S twins) verify in both', () => {
    for (let i = 0; i < 8; i++) {
      const secret = ecdsaSecret(scheme, `openssl/${i}`);
      const signer = softwareSignerFromPrivateKeyPem(scheme, privateKeyPem(scheme, secret));
      const pub = noble.getPublicKey(secret, false);
      expect(signer.publicKey.raw).toEqual(noble.getPublicKey(secret, true));
      const msg = message(`${scheme}/openssl`, i);
      const der = signer.sign(msg);
      const raw = signer.sign(msg, 'raw');
      for (const sig of [noble.Signature.fromBytes(der, 'der'), noble.Signature.fromBytes(raw, 'compact')]) {
        expect(agree(pub, signer.publicKey.spkiPem, msg, sig.r, sig.s)).toBe(true);
        expect(agree(pub, signer.publicKey.spkiPem, msg, sig.r, n - sig.s)).toBe(true);
      }
    }
  });
});

describe('ed25519: node:crypto and @noble/curves agree', () => {
  const L = ed25519.Point.Fn.ORDER;

  function agree(pub: Uint8Array, keyForm: Uint8Array | string, msg: Uint8Array, sig: Uint8Array): boolean {
    // zip215: false = RFC 8032 strict rules (noble's default is the more permissive ZIP-215).
    const theirs = ed25519.verify(sig, msg, pub, { zip215: false });
    expect(verifySignature({ scheme: 'ed25519', publicKey: keyForm, message: msg, signature: sig })).toBe(theirs);
    return theirs;
  }

  it(`${CASES} deterministic keys: valid, tampered message/R/S, S + L, wrong key`, () => {
    for (let i = 0; i < CASES; i++) {
      const secret = ed25519Secret(`agree/${i}`);
      const pub = ed25519.getPublicKey(secret);
      const info = parsePublicKey('ed25519', pub);
      const keyForms = [pub, info.spkiDer, info.spkiPem, toHex(pub), toHex(info.spkiDer)];
      const keyForm = keyForms[i % keyForms.length];
      const msg = message('ed25519', i);
      const sig = ed25519.sign(msg, secret);

      expect(agree(pub, keyForm, msg, sig)).toBe(true);
      expect(agree(pub, keyForm, msg.length ? flip(msg, i % msg.length) : Uint8Array.of(0), sig)).toBe(false);
      expect(agree(pub, keyForm, msg, flip(sig, i % 32))).toBe(false); // R
      expect(agree(pub, keyForm, msg, flip(sig, 32 + (i % 31)))).toBe(false); // S (not the top byte)
      const s = BigInt('0x' + toHex(sig.slice(32).reverse()));
      const malleated = new Uint8Array([...sig.slice(0, 32), ...hex(bigHex(s + L)).reverse()]);
      expect(agree(pub, keyForm, msg, malleated)).toBe(false);
      const other = ed25519.getPublicKey(ed25519Secret(`agree/${i + 1}`));
      expect(agree(other, other, msg, sig)).toBe(false);
    }
  });

  it('OpenSSL-made signatures verify in both (Ed25519 is deterministic, so they equal noble\'s)', () => {
    for (let i = 0; i < 8; i++) {
      const secret = ed25519Secret(`openssl/${i}`);
      const signer = softwareSignerFromPrivateKeyPem('ed25519', privateKeyPem('ed25519', secret));
      const msg = message('ed25519/openssl', i);
      const sig = signer.sign(msg);
      expect(sig).toEqual(ed25519.sign(msg, secret));
      expect(agree(ed25519.getPublicKey(secret), signer.publicKey.spkiPem, msg, sig)).toBe(true);
    }
  });
});
