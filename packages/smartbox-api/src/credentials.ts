import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Station secrets are stored as `scrypt$<salt hex>$<hash hex>` (node:crypto scrypt, N=16384, r=8, p=1),
 * never in clear; checking one takes the same time whether or not the station exists.
 */
const KEY_LENGTH = 32;

export function hashStationSecret(secret: string, salt: Uint8Array = randomBytes(16)): string {
  return `scrypt$${Buffer.from(salt).toString('hex')}$${scryptSync(secret, salt, KEY_LENGTH).toString('hex')}`;
}

const DUMMY = hashStationSecret('not a station', Buffer.alloc(16));

export function checkStationSecret(secret: string, stored: string | undefined): boolean {
  const [scheme, saltHex, hashHex] = (stored ?? DUMMY).split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const actual = scryptSync(secret, Buffer.from(saltHex, 'hex'), KEY_LENGTH);
  const expected = Buffer.from(hashHex, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected) && stored !== undefined;
}
