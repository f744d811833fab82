/** One page of a paginated query, as every meterledger listing returns it. */
export interface PageLike<T> {
  items: T[];
  /** '' on the last page. */
  bookmark: string;
}

/**
 * Every item of a paginated query, fetching page after page: `fetch` is called with the query and the
 * previous page's bookmark. '' marks the last page; an empty page or an unchanged bookmark also ends it.
 */
export async function* allPages<T, Q extends { bookmark?: string }>(fetch: (query: Q) => Promise<PageLike<T>>, query: Q): AsyncGenerator<T, void, undefined> {
  let bookmark = query.bookmark;
  for (;;) {
    const page = await fetch(bookmark === undefined ? query : { ...query, bookmark });
    yield* page.items;
    if (!page.bookmark || page.items.length === 0 || page.bookmark === bookmark) return;
    bookmark = page.bookmark;
  }
}
