import { generateSoftwareSigner, type SoftwareSigner, type WeighingTicket } from '@meterledger/crypto';
import { addDecimals, compareDecimals, type TicketFilter, type TicketView } from '@meterledger/contract-api';
import { ChaincodeError } from '../ledger/errors';
import { seededRandom } from '../testing/random';
import { WeighingDriver, makeTicket, signTicket, weighingCallers as who } from '../testing/weighing-driver';

const AT = '2026-03-05T23:00:00Z';
const STATIONS = ['st01', 'st02'];
const WEIGHBRIDGES = ['wb1', 'wb2'];
const STATUSES = ['OK', ' ', 'MOTION'];

/** The brute-force meaning of a filter, written independently of queries.ts. */
function bruteForce(all: { ticket: WeighingTicket; flags: string[]; time: string }[], f: TicketFilter, station: string | null): string[] {
  const cmp = compareDecimals;
  return all
    .filter(({ ticket: t, flags, time }) =>
      (station === null || t.station === station) &&
      (f.station === undefined || t.station === f.station) &&
      (f.weighbridge === undefined || t.weighbridge === f.weighbridge) &&
      (f.terminalSerialNumber === undefined || t.terminalSerialNumber === f.terminalSerialNumber) &&
      (f.scaleSerialNumber === undefined || t.scaleSerialNumber === f.scaleSerialNumber) &&
      (f.scaleStatus === undefined || t.scaleStatus === f.scaleStatus) &&
      (f.cellSerialNumber === undefined || t.cells.some((c) => c.cellSerialNumber === f.cellSerialNumber)) &&
      (f.flag === undefined || flags.includes(f.flag)) &&
      (f.from === undefined || Date.parse(time) >= Date.parse(f.from)) &&
      (f.to === undefined || Date.parse(time) < Date.parse(f.to)) &&
      (f.grossMin === undefined || cmp(t.scaleGross, f.grossMin) >= 0) &&
      (f.grossMax === undefined || cmp(t.scaleGross, f.grossMax) <= 0) &&
      (f.netMin === undefined || cmp(t.scaleNet, f.netMin) >= 0) &&
      (f.netMax === undefined || cmp(t.scaleNet, f.netMax) <= 0),
    )
    .map(({ ticket }) => ticket.ticketID)
    .sort();
}

