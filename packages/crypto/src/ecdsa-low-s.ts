import { sign, type KeyObject } from 'node:crypto';
import { ECDSA_CURVES, type EcdsaCurve } from './curves';
import { CryptoError } from './errors';

/**
 * DER ECDSA-Sig-Value (RFC 3279 §2.2.3) of r and s: minimal non-negative INTEGERs, short-form lengths
 * (r and s of 256-bit curves always fit).
 */
export function encodeDerSignature(r: bigint, s: bigint): Uint8Array {
  const integer = (x: bigint) => {
    let hex = x.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let bytes = Buffer.from(hex, 'hex');
    if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30, body.length]), body]));
}

function curveOfKey(key: KeyObject): EcdsaCurve {
  const named = key.asymmetricKeyDetails?.namedCurve;
  const curve = Object.values(ECDSA_CURVES).find((c) => key.asymmetricKeyType === 'ec' && c.nodeCurve === named);
  if (!curve) throw new CryptoError('MALFORMED_KEY', `not an ECDSA key of a supported curve (${key.asymmetricKeyType} ${named ?? ''})`);
  return curve;
}

/**
 * ECDSA with SHA-256 over `message`, by node:crypto (OpenSSL, ~30× faster here than a pure-JS signer), as a
 * DER signature with low S (s ≤ n/2). Fabric's MSP rejects high-S signatures of transactions and proposals,
 * and OpenSSL returns either form, so S is normalised to n − s when needed.
 */
export function signEcdsaSha256LowS(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  const curve = curveOfKey(privateKey);
  const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const r = BigInt(`0x${raw.subarray(0, curve.size).toString('hex')}`);
  let s = BigInt(`0x${raw.subarray(curve.size).toString('hex')}`);
  if (s > curve.n / 2n) s = curve.n - s;
  return encodeDerSignature(r, s);
}
