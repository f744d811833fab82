import * as fs from 'node:fs';
import * as path from 'node:path';
import { MeterledgerError } from '@meterledger/client';
import { SIGNATURE_SCHEMES, verifySignature } from '@meterledger/crypto';
import { checkPublicKey, loadKeyFile, publicKeyArgument } from './inputs';
import { tmpDir, writeKeyFile } from './testing/keys';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MeterledgerError);
    return (err as MeterledgerError).code;
  }
  throw new Error('expected an error');
}

const dir = tmpDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('--key-file', () => {
  it.each(SIGNATURE_SCHEMES)('%s: reads PKCS#8 and JSON key files and infers the scheme from the key', (scheme) => {
    for (const form of ['pkcs8', 'json'] as const) {
      const { file, signer } = writeKeyFile(dir, `${scheme}-${form}`, scheme, form);
      const loaded = loadKeyFile(file);
      expect(loaded.scheme).toBe(scheme);
      expect(loaded.publicKey.fingerprint).toBe(signer.publicKey.fingerprint);
      expect(verifySignature({ scheme, publicKey: signer.publicKey, message: 'x', signature: loaded.sign('x') })).toBe(true);
      expect(loadKeyFile(file, scheme).scheme).toBe(scheme);
    }
  });

  it('reads SEC1 "EC PRIVATE KEY" files', () => {
    const { file, signer } = writeKeyFile(dir, 'k1-sec1', 'ecdsa-secp256k1-sha256', 'sec1');
    expect(fs.readFileSync(file, 'utf8')).toContain('BEGIN EC PRIVATE KEY');
    expect(loadKeyFile(file).publicKey.fingerprint).toBe(signer.publicKey.fingerprint);
  });

  it('refuses a key of another scheme than asked, a malformed or missing file, and a JSON file of the wrong shape', () => {
    const p256 = writeKeyFile(dir, 'p256', 'ecdsa-p256-sha256').file;
    expect(codeOf(() => loadKeyFile(p256, 'ed25519'))).toBe('KEY_SCHEME_MISMATCH');
    const json = writeKeyFile(dir, 'p256.json', 'ecdsa-p256-sha256', 'json').file;
    expect(codeOf(() => loadKeyFile(json, 'ecdsa-secp256k1-sha256'))).toBe('KEY_SCHEME_MISMATCH');

    const garbage = path.join(dir, 'garbage.pem');
    fs.writeFileSync(garbage, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(codeOf(() => loadKeyFile(garbage))).toBe('MALFORMED_KEY');
    expect(codeOf(() => loadKeyFile(garbage, 'ed25519'))).toBe('MALFORMED_KEY');
    expect(codeOf(() => loadKeyFile(path.join(dir, 'missing.pem')))).toBe('INVALID_ARGUMENT');

    const wrongShape = path.join(dir, 'wrong.json');
    fs.writeFileSync(wrongShape, JSON.stringify({ key: 'x' }));
    expect(codeOf(() => loadKeyFile(wrongShape))).toBe('INVALID_ARGUMENT');
    const badJson = path.join(dir, 'bad.json');
    fs.writeFileSync(badJson, '{not json');
    expect(codeOf(() => loadKeyFile(badJson))).toBe('INVALID_ARGUMENT');
    const rsa = path.join(dir, 'rsa.json');
    fs.writeFileSync(rsa, JSON.stringify({ scheme: 'rsa', privateKeyPem: 'x' }));
    expect(codeOf(() => loadKeyFile(rsa))).toBe('UNKNOWN_SCHEME');
  });
});

describe('--public-key', () => {
  const { signer } = writeKeyFile(dir, 'pub-src', 'ecdsa-p256-sha256');
  const pem = signer.publicKey.spkiPem;
  const hex = Buffer.from(signer.publicKey.spkiDer).toString('hex');

  it('takes a PEM or hex inline, or a file holding PEM, hex or DER bytes', () => {
    const pemFile = path.join(dir, 'pub.pem');
    const hexFile = path.join(dir, 'pub.hex');
    const derFile = path.join(dir, 'pub.der');
    fs.writeFileSync(pemFile, pem);
    fs.writeFileSync(hexFile, `${hex}\n`);
    fs.writeFileSync(derFile, signer.publicKey.spkiDer);
    for (const value of [pem, hex, pemFile, hexFile, derFile]) {
      expect(checkPublicKey('ecdsa-p256-sha256', publicKeyArgument(value))).toBe(signer.publicKey.fingerprint);
    }
  });

  it('refuses what is neither a file, PEM nor hex; a key for another scheme is KEY_SCHEME_MISMATCH', () => {
    expect(codeOf(() => publicKeyArgument('not-a-key'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkPublicKey('ed25519', pem))).toBe('KEY_SCHEME_MISMATCH');
    expect(codeOf(() => checkPublicKey('ecdsa-p256-sha256', '04abcdef'))).toBe('MALFORMED_KEY');
  });
});
