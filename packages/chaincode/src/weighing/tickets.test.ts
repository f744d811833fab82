import { generateSoftwareSigner, encodeTicketV1, type SoftwareSigner } from '@meterledger/crypto';
import { ChaincodeError } from '../ledger/errors';
import { CUSTOMER_A, WeighingDriver, makeTicket, signTicket, weighingCallers as who } from '../testing/weighing-driver';
import { cellSumTolerance } from './tickets';
import { ticketsCollection } from './collections';

const DAY = '2026-03-02';
const AT = `${DAY}T12:00:00Z`;

/** The customer's collection without the submission receipts (every submitTickets transaction writes one). */
function tickets(driver: WeighingDriver): Map<string, string> {
  return new Map([...driver.privateData.snapshot(ticketsCollection(CUSTOMER_A))].filter(([key]) => !key.startsWith('submission\u0000')));
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof ChaincodeError ? err.code : `not a ChaincodeError: ${String(err)}`;
  }
  return 'resolved';
}

describe('submitTickets', () => {
  let driver: WeighingDriver;
  let terminal: SoftwareSigner;

  beforeEach(async () => {
    driver = new WeighingDriver();
    await driver.init();
    terminal = generateSoftwareSigner('ecdsa-p256-sha256');
    await driver.registerActive(terminal, 'SBX-A-st01');
  });

  it('stores a signed ticket that its station and its customer read back, and answers a retry as duplicate', async () => {
    const item = signTicket(terminal, makeTicket({ time: `${DAY}T08:00:00Z` }));
    const first = await driver.submit(who.a1, [item], AT);
    expect(first).toMatchObject({ customer: CUSTOMER_A, accepted: 1, duplicates: 0, rejected: 0 });
    expect(first.outcomes).toEqual([{ ticketID: makeTicket({ time: `${DAY}T08:00:00Z` }).ticketID, status: 'accepted', flags: [] }]);
    const before = tickets(driver);
    const retry = await driver.submit(who.a1, [item], AT);
    expect(retry).toMatchObject({ accepted: 0, duplicates: 1, rejected: 0 });
    expect(tickets(driver)).toEqual(before);
    // the receipt of the retry: what was sent and answered, under its transaction id
    const receipt = driver.privateData.snapshot(ticketsCollection(CUSTOMER_A)).get(`submission\u0000${retry.txId}\u0000`);
    expect(JSON.parse(Buffer.from(receipt as string, 'hex').toString('utf8'))).toMatchObject({ station: 'st01', result: { duplicates: 1 } });

    const id = first.outcomes[0].ticketID;
    for (const reader of [who.a1, who.aUser]) {
      const view = await driver.get(reader, { ticketID: id });
      expect(view).toMatchObject({ payload: item.payload, signature: item.signature, keyVersion: 1, flags: [], time: `${DAY}T08:00:00.000Z`, customer: CUSTOMER_A });
      expect(view.ticket.scaleNet).toBe('25000');
    }
  });

  it('never replaces a ticket: the same id with other content is TICKET_ID_TAKEN, the same ticket signed again a duplicate', async () => {
    const ticket = makeTicket({ time: `${DAY}T08:00:00Z` });
    await driver.submit(who.a1, [signTicket(terminal, ticket)], AT);
    const before = tickets(driver);
    const altered = signTicket(terminal, { ...ticket, scaleNet: '1000' });
    const resigned = signTicket(terminal, ticket); // a new ECDSA signature and salt over the same payload
    const result = await driver.submit(who.a1, [altered, resigned], AT);
    expect(result.outcomes.map((o) => (o.status === 'rejected' ? o.code : o.status))).toEqual(['TICKET_ID_TAKEN', 'duplicate']);
    expect(tickets(driver)).toEqual(before);

    const other = makeTicket({ time: `${DAY}T09:00:00Z` });
    const item = signTicket(terminal, other);
    const batch = await driver.submit(who.a1, [item, item, signTicket(terminal, { ...other, scaleNet: '1' })], AT);
    expect(batch.outcomes.map((o) => (o.status === 'rejected' ? o.code : o.status))).toEqual(['accepted', 'duplicate', 'TICKET_ID_TAKEN']);
  });

  it('rejects per ticket with a stable code, keeps the rest of the batch and writes nothing for a rejected one', async () => {
    const stranger = generateSoftwareSigner('ecdsa-p256-sha256');
    const t = (minute: number, shape: Partial<Parameters<typeof makeTicket>[0]> = {}) => makeTicket({ time: `${DAY}T08:${String(minute).padStart(2, '0')}:00Z`, ...shape });
    const bad = Date.parse(`${DAY}T08:03:00Z`) + 61_000;
    const result = await driver.submit(
      who.a1,
      [
        signTicket(terminal, t(1)),
        { ...signTicket(terminal, t(2)), payload: '{"format":"weighing-ticket-v1"}' },
        signTicket(terminal, t(3, { idMs: bad })),
        signTicket(terminal, t(4, { net: '40000.5' })),
        signTicket(terminal, t(5, { station: 'st02', terminal: 'SBX-A-st01' })),
        signTicket(stranger, t(6)),
        signTicket(terminal, t(7, { terminal: 'SBX-unknown' })),
        signTicket(terminal, makeTicket({ time: `${DAY}T12:06:00Z` })),
        signTicket(terminal, makeTicket({ time: '2025-01-01T00:00:00Z' })),
        signTicket(terminal, t(9)),
      ],
      AT,
    );
    expect(result.outcomes.map((o) => (o.status === 'rejected' ? o.code : o.status))).toEqual([
      'accepted',
      'MALFORMED_TICKET',
      'TICKET_TIME_MISMATCH',
      'NET_EXCEEDS_GROSS',
      'STATION_MISMATCH',
      'SIGNATURE_MISMATCH',
      'UNKNOWN_METER',
      'CLOCK_SKEW',
      'NO_KEY_VALID_AT_TIME',
      'accepted',
    ]);
    expect(result).toMatchObject({ accepted: 2, rejected: 8 });
    const page = await driver.query(who.aUser, {});
    expect(page.items.map((v) => v.ticket.timestamp)).toEqual([`${DAY}T08:01:00Z`, `${DAY}T08:09:00Z`]);
  });

  it('flags a restart, rejects a decreasing restart value and flags cells that do not sum to the gross', async () => {
    const at = (m: number) => `${DAY}T08:${String(m).padStart(2, '0')}:00Z`;
    const result = await driver.submit(
      who.a1,
      [
        signTicket(terminal, makeTicket({ time: at(1), restart: 4 })),
        signTicket(terminal, makeTicket({ time: at(2), restart: 5 })),
        signTicket(terminal, makeTicket({ time: at(3), restart: 4 })),
        signTicket(terminal, makeTicket({ time: at(4), restart: 5, gross: '40000', cells: [['LC-1', '20000'], ['LC-2', '19799']] })),
        signTicket(terminal, makeTicket({ time: at(5), restart: 5, gross: '40000', cells: [['LC-1', '20000'], ['LC-2', '19800']] })),
      ],
      AT,
    );
    expect(result.outcomes.map((o) => (o.status === 'rejected' ? o.code : o.status === 'accepted' ? o.flags.join('+') || 'ok' : o.status))).toEqual([
      'ok',
      'TERMINAL_RESTARTED',
      'RESTART_VALUE_DECREASED',
      'CELL_SUM_OUT_OF_TOLERANCE',
      'ok',
    ]);
    // and across transactions
    const later = await driver.submit(who.a1, [signTicket(terminal, makeTicket({ time: at(6), restart: 3 }))], AT);
    expect(later.outcomes[0]).toMatchObject({ status: 'rejected', code: 'RESTART_VALUE_DECREASED' });
    const flagged = await driver.query(who.aUser, { filter: { flag: 'CELL_SUM_OUT_OF_TOLERANCE' } });
    expect(flagged.items.map((v) => v.ticket.timestamp)).toEqual([at(4)]);
  });

  it('computes the cell tolerance exactly: 0.5 % of gross, at least 1 unit', () => {
    expect(cellSumTolerance('40000')).toBe('200.000');
    expect(cellSumTolerance('12.5')).toBe('1');
    expect(cellSumTolerance('1234.56')).toBe('6.17280');
  });

  it('refuses identities that are not a station of the customer before reading anything', async () => {
    const item = signTicket(terminal, makeTicket({ time: `${DAY}T08:00:00Z` }));
    expect(await code(driver.submit(who.aUser, [item], AT))).toBe('UNAUTHORIZED');
    expect(await code(driver.submit(who.inspector, [item], AT))).toBe('UNAUTHORIZED');
    expect(await code(driver.submit(who.aStationWithoutAttribute, [item], AT))).toBe('UNAUTHORIZED');
  });

  it('keeps stations apart and other orgs out, with a code rather than an empty answer', async () => {
    const ticket = makeTicket({ time: `${DAY}T08:00:00Z` });
    await driver.submit(who.a1, [signTicket(terminal, ticket)], AT);
    expect(await code(driver.get(who.a2, { ticketID: ticket.ticketID }))).toBe('STATION_MISMATCH');
    expect(await code(driver.query(who.a2, { filter: { station: 'st01' } }))).toBe('STATION_MISMATCH');
    expect((await driver.query(who.a2, {})).items).toEqual([]); // its own station has none
    expect(await code(driver.get(who.bUser, { ticketID: ticket.ticketID, customer: CUSTOMER_A }))).toBe('NOT_COLLECTION_MEMBER');
    expect(await code(driver.query(who.b1, { customer: CUSTOMER_A }))).toBe('NOT_COLLECTION_MEMBER');
    expect(await code(driver.group(who.inspector, { customer: CUSTOMER_A, by: 'station' }))).toBe('NOT_COLLECTION_MEMBER');
    expect(await code(driver.query(who.inspector, {}))).toBe('UNAUTHORIZED');
    expect(await code(driver.get(who.bUser, { ticketID: ticket.ticketID }))).toBe('UNKNOWN_TICKET');
  });
});

