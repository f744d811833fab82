import { generateSoftwareSigner, type SoftwareSigner } from '@meterledger/crypto';
import { ChaincodeError } from '../ledger/errors';
import { CUSTOMER_A, CUSTOMER_B, WeighingDriver, makeTicket, signTicket, weighingCallers as who } from '../testing/weighing-driver';
import { routesCollection, ticketsCollection } from './collections';

const AT = '2026-03-02T12:00:00Z';

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof ChaincodeError ? err.code : `not a ChaincodeError: ${String(err)}`;
  }
  return 'resolved';
}

describe('routes between two customers', () => {
  let driver: WeighingDriver;
  let terminalA: SoftwareSigner;
  let terminalB: SoftwareSigner;
  const route = { routeId: 'r-1', vehicleId: 'B-XY 123', originStation: 'st01', destinationCustomer: CUSTOMER_B, destinationStation: 'st01', expectedNet: '25000', tolerance: '50', unit: 'kg' };
  const ids = { routeId: 'r-1', originCustomer: CUSTOMER_A, destinationCustomer: CUSTOMER_B };

  beforeEach(async () => {
    driver = new WeighingDriver();
    await driver.init();
    terminalA = generateSoftwareSigner('ecdsa-p256-sha256');
    terminalB = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.registerActive(terminalA, 'SBX-A-st01');
    await driver.registerActive(terminalB, 'SBX-B-st01');
  });

  async function tickets(originNet: string, destinationNet: string) {
    const a = makeTicket({ time: '2026-03-02T08:00:00Z', net: originNet });
    const b = makeTicket({ time: '2026-03-02T10:00:00Z', net: destinationNet, terminal: 'SBX-B-st01' });
    await driver.submit(who.a1, [signTicket(terminalA, a)], AT);
    await driver.submit(who.b1, [signTicket(terminalB, b)], AT);
    return { a: a.ticketID, b: b.ticketID };
  }

  it('records the verdict once both ends are attached, where both customers read it, without moving tickets', async () => {
    const { a, b } = await tickets('25010', '24980.5');
    await driver.declareRoute(who.aUser, route, AT);
    const first = await driver.attach(who.aUser, { ...ids, ticketID: a }, AT);
    expect(first).toMatchObject({ attached: { origin: true, destination: false }, own: { end: 'origin', ticketID: a, net: '25010' }, verdict: null });
    const second = await driver.attach(who.bUser, { ...ids, ticketID: b }, AT);
    expect(second.verdict).toMatchObject({ withinTolerance: true, difference: '-29.5' });
    expect(second.own).toEqual({ end: 'destination', ticketID: b, net: '24980.5' });
    for (const user of [who.aUser, who.bUser]) expect((await driver.getRoute(user, ids)).verdict).toMatchObject({ withinTolerance: true, difference: '-29.5' });
    // what the shared collection holds: the route, two legs (id, net, time) and the verdict — never a ticket
    const shared = [...driver.privateData.snapshot(routesCollection(CUSTOMER_A, CUSTOMER_B)).values()].map((hex) => Buffer.from(hex, 'hex').toString('utf8'));
    expect(shared).toHaveLength(4);
    expect(shared.join('\n')).not.toMatch(/scaleGross|cells|payload|signature/);
    expect(await code(driver.get(who.bUser, { ticketID: a, customer: CUSTOMER_A }))).toBe('NOT_COLLECTION_MEMBER');
  });

  it('says out of tolerance when an end is off the expected net by more than the tolerance', async () => {
    const { a, b } = await tickets('25000', '24940');
    await driver.declareRoute(who.aUser, route, AT);
    await driver.attach(who.bUser, { ...ids, ticketID: b }, AT);
    const done = await driver.attach(who.aUser, { ...ids, ticketID: a }, AT);
    expect(done.verdict).toMatchObject({ withinTolerance: false, difference: '-60' });
  });

  it('refuses outsiders, unknown routes and tickets, wrong stations, units and a second ticket for an end', async () => {
    const { a, b } = await tickets('25000', '25000');
    await driver.declareRoute(who.aUser, route, AT);
    expect(await code(driver.declareRoute(who.aUser, route, AT))).toBe('DUPLICATE_ROUTE');
    expect(await code(driver.declareRoute(who.a1, { ...route, routeId: 'r-2' }, AT))).toBe('UNAUTHORIZED');
    expect(await code(driver.getRoute(who.inspector, ids))).toBe('UNAUTHORIZED');
    expect(await code(driver.attach({ ...who.aUser, mspId: 'CustomerCMSP' }, { ...ids, ticketID: a }, AT))).toBe('NOT_COLLECTION_MEMBER');
    expect(await code(driver.attach(who.aUser, { ...ids, routeId: 'r-9', ticketID: a }, AT))).toBe('UNKNOWN_ROUTE');
    expect(await code(driver.attach(who.aUser, { ...ids, ticketID: b }, AT))).toBe('UNKNOWN_TICKET');
    const other = makeTicket({ time: '2026-03-02T08:30:00Z', station: 'st02', terminal: 'SBX-A-st01' });
    const t2 = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.registerActive(t2, 'SBX-A-st02');
    await driver.submit(who.a2, [signTicket(t2, { ...other, terminalSerialNumber: 'SBX-A-st02' })], AT);
    expect(await code(driver.attach(who.aUser, { ...ids, ticketID: other.ticketID }, AT))).toBe('ROUTE_TICKET_MISMATCH');
    await driver.attach(who.aUser, { ...ids, ticketID: a }, AT);
    const before = driver.privateData.snapshot(routesCollection(CUSTOMER_A, CUSTOMER_B));
    expect(await code(driver.attach(who.aUser, { ...ids, ticketID: a }, AT))).toBe('ROUTE_TICKET_MISMATCH');
    expect(driver.privateData.snapshot(routesCollection(CUSTOMER_A, CUSTOMER_B))).toEqual(before);
  });

  it('keeps a route between two stations of one customer in its own collection', async () => {
    const t2 = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.registerActive(t2, 'SBX-A-st02');
    const a = makeTicket({ time: '2026-03-02T08:00:00Z', net: '10000' });
    const b = makeTicket({ time: '2026-03-02T09:00:00Z', net: '10000', station: 'st02', terminal: 'SBX-A-st02' });
    await driver.submit(who.a1, [signTicket(terminalA, a)], AT);
    await driver.submit(who.a2, [signTicket(t2, b)], AT);
    const internal = { ...route, destinationCustomer: CUSTOMER_A, destinationStation: 'st02', expectedNet: '10000' };
    await driver.declareRoute(who.aUser, internal, AT);
    const pair = { routeId: 'r-1', originCustomer: CUSTOMER_A, destinationCustomer: CUSTOMER_A };
    await driver.attach(who.aUser, { ...pair, ticketID: b.ticketID }, AT);
    const done = await driver.attach(who.aUser, { ...pair, ticketID: a.ticketID }, AT);
    expect(done.verdict).toMatchObject({ withinTolerance: true, difference: '0' });
    expect(driver.privateData.snapshot(routesCollection(CUSTOMER_A, CUSTOMER_B)).size).toBe(0);
    expect(routesCollection(CUSTOMER_A, CUSTOMER_A)).toBe(ticketsCollection(CUSTOMER_A));
  });
});
