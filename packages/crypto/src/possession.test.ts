import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519';
import { toHex } from './bytes';
import { sha256Hex } from './hash';
import { parsePublicKey } from './keys';
import { buildPossessionChallenge, type PossessionChallengeInput } from './possession';
import { generateSoftwareSigner, softwareSignerFromPrivateKeyPem } from './signer';
import { expectCode, hex, privateKeyPem, RFC6979_P256, RFC8032_ED25519 } from './testing/fixtures';
import { verifySignature } from './verify';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

// Golden vector, also printed in README.md. Key: RFC 8032 7.1 TEST 1. Nonce: base64url of bytes 0x00..0x0f.
const GOLDEN_INPUT: PossessionChallengeInput = {
  channel: 'meterledger-main',
  meterId: 'MTR-0001',
  scheme: 'ed25519',
  publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  nonce: 'AAECAwQFBgcICQoLDA0ODw',
};
const GOLDEN_CHALLENGE =
  '{"channel":"meterledger-main","meterId":"MTR-0001","nonce":"AAECAwQFBgcICQoLDA0ODw",' +
  '"publicKey":"302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",' +
  '"scheme":"ed25519","type":"meterledger.possession.v1"}';
const GOLDEN_SHA256 = '98c7207c72b55f39b4e7fa2969e337fc77e41f57b4e6a640e4fae22104cc4eeb';
// Ed25519 signature of GOLDEN_CHALLENGE by the RFC 8032 TEST 1 secret key (Ed25519 is deterministic).
const GOLDEN_SIGNATURE =
  '7963cc2edac4372282370f685a0ad5d54146e0b658e89931069f1ae2fc1836322af16397337c458b2734a6684914128883d194d4ec77e254cee08c9f5a124708';

