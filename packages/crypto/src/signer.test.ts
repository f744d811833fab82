import { generateKeyPairSync } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1';
import { p256 } from '@noble/curves/nist';
import { SIGNATURE_SCHEMES } from './schemes';
import { generateSoftwareSigner, softwareSignerFromPrivateKeyPem } from './signer';
import { ecdsaSecret, expectCode, privateKeyPem } from './testing/fixtures';
import { verifySignature } from './verify';

describe('generateSoftwareSigner (tests and demos only)', () => {
  it.each(SIGNATURE_SCHEMES)('%s: signs what verifySignature accepts, in every encoding', (scheme) => {
    const signer = generateSoftwareSigner(scheme);
    expect(signer.scheme).toBe(scheme);
    expect(signer.publicKey.scheme).toBe(scheme);
    const message = 'meter reading 42.000 kWh';
    const sig = signer.sign(message);
    expect(sig.constructor).toBe(Uint8Array);
    expect(verifySignature({ scheme, publicKey: signer.publicKey, message, signature: sig })).toBe(true);
    expect(verifySignature({ scheme, publicKey: signer.publicKey, message: message + '!', signature: sig })).toBe(false);
    const raw = signer.sign(new Uint8Array(Buffer.from(message)), 'raw');
    expect(raw).toHaveLength(64);
    expect(verifySignature({ scheme, publicKey: signer.publicKey.spkiPem, message, signature: raw, signatureEncoding: 'raw' })).toBe(true);
    if (scheme === 'ed25519') {
      expectCode(() => signer.sign(message, 'der'), 'UNKNOWN_SIGNATURE_ENCODING');
    } else {
      expect(sig[0]).toBe(0x30); // DER by default
    }
    expectCode(() => signer.sign(message, 'pem' as 'der'), 'UNKNOWN_SIGNATURE_ENCODING');
    expectCode(() => signer.sign(42 as unknown as string), 'MALFORMED_ENCODING');
  });

  it('generates distinct keys', () => {
    expect(generateSoftwareSigner('ed25519').publicKey.fingerprint).not.toBe(generateSoftwareSigner('ed25519').publicKey.fingerprint);
  });

  it('rejects unknown schemes', () => {
    expectCode(() => generateSoftwareSigner('ecdsa-p384-sha384' as 'ed25519'), 'UNKNOWN_SCHEME');
  });
});

describe('softwareSignerFromPrivateKeyPem', () => {
  it('derives the same public key as noble from a PKCS#8 PEM', () => {
    const secret = ecdsaSecret('ecdsa-p256-sha256', 'signer/pkcs8');
    const signer = softwareSignerFromPrivateKeyPem('ecdsa-p256-sha256', privateKeyPem('ecdsa-p256-sha256', secret));
    expect(signer.publicKey.raw).toEqual(p256.getPublicKey(secret, true));
  });

  it('reads SEC1 "EC PRIVATE KEY" PEMs', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    const signer = softwareSignerFromPrivateKeyPem('ecdsa-secp256k1-sha256', sec1);
    expect(signer.publicKey.spkiDer).toEqual(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })));
    const sig = signer.sign('x', 'raw');
    expect(secp256k1.verify(sig, new Uint8Array(Buffer.from('x')), signer.publicKey.raw, { lowS: false, prehash: true, format: 'compact' })).toBe(true);
  });

  it('KEY_SCHEME_MISMATCH for a key of another algorithm or curve', () => {
    const p256Pem = privateKeyPem('ecdsa-p256-sha256', ecdsaSecret('ecdsa-p256-sha256', 'signer/mismatch'));
    expectCode(() => softwareSignerFromPrivateKeyPem('ecdsa-secp256k1-sha256', p256Pem), 'KEY_SCHEME_MISMATCH');
    expectCode(() => softwareSignerFromPrivateKeyPem('ed25519', p256Pem), 'KEY_SCHEME_MISMATCH');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expectCode(() => softwareSignerFromPrivateKeyPem('ecdsa-p256-sha256', p384), 'KEY_SCHEME_MISMATCH');
  });

  it('MALFORMED_KEY for anything that is not an unencrypted private key PEM', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const encrypted = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    for (const pem of ['', 'garbage', encrypted, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 42 as unknown as string]) {
      expectCode(() => softwareSignerFromPrivateKeyPem('ed25519', pem), 'MALFORMED_KEY');
    }
  });

  it('UNKNOWN_SCHEME', () => {
    expectCode(() => softwareSignerFromPrivateKeyPem('x' as 'ed25519', ''), 'UNKNOWN_SCHEME');
  });
});
