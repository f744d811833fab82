import { ChaincodeError } from './errors';

/**
 * State keys: `objectType \0 attribute \0 ... \0`. Like Fabric's composite keys, but without the
 * leading U+0000 that puts composite keys out of reach of `getStateByRange`: these are simple keys, so a
 * listing can resume exactly after its bookmark with a plain (non-paginated) range query. Fabric's
 * paginated queries cannot be used because they forbid writes in the same transaction, and every
 * evaluate-only function writes the read-only sentinel (see registry/read-only.ts).
 *
 * Attributes are never empty and never contain U+0000 (the request schemas reject control characters in
 * everything that becomes an attribute), so the encoding is unambiguous.
 */
export const KEY_SEPARATOR = '\u0000';
/** The largest code point: `prefix + KEY_END` bounds every key that starts with `prefix` (as Fabric does). */
export const KEY_END = '\u{10ffff}';

function checkPart(part: string, what: string): void {
  if (typeof part !== 'string' || part.length === 0 || part.includes(KEY_SEPARATOR)) {
    throw new ChaincodeError('INVALID_ARGUMENT', `${what} of a state key must be a non-empty string without U+0000`);
  }
}

export function stateKey(objectType: string, attributes: readonly string[] = []): string {
  checkPart(objectType, 'the object type');
  for (const attribute of attributes) checkPart(attribute, 'an attribute');
  return `${[objectType, ...attributes].join(KEY_SEPARATOR)}${KEY_SEPARATOR}`;
}

/** The object type and attributes of a key made by {@link stateKey}. */
export function splitStateKey(key: string): { objectType: string; attributes: string[] } {
  const parts = key.split(KEY_SEPARATOR);
  parts.pop(); // the trailing separator
  const [objectType, ...attributes] = parts;
  return { objectType, attributes };
}
