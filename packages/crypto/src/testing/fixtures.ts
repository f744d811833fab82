/**
 * Shared test fixtures: published test vectors and deterministic key derivation.
 * Excluded from the build (tsconfig.build.json excludes src/**\/testing/**).
 */
import { createPrivateKey } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519';
import { p256 } from '@noble/curves/nist';
import { secp256k1 } from '@noble/curves/secp256k1';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';
import { utf8ToBytes } from '@noble/hashes/utils';
import { CryptoError, type CryptoErrorCode } from '../errors';
import type { SignatureScheme } from '../schemes';

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
export const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
export const bigHex = (n: bigint, bytes = 32): string => n.toString(16).padStart(bytes * 2, '0');

/** Assert that fn throws a CryptoError with this code. */
export function expectCode(fn: () => unknown, code: CryptoErrorCode): CryptoError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe(code);
  return thrown as CryptoError;
}

// ---------------------------------------------------------------------------------------------
// RFC 8032 section 7.1 (Ed25519) test vectors, https://www.rfc-editor.org/rfc/rfc8032#section-7.1
// ---------------------------------------------------------------------------------------------
export const RFC8032_ED25519 = [
  {
    name: 'TEST 1',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST SHA(abc)',
    secretKey: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
] as const;

// ---------------------------------------------------------------------------------------------
// RFC 6979 appendix A.2.5 (ECDSA, P-256, SHA-256), https://www.rfc-editor.org/rfc/rfc6979#appendix-A.2.5
// Note the "sample" signature has a HIGH s (s > n/2): the published vector itself is high-S.
// ---------------------------------------------------------------------------------------------
export const RFC6979_P256 = {
  privateKey: 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721',
  ux: '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6',
  uy: '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299',
  signatures: [
    {
      message: 'sample',
      k: 'a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60',
      r: 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
      s: 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
    },
    {
      message: 'test',
      k: 'd16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0',
      r: 'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
      s: '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083',
    },
  ],
} as const;

// ---------------------------------------------------------------------------------------------
// secp256k1 / SHA-256 / RFC 6979 deterministic-signature vectors published by fpgaminer,
// https://bitcointalk.org/index.php?topic=285142.msg3299061#msg3299061 (also in the test suites of
// python-ecdsa, bitcoinjs and btcd). s is given in low-S form, as published.
// ---------------------------------------------------------------------------------------------
export const SECP256K1_VECTORS = [
  {
    privateKey: '0000000000000000000000000000000000000000000000000000000000000001',
    message: 'Satoshi Nakamoto',
    r: '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8',
    s: '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5',
  },
  {
    privateKey: '0000000000000000000000000000000000000000000000000000000000000001',
    message: 'All those moments will be lost in time, like tears in rain. Time to die...',
    r: '8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b',
    s: '547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21',
  },
  {
    privateKey: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140',
    message: 'Satoshi Nakamoto',
    r: 'fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0',
    s: '6b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5',
  },
] as const;

// ---------------------------------------------------------------------------------------------
// Deterministic keys: no randomness in tests. Secret i of a scheme is SHA-256 of a fixed label.
// ---------------------------------------------------------------------------------------------
export const nobleEcdsa = { 'ecdsa-p256-sha256': p256, 'ecdsa-secp256k1-sha256': secp256k1 } as const;
export type EcdsaScheme = keyof typeof nobleEcdsa;
export const ECDSA_SCHEMES: readonly EcdsaScheme[] = ['ecdsa-p256-sha256', 'ecdsa-secp256k1-sha256'];

export function seed(label: string): Uint8Array {
  return nobleSha256(utf8ToBytes(`@meterledger/crypto test seed: ${label}`));
}

/** A valid ECDSA secret scalar derived from a label (reduced into [1, n-1]). */
export function ecdsaSecret(scheme: EcdsaScheme, label: string): Uint8Array {
  const n = nobleEcdsa[scheme].Point.Fn.ORDER;
  const d = (BigInt('0x' + Buffer.from(seed(`${scheme}/${label}`)).toString('hex')) % (n - 1n)) + 1n;
  return hex(bigHex(d));
}

export function ed25519Secret(label: string): Uint8Array {
  return seed(`ed25519/${label}`);
}

/** PKCS#8 PEM of a deterministic private key, via node's JWK import (so node and noble share keys). */
export function privateKeyPem(scheme: SignatureScheme, secret: Uint8Array): string {
  let jwk: Record<string, string>;
  if (scheme === 'ed25519') {
    jwk = { kty: 'OKP', crv: 'Ed25519', d: b64url(secret), x: b64url(ed25519.getPublicKey(secret)) };
  } else {
    const pub = nobleEcdsa[scheme].getPublicKey(secret, false);
    const crv = scheme === 'ecdsa-p256-sha256' ? 'P-256' : 'secp256k1';
    jwk = { kty: 'EC', crv, d: b64url(secret), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) };
  }
  return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}
