import { ChaincodeError } from './errors';
import { KEY_END, KEY_SEPARATOR, stateKey } from './state-key';
import type { StatePage, StateStore } from './state-store';

/** A bookmark is the last key of the page, base64url: opaque to clients and free of control characters. */
export function encodeBookmark(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeBookmark(bookmark: string, prefix: string): string {
  const key = Buffer.from(bookmark, 'base64url').toString('utf8');
  if (encodeBookmark(key) !== bookmark || !key.startsWith(prefix) || key === prefix) {
    throw new ChaincodeError('INVALID_ARGUMENT', 'bookmark does not belong to this query; pass back the bookmark of the previous page');
  }
  return key;
}

/**
 * One page of the entries whose keys start with `stateKey(objectType, attributes)`, resuming right after
 * `bookmark` (the previous page's last key). A plain range query, not Fabric's paginated one, so it may
 * run in a transaction that writes (see state-key.ts). Reads at most `pageSize + 1` entries.
 */
export async function pageByPrefix(
  state: StateStore,
  objectType: string,
  attributes: readonly string[],
  pageSize: number,
  bookmark: string,
): Promise<StatePage> {
  const prefix = stateKey(objectType, attributes);
  const start = bookmark ? decodeBookmark(bookmark, prefix) + KEY_SEPARATOR : prefix;
  const entries = await state.range(start, prefix + KEY_END, pageSize + 1);
  const page = entries.slice(0, pageSize);
  return { entries: page, bookmark: entries.length > pageSize ? encodeBookmark(page[page.length - 1].key) : '' };
}
