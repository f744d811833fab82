import { allPages } from './pages';

describe('allPages', () => {
  it('follows bookmarks to the last page and passes the query through', async () => {
    const pages: Record<string, { items: number[]; bookmark: string }> = { '': { items: [1, 2], bookmark: 'b1' }, b1: { items: [3], bookmark: 'b2' }, b2: { items: [4], bookmark: '' } };
    const seen: string[] = [];
    const out: number[] = [];
    for await (const x of allPages(async (q: { meterId: string; bookmark?: string }) => (seen.push(`${q.meterId}:${q.bookmark ?? ''}`), pages[q.bookmark ?? '']), { meterId: 'm' })) out.push(x);
    expect(out).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual(['m:', 'm:b1', 'm:b2']);
  });

  it('goes on after an empty page that has a new bookmark (a scan that found nothing in one stretch)', async () => {
    const pages: Record<string, { items: number[]; bookmark: string }> = { '': { items: [], bookmark: 'b1' }, b1: { items: [7], bookmark: '' } };
    const out: number[] = [];
    for await (const x of allPages(async (q: { bookmark?: string }) => pages[q.bookmark ?? ''], {})) out.push(x);
    expect(out).toEqual([7]);
  });

  it('stops on a bookmark that does not move', async () => {
    const stuck = async () => ({ items: [1], bookmark: 'same' });
    const out: number[] = [];
    for await (const x of allPages(stuck, { bookmark: 'same' })) out.push(x);
    expect(out).toEqual([1]);
  });
});