describe('buildPossessionChallenge', () => {
  it('produces the golden challenge bytes', () => {
    const bytes = buildPossessionChallenge(GOLDEN_INPUT);
    expect(text(bytes)).toBe(GOLDEN_CHALLENGE);
    expect(bytes).toEqual(new Uint8Array(Buffer.from(GOLDEN_CHALLENGE, 'utf8')));
    expect(sha256Hex(bytes)).toBe(GOLDEN_SHA256);
    expect(bytes).toHaveLength(241); // as stated in README.md
  });

  it('README.md shows the same golden vector', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    for (const value of [GOLDEN_CHALLENGE, GOLDEN_SHA256, GOLDEN_SIGNATURE, GOLDEN_INPUT.publicKey as string, GOLDEN_INPUT.nonce, RFC8032_ED25519[0].secretKey]) {
      expect(readme).toContain(value);
    }
  });

  it('the golden signature is what the TEST 1 key produces, and it verifies', () => {
    const secret = hex(RFC8032_ED25519[0].secretKey);
    const bytes = buildPossessionChallenge(GOLDEN_INPUT);
    expect(toHex(ed25519.sign(bytes, secret))).toBe(GOLDEN_SIGNATURE);
    expect(toHex(softwareSignerFromPrivateKeyPem('ed25519', privateKeyPem('ed25519', secret)).sign(bytes))).toBe(GOLDEN_SIGNATURE);
    expect(verifySignature({ scheme: 'ed25519', publicKey: GOLDEN_INPUT.publicKey as string, message: bytes, signature: GOLDEN_SIGNATURE })).toBe(true);
  });

  it('is independent of how the key is encoded (always the canonical uncompressed SPKI)', () => {
    const info = parsePublicKey('ecdsa-p256-sha256', hex('04' + RFC6979_P256.ux + RFC6979_P256.uy));
    const base = { channel: 'meterledger-main', meterId: 'Zähler 7', scheme: 'ecdsa-p256-sha256' as const, nonce: 'AAECAwQFBgcICQoLDA0ODw' };
    const expected =
      '{"channel":"meterledger-main","meterId":"Zähler 7","nonce":"AAECAwQFBgcICQoLDA0ODw",' +
      '"publicKey":"3059301306072a8648ce3d020106082a8648ce3d0301070342000460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",' +
      '"scheme":"ecdsa-p256-sha256","type":"meterledger.possession.v1"}';
    for (const publicKey of [info, info.raw, info.spkiDer, info.spkiPem, toHex(info.raw), toHex(info.spkiDer)]) {
      expect(text(buildPossessionChallenge({ ...base, publicKey }))).toBe(expected);
    }
    // Non-ASCII is UTF-8 encoded, not escaped (RFC 8785): "ä" is c3 a4.
    expect(toHex(buildPossessionChallenge({ ...base, publicKey: info }))).toContain('5ac3a4686c65722037');
  });

  it('changes with every field', () => {
    const golden = text(buildPossessionChallenge(GOLDEN_INPUT));
    const other = RFC8032_ED25519[1].publicKey;
    for (const change of [{ channel: 'other' }, { meterId: 'MTR-0002' }, { nonce: 'AAECAwQFBgcICQoLDA0ODx' }, { publicKey: other }]) {
      expect(text(buildPossessionChallenge({ ...GOLDEN_INPUT, ...change }))).not.toBe(golden);
    }
  });

  it('round-trips with every software signer', () => {
    for (const scheme of ['ecdsa-p256-sha256', 'ecdsa-secp256k1-sha256', 'ed25519'] as const) {
      const signer = generateSoftwareSigner(scheme);
      const challenge = buildPossessionChallenge({ ...GOLDEN_INPUT, scheme, publicKey: signer.publicKey });
      expect(verifySignature({ scheme, publicKey: signer.publicKey.spkiPem, message: challenge, signature: signer.sign(challenge) })).toBe(true);
    }
  });

  it.each([
    ['empty channel', { channel: '' }],
    ['non-string channel', { channel: 7 }],
    ['empty meterId', { meterId: '' }],
    ['meterId with a lone surrogate', { meterId: 'MTR-\ud800' }],
    ['nonce of 15 characters', { nonce: 'AAECAwQFBgcICQo' }],
    ['nonce of 129 characters', { nonce: 'A'.repeat(129) }],
    ['nonce with "+"', { nonce: 'AAECAwQFBgcICQoLDA0OD+' }],
    ['nonce with "="', { nonce: 'AAECAwQFBgcICQoLDA0ODw==' }],
    ['nonce with a space', { nonce: 'AAECAwQFBgcI CQoLDA0ODw' }],
    ['missing nonce', { nonce: undefined }],
  ])('MALFORMED_ENCODING: %s', (_name, change) => {
    expectCode(() => buildPossessionChallenge({ ...GOLDEN_INPUT, ...(change as object) }), 'MALFORMED_ENCODING');
  });

  it('accepts nonces of exactly 16 and 128 characters', () => {
    expect(() => buildPossessionChallenge({ ...GOLDEN_INPUT, nonce: 'a'.repeat(16) })).not.toThrow();
    expect(() => buildPossessionChallenge({ ...GOLDEN_INPUT, nonce: '-_'.repeat(64) })).not.toThrow();
  });

  it('UNKNOWN_SCHEME, MALFORMED_KEY and KEY_SCHEME_MISMATCH', () => {
    expectCode(() => buildPossessionChallenge({ ...GOLDEN_INPUT, scheme: 'rsa' as 'ed25519' }), 'UNKNOWN_SCHEME');
    expectCode(() => buildPossessionChallenge({ ...GOLDEN_INPUT, publicKey: 'zz' }), 'MALFORMED_KEY');
    const p256Key = parsePublicKey('ecdsa-p256-sha256', hex('04' + RFC6979_P256.ux + RFC6979_P256.uy));
    expectCode(() => buildPossessionChallenge({ ...GOLDEN_INPUT, publicKey: p256Key }), 'KEY_SCHEME_MISMATCH');
    expectCode(() => buildPossessionChallenge({ ...GOLDEN_INPUT, publicKey: p256Key.spkiPem }), 'KEY_SCHEME_MISMATCH');
  });
});
