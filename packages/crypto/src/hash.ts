import { createHash } from 'node:crypto';
import { utf8Bytes } from './bytes';

/** SHA-256 (node:crypto, native speed). A string is hashed as its UTF-8 bytes. */
export function sha256(b: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(utf8Bytes(b, 'sha256 input')).digest());
}

/** Lowercase hex SHA-256. */
export function sha256Hex(b: Uint8Array | string): string {
  return createHash('sha256').update(utf8Bytes(b, 'sha256 input')).digest('hex');
}
