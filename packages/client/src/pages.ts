/** One page of a paginated query, as every meterledger listing returns it. */
export interface PageLike<T> {
  items: T[];
  /** '' on the last page. */
  bookmark: string;
}

/**
 * Every item of a paginated query, fetching page after page: `fetch` is called with the query and the
 * previous page's bookmark. '' marks the last page; an unchanged bookmark also ends it. An empty page with a
 * new bookmark does not: a query that bounds the entries it reads per call (weighing) may find nothing in one
 * stretch and more in the next.
 */
export async function* allPages<T, Q extends { bookmark?: string }>(fetch: (query: Q) => Promise<PageLike<T>>, query: Q): AsyncGenerator<T, void, undefined> {
  let bookmark = query.bookmark;
  for (;;) {
    const page = await fetch(bookmark === undefined ? query : { ...query, bookmark });
    yield* page.items;
    if (!page.bookmark || page.bookmark === bookmark) return;
    bookmark = page.bookmark;
  }
}