describe('queryTickets and groupTickets against a brute-force recomputation', () => {
  const driver = new WeighingDriver();
  const stored: { ticket: WeighingTicket; flags: string[]; time: string }[] = [];
  const random = seededRandom(8);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const weight = () => `${Math.floor(random() * 400) * 100}${random() < 0.3 ? '.5' : ''}`;

  beforeAll(async () => {
    await driver.init();
    const terminals = new Map<string, SoftwareSigner>();
    for (const station of STATIONS) {
      const signer = generateSoftwareSigner('ecdsa-p256-sha256');
      await driver.registerActive(signer, `SBX-A-${station}`);
      terminals.set(station, signer);
    }
    for (let batch = 0; batch < 12; batch++) {
      for (const station of STATIONS) {
        const items = [];
        for (let i = 0; i < 10; i++) {
          const ms = Date.parse('2026-03-02T00:00:00Z') + Math.floor(random() * 3 * 86_400_000);
          const gross = weight();
          const net = compareDecimals(weight(), gross) <= 0 ? weight() : '0';
          const cells: [string, string][] = [1, 2, 3, 4].map((c) => [`LC-${station}-${c}-${pick(['x', 'y'])}`, '0']);
          cells[0][1] = random() < 0.8 ? gross : addDecimals(gross, '500'); // some sums out of tolerance
          const ticket = makeTicket({ time: new Date(ms).toISOString(), station, weighbridge: pick(WEIGHBRIDGES), terminal: `SBX-A-${station}`, status: pick(STATUSES), gross, net: compareDecimals(net, gross) <= 0 ? net : gross, cells, scale: `SC-${pick(['1', '2'])}` });
          items.push(signTicket(terminals.get(station) as SoftwareSigner, ticket));
        }
        const caller = station === 'st01' ? who.a1 : who.a2;
        const result = await driver.submit(caller, items, AT);
        for (const [i, o] of result.outcomes.entries()) {
          if (o.status !== 'accepted') continue;
          const ticket = JSON.parse(items[i].payload) as WeighingTicket;
          stored.push({ ticket, flags: o.flags, time: ticket.timestamp });
        }
      }
    }
    expect(stored.length).toBeGreaterThan(200);
  });

  async function everyPage(caller: (typeof who)[keyof typeof who], filter: TicketFilter, pageSize: number): Promise<TicketView[]> {
    const out: TicketView[] = [];
    let bookmark = '';
    for (let pages = 0; pages < 1000; pages++) {
      const page = await driver.query(caller, { filter, pageSize, bookmark });
      expect(page.items.length).toBeLessThanOrEqual(pageSize);
      out.push(...page.items);
      if (!page.bookmark) return out;
      bookmark = page.bookmark;
    }
    throw new Error('no last page');
  }

  const filters: [string, TicketFilter][] = [
    ['nothing', {}],
    ['a station', { station: 'st02' }],
    ['a weighbridge of a station in a time range', { station: 'st01', weighbridge: 'wb2', from: '2026-03-03T00:00:00Z', to: '2026-03-04T06:00:00+01:00' }],
    ['a weighbridge of any station', { weighbridge: 'wb1' }],
    ['a status that is a space', { scaleStatus: ' ' }],
    ['a terminal and a gross range', { terminalSerialNumber: 'SBX-A-st01', grossMin: '10000', grossMax: '20000.5' }],
    ['a scale, net range and flag', { scaleSerialNumber: 'SC-1', netMin: '5000', flag: 'CELL_SUM_OUT_OF_TOLERANCE' }],
    ['a load cell', { cellSerialNumber: 'LC-st01-3-y' }],
    ['a gross range alone', { grossMin: '30000', grossMax: '35000' }],
    ['a net range alone', { netMax: '1000' }],
    ['only a lower time bound', { from: '2026-03-04T12:00:00Z' }],
    ['a three-attribute filter', { station: 'st01', scaleStatus: 'OK', grossMin: '20000' }],
    ['a filter nothing matches', { station: 'st01', cellSerialNumber: 'LC-st02-1-x' }],
  ];

  it.each(filters)('customer user, %s: every page together equals the brute-force filter', async (what, filter) => {
    const got = await everyPage(who.aUser, filter, 7);
    const want = bruteForce(stored, filter, null);
    if (!what.includes('nothing matches')) expect(want.length).toBeGreaterThan(1); // the case tests something
    expect(got.map((v) => v.ticket.ticketID).sort()).toEqual(want);
    expect(new Set(got.map((v) => v.ticket.ticketID)).size).toBe(got.length);
  });

  it.each(filters.filter(([, f]) => f.station === undefined))('station st02, %s: only its own station', async (_what, filter) => {
    const got = await everyPage(who.a2, filter, 50);
    expect(got.map((v) => v.ticket.ticketID).sort()).toEqual(bruteForce(stored, filter, 'st02'));
  });

  it('returns time order on time-ordered indexes and refuses a bookmark of another query', async () => {
    const page = await driver.query(who.aUser, { filter: { station: 'st01' }, pageSize: 20 });
    // a page's items (built from the index summaries) are exactly what getTicket answers
    for (const item of page.items.slice(0, 5)) expect(item).toEqual(await driver.get(who.aUser, { ticketID: item.ticket.ticketID }));
    const times = page.items.map((v) => v.time);
    expect(times).toEqual([...times].sort());
    try {
      await driver.query(who.aUser, { filter: { station: 'st02' }, pageSize: 20, bookmark: page.bookmark });
      throw new Error('accepted');
    } catch (err) {
      expect((err as ChaincodeError).code).toBe('INVALID_ARGUMENT');
    }
  });

  function bruteGroups(filter: TicketFilter, by: 'weighbridge' | 'station' | 'day' | 'status', station: string | null) {
    const ids = new Set(bruteForce(stored, filter, station));
    const groups = new Map<string, { count: number; gross: string[]; net: string[] }>();
    for (const { ticket: t, time } of stored) {
      if (!ids.has(t.ticketID)) continue;
      const key = by === 'weighbridge' ? `${t.station}/${t.weighbridge}` : by === 'station' ? t.station : by === 'day' ? new Date(time).toISOString().slice(0, 10) : t.scaleStatus;
      const g = groups.get(key) ?? { count: 0, gross: [], net: [] };
      g.count += 1;
      g.gross.push(t.scaleGross);
      g.net.push(t.scaleNet);
      groups.set(key, g);
    }
    const sum = (xs: string[]) => xs.reduce((a, b) => addDecimals(a, b), '0');
    const sorted = (xs: string[]) => [...xs].sort(compareDecimals);
    return [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, g]) => ({ key, count: g.count, grossSum: sum(g.gross), grossMin: sorted(g.gross)[0], grossMax: sorted(g.gross).at(-1), netSum: sum(g.net) }));
  }

  const groupings: [string, TicketFilter, 'weighbridge' | 'station' | 'day' | 'status', 'totals' | 'scan'][] = [
    ['a day by weighbridge', { from: '2026-03-03T00:00:00Z', to: '2026-03-04T00:00:00Z' }, 'weighbridge', 'totals'],
    ['everything by station', {}, 'station', 'totals'],
    ['a station by day', { station: 'st01' }, 'day', 'totals'],
    ['a weighbridge by status', { weighbridge: 'wb2' }, 'status', 'totals'],
    ['a part of a day by weighbridge (scan)', { from: '2026-03-03T06:00:00Z', to: '2026-03-04T00:00:00Z' }, 'weighbridge', 'scan'],
    ['heavy tickets by day (scan)', { grossMin: '20000' }, 'day', 'scan'],
  ];

  it.each(groupings)('groups %s exactly', async (_what, filter, by, source) => {
    const result = await driver.group(who.aUser, { filter, by });
    expect(result.source).toBe(source);
    const got = result.groups.map((g) => ({ key: g.key, count: g.count, grossSum: g.gross.sum, grossMin: g.gross.min, grossMax: g.gross.max, netSum: g.net.sum }));
    const want = bruteGroups(filter, by, null);
    expect(got.map((g) => [g.key, g.count])).toEqual(want.map((g) => [g.key, g.count]));
    for (const [i, g] of got.entries()) {
      expect(compareDecimals(g.grossSum, want[i].grossSum as string)).toBe(0);
      expect(compareDecimals(g.netSum, want[i].netSum as string)).toBe(0);
      expect(compareDecimals(g.grossMin, want[i].grossMin as string)).toBe(0);
      expect(compareDecimals(g.grossMax, want[i].grossMax as string)).toBe(0);
    }
  });

  it('groups only the station of a station identity', async () => {
    const result = await driver.group(who.a2, { by: 'station' });
    expect(result.groups.map((g) => g.key)).toEqual(['st02']);
    expect(result.groups[0].count).toBe(stored.filter((s) => s.ticket.station === 'st02').length);
  });
});
