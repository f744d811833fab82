import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist';
import { ECDSA_CURVES } from './curves';
import { encodeDerSignature, signEcdsaSha256LowS } from './ecdsa-low-s';
import { parseDerSignature } from './signature';

describe('signEcdsaSha256LowS', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const n = ECDSA_CURVES['ecdsa-p256-sha256'].n;

  it('always gives low S, strict DER, and signatures node:crypto and @noble/curves (lowS) accept', () => {
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    const point = spki.subarray(spki.length - 65);
    let normalised = 0;
    for (let i = 0; i < 64; i++) {
      const message = Buffer.from(`message ${i}`);
      const der = signEcdsaSha256LowS(privateKey, message);
      const { r, s } = parseDerSignature(der);
      expect(s <= n / 2n).toBe(true);
      expect(verify('sha256', message, createPublicKey(privateKey), der)).toBe(true);
      expect(p256.verify(der, message, point, { prehash: true, lowS: true, format: 'der' })).toBe(true);
      expect(encodeDerSignature(r, s)).toEqual(der);
      normalised += Number(verify('sha256', message, createPublicKey(privateKey), encodeDerSignature(r, n - s)));
    }
    // The high-S twin of every signature verifies too: normalising S changes nothing but its form.
    expect(normalised).toBe(64);
  });

  it('refuses keys that are not ECDSA of a supported curve', () => {
    const ed = generateKeyPairSync('ed25519').privateKey;
    expect(() => signEcdsaSha256LowS(ed, Buffer.from('x'))).toThrow(/MALFORMED_KEY|not an ECDSA key/);
  });

  it('encodes DER minimally: a leading zero only where the high bit is set', () => {
    expect(Buffer.from(encodeDerSignature(1n, 0x80n)).toString('hex')).toBe('3007020101020200' + '80');
  });
});
