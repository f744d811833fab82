import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { utf8Bytes } from './bytes';
import { describeKeyObject, ecdsaCurve, keyObjectMatchesScheme } from './curves';
import { CryptoError } from './errors';
import { parsePublicKey, type PublicKeyInfo } from './keys';
import { assertScheme, type SignatureEncoding, type SignatureScheme } from './schemes';
import { signatureEncodingFor } from './signature';

/**
 * A private key held in process memory. FOR TESTS AND DEMOS ONLY: a real meter's key is generated
 * inside and never leaves its secure element, and the meter signs there. Nothing on the ledger
 * side (chaincode, authority) may sign with a software key on a meter's behalf.
 */
export interface SoftwareSigner {
  scheme: SignatureScheme;
  publicKey: PublicKeyInfo;
  /**
   * Sign `message` (a string is signed as UTF-8). ECDSA: SHA-256 then ECDSA, 'der' (default) or
   * 'raw' r || s, with OpenSSL's random nonce. Ed25519: 64-byte R || S (omit encoding or 'raw').
   */
  sign(message: Uint8Array | string, encoding?: SignatureEncoding): Uint8Array;
}

function signerFromKeyObject(scheme: SignatureScheme, privateKey: KeyObject): SoftwareSigner {
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const publicKey = parsePublicKey(scheme, new Uint8Array(spki));
  const ecdsa = ecdsaCurve(scheme) !== undefined;
  return {
    scheme,
    publicKey,
    sign(message, encoding) {
      const enc = signatureEncodingFor(scheme, encoding);
      const data = utf8Bytes(message, 'message');
      const sig = ecdsa
        ? nodeSign('sha256', data, { key: privateKey, dsaEncoding: enc === 'raw' ? 'ieee-p1363' : 'der' })
        : nodeSign(null, data, privateKey);
      return new Uint8Array(sig);
    },
  };
}

/**
 * Generate a fresh key pair. TESTS AND DEMOS ONLY (uses the OS random generator; a real meter's
 * key lives in its secure element). Never call this from chaincode: it is not deterministic.
 */
export function generateSoftwareSigner(scheme: SignatureScheme): SoftwareSigner {
  const s = assertScheme(scheme);
  const curve = ecdsaCurve(s);
  const { privateKey } = curve ? generateKeyPairSync('ec', { namedCurve: curve.nodeCurve }) : generateKeyPairSync('ed25519');
  return signerFromKeyObject(s, privateKey);
}

/** Load an unencrypted PKCS#8 ('PRIVATE KEY') or SEC1 ('EC PRIVATE KEY') PEM. TESTS AND DEMOS ONLY. */
export function softwareSignerFromPrivateKeyPem(scheme: SignatureScheme, pem: string): SoftwareSigner {
  const s = assertScheme(scheme);
  if (typeof pem !== 'string') throw new CryptoError('MALFORMED_KEY', 'private key must be a PEM string');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new CryptoError('MALFORMED_KEY', 'not a readable unencrypted private key PEM', { cause });
  }
  if (!keyObjectMatchesScheme(privateKey, s)) {
    throw new CryptoError('KEY_SCHEME_MISMATCH', `private key is ${describeKeyObject(privateKey)}, not a ${s} key`);
  }
  return signerFromKeyObject(s, privateKey);
}
