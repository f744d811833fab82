import { CryptoError } from './errors';
import { generateSoftwareSigner } from './signer';
import { verifySignature } from './verify';
import { checkTicketV1, encodeTicketDisclosure, encodeTicketV1, parseSignedTicket, ticketIdTime, type WeighingTicket } from './weighing-ticket';

// Shaped like 004 Fig. 5 and Fig. 10 (ticketID from Fig. 5; 12-November-2020 17:47:50).
const ticket: WeighingTicket = {
  format: 'weighing-ticket-v1',
  ticketID: '5f77341a31583672c4415725_5fad74f075c459001915bb8d_1605203270305',
  terminalSerialNumber: 'SBX-0001',
  terminalRestartValue: 3,
  timestamp: '2020-11-12T17:47:50Z',
  scaleSerialNumber: 'SC-77',
  scaleStatus: ' ',
  scaleGross: '41250.0',
  scaleNet: '26180.5',
  cells: [
    { cellSerialNumber: 'LC-1', cellWeight: '10320.5' },
    { cellSerialNumber: 'LC-2', cellWeight: '10300.0' },
    { cellSerialNumber: 'LC-3', cellWeight: '10310.0' },
    { cellSerialNumber: 'LC-4', cellWeight: '10319.5' },
  ],
  station: 'st01',
  weighbridge: 'wb1',
  unit: 'kg',
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof CryptoError ? `${err.code}: ${err.message}` : `not a CryptoError: ${String(err)}`;
  }
  return 'no error';
}

describe('weighing-ticket-v1', () => {
  it('encodes canonically and parses back to the same ticket', () => {
    const payload = encodeTicketV1(ticket);
    expect(payload.startsWith('{"cells":[{"cellSerialNumber":"LC-1","cellWeight":"10320.5"}')).toBe(true);
    expect(parseSignedTicket(payload)).toEqual(ticket);
  });

  it('signs and verifies with a terminal key over the payload bytes', () => {
    const signer = generateSoftwareSigner('ecdsa-p256-sha256');
    const payload = encodeTicketV1(ticket);
    const signature = signer.sign(payload);
    expect(verifySignature({ scheme: signer.scheme, publicKey: signer.publicKey, message: payload, signature })).toBe(true);
    expect(verifySignature({ scheme: signer.scheme, publicKey: signer.publicKey, message: payload.replace('26180.5', '26180.6'), signature })).toBe(false);
  });

  it('refuses a payload that is not the canonical spelling (one ticket, one signed text)', () => {
    const pretty = JSON.stringify(ticket, null, 1);
    expect(code(() => parseSignedTicket(pretty))).toMatch(/^MALFORMED_TICKET: the payload is not the canonical JSON/);
    expect(code(() => parseSignedTicket('{'))).toMatch(/^MALFORMED_TICKET: the payload is not JSON/);
  });

  it('reads the emission time of a ticket id', () => {
    expect(ticketIdTime(ticket.ticketID)).toBe(1605203270305);
    expect(code(() => ticketIdTime('5F77341A31583672C4415725_5fad74f075c459001915bb8d_1'))).toMatch(/^MALFORMED_TICKET: ticketID/);
  });

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown field', { vehicle: 'X' }, /unknown ticket field "vehicle"/],
    ['another format', { format: 'v2' }, /format must be/],
    ['a ticket id without the time', { ticketID: '5f77341a31583672c4415725_5fad74f075c459001915bb8d' }, /ticketID/],
    ['a negative restart value', { terminalRestartValue: -1 }, /terminalRestartValue/],
    ['a fractional restart value', { terminalRestartValue: 1.5 }, /terminalRestartValue/],
    ['a time without offset', { timestamp: '2020-11-12T17:47:50' }, /timestamp/],
    ["004's display time", { timestamp: '12-November-2020 17:47:50' }, /timestamp/],
    ['a control character in the status', { scaleStatus: 'OK\n' }, /scaleStatus/],
    ['a number instead of a decimal string', { scaleGross: 41250 }, /scaleGross/],
    ['a padded weight', { scaleNet: ' 26180.5' }, /scaleNet/],
    ['leading zeros', { scaleNet: '026180.5' }, /scaleNet/],
    ['a negative gross', { scaleGross: '-1' }, /scaleGross must be a non-negative/],
    ['an exponent', { scaleGross: '4.1e4' }, /scaleGross/],
    ['no cells', { cells: [] }, /cells must list/],
    ['a cell with an extra field', { cells: [{ cellSerialNumber: 'a', cellWeight: '1', x: 1 }] }, /cells\[0\] must have exactly/],
    ['a cell twice', { cells: [{ cellSerialNumber: 'a', cellWeight: '1' }, { cellSerialNumber: 'a', cellWeight: '2' }] }, /appears twice/],
    ['a station with a separator character', { station: 'st\u000001' }, /station must be/],
    ['an empty weighbridge', { weighbridge: '' }, /weighbridge must be/],
    ['an unknown unit', { unit: 'g' }, /unit must be one of kg, t, lb/],
  ];
  it.each(cases)('rejects %s with MALFORMED_TICKET', (_what, change, message) => {
    expect(code(() => checkTicketV1({ ...ticket, ...change }))).toMatch(/^MALFORMED_TICKET: /);
    expect(code(() => checkTicketV1({ ...ticket, ...change }))).toMatch(message);
  });

  it('accepts a slightly negative load cell (zero drift) but not a negative gross', () => {
    const drift = { ...ticket, cells: [{ cellSerialNumber: 'LC-1', cellWeight: '-0.5' }] };
    expect(checkTicketV1(drift).cells[0].cellWeight).toBe('-0.5');
  });
});

describe('ticket disclosure records', () => {
  const payload = encodeTicketV1(ticket);
  const salt = 'ab'.repeat(16);

  it('are canonical JSON of payload, signature and salt, independent of property order', () => {
    const a = encodeTicketDisclosure({ salt, signature: 'c2ln', payload });
    const b = encodeTicketDisclosure({ payload, signature: 'c2ln', salt });
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({ payload, signature: 'c2ln', salt });
    expect(encodeTicketDisclosure({ payload, signature: 'c2ln', salt, signatureEncoding: 'raw' })).toContain('"signatureEncoding":"raw"');
  });

  it('refuse short or upper-case salts, unknown fields and bad payloads', () => {
    expect(code(() => encodeTicketDisclosure({ payload, signature: 'c2ln', salt: 'ab'.repeat(15) }))).toMatch(/^MALFORMED_TICKET: salt/);
    expect(code(() => encodeTicketDisclosure({ payload, signature: 'c2ln', salt: 'AB'.repeat(16) }))).toMatch(/^MALFORMED_TICKET: salt/);
    expect(code(() => encodeTicketDisclosure({ payload, signature: 'c2ln', salt, extra: 1 } as never))).toMatch(/unknown ticket record field/);
    expect(code(() => encodeTicketDisclosure({ payload: payload + ' ', signature: 'c2ln', salt }))).toMatch(/^MALFORMED_TICKET: /);
  });
});