describe('checkDisclosure', () => {
  it('lets a non-member check a disclosed ticket against the private data hash and the terminal key', async () => {
    const driver = new WeighingDriver();
    await driver.init();
    const terminal = generateSoftwareSigner('ed25519');
    await driver.registerActive(terminal, 'SBX-A-st01');
    const ticket = makeTicket({ time: `${DAY}T08:00:00Z` });
    const item = signTicket(terminal, ticket);
    await driver.submit(who.a1, [item], AT);

    const good = await driver.checkDisclosure(who.inspector, { customer: CUSTOMER_A, record: item });
    expect(good).toMatchObject({ valid: true, signatureValid: true, customer: CUSTOMER_A, ticket });
    expect(good.recordHash).toBe(good.ledgerHash);

    const otherSalt = await driver.checkDisclosure(who.inspector, { customer: CUSTOMER_A, record: { ...item, salt: 'cd'.repeat(16) } });
    expect(otherSalt).toMatchObject({ valid: false, signatureValid: true });
    const forged = { ...ticket, scaleNet: '20000' };
    const altered = await driver.checkDisclosure(who.inspector, { customer: CUSTOMER_A, record: { ...item, payload: encodeTicketV1(forged) } });
    expect(altered).toMatchObject({ valid: false, signatureValid: false });
    const elsewhere = await driver.checkDisclosure(who.inspector, { customer: 'CustomerBMSP', record: item });
    expect(elsewhere).toMatchObject({ valid: false, ledgerHash: '' });
  });
});
