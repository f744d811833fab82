import { canonicalDecimal } from './decimal';
import { CryptoError } from './errors';
import { canonicalJson } from './json';
import { parseRfc3339 } from './rfc3339';
import type { SignatureEncoding } from './schemes';

/**
 * Weighing tickets (seeds 004, Fig. 10), as a weighing terminal (the station's SmartBox) signs them.
 *
 * Format `weighing-ticket-v1`: the signed bytes are the UTF-8 of the ticket's RFC 8785 canonical JSON
 * (encodeTicketV1). Unlike meters in the field, the terminal is built for this ledger, so there is one
 * spelling and no tolerated deviation: parseSignedTicket accepts exactly what encodeTicketV1 produces,
 * which makes the signed text, the stored text and the disclosed text the same bytes.
 *
 * Weights are exact decimals as strings (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`, the stated scale kept: "12.50"
 * is not "12.5"); gross and net are never negative, a load cell may read slightly negative.
 */
export const TICKET_FORMAT_V1 = 'weighing-ticket-v1';

export const WEIGHT_UNITS = ['kg', 't', 'lb'] as const;
export type WeightUnit = (typeof WEIGHT_UNITS)[number];

/** Load cells of one weighbridge (004's weighbridges have four; truck scales up to sixteen). */
export const MAX_TICKET_CELLS = 32;

export interface LoadCellWeight {
  cellSerialNumber: string;
  cellWeight: string;
}

export interface WeighingTicket {
  format: typeof TICKET_FORMAT_V1;
  /** 004's `<hex24>_<hex24>_<epoch-ms>`: two 12-byte ids the SmartBox issues and the emission time. */
  ticketID: string;
  /** The terminal (SmartBox) that signed; its key is registered under this id in the meter registry. */
  terminalSerialNumber: string;
  /** The terminal's restart counter; it must never go down (a restart or tampering is visible). */
  terminalRestartValue: number;
  /** When the weighing took place: RFC 3339 with an offset, as the terminal printed it. */
  timestamp: string;
  scaleSerialNumber: string;
  /** The scale's status word (004 shows " "); printable ASCII, at most 32 characters. */
  scaleStatus: string;
  scaleGross: string;
  scaleNet: string;
  cells: LoadCellWeight[];
  station: string;
  weighbridge: string;
  unit: WeightUnit;
}

/** Identifiers inside a ticket: they become parts of ledger keys. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
const TICKET_ID = /^([0-9a-f]{24})_([0-9a-f]{24})_(0|[1-9][0-9]{0,15})$/;
const SCALE_STATUS = /^[\x20-\x7e]{0,32}$/;
const NON_NEGATIVE = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const SIGNED = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const MAX_WEIGHT_LENGTH = 40;

const FIELDS = [
  'cells',
  'format',
  'scaleGross',
  'scaleNet',
  'scaleSerialNumber',
  'scaleStatus',
  'station',
  'terminalRestartValue',
  'terminalSerialNumber',
  'ticketID',
  'timestamp',
  'unit',
  'weighbridge',
] as const;

function malformed(message: string): never {
  throw new CryptoError('MALFORMED_TICKET', message);
}

function identifier(value: unknown, field: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    malformed(`${field} must be 1 to 128 letters, digits or . _ : @ / - (starting with a letter or digit)`);
  }
  return value;
}

function weight(value: unknown, field: string, signed: boolean): string {
  const shape = signed ? SIGNED : NON_NEGATIVE;
  if (typeof value !== 'string' || value.length > MAX_WEIGHT_LENGTH || !shape.test(value) || canonicalDecimal(value, field) !== value) {
    malformed(`${field} must be a ${signed ? '' : 'non-negative '}decimal string such as "12480.5" (no padding, exponent or "+"; at most ${MAX_WEIGHT_LENGTH} characters)`);
  }
  return value;
}

/** The emission time (epoch ms) a ticket id carries. */
export function ticketIdTime(ticketID: string): number {
  const m = TICKET_ID.exec(ticketID);
  if (!m) malformed('ticketID must be <24 hex>_<24 hex>_<epoch milliseconds> (lower-case hex, as 004\'s SmartBox issues it)');
  return Number(m[3]);
}

/** Checks every field and returns a plain copy with exactly the v1 fields. Throws MALFORMED_TICKET. */
export function checkTicketV1(input: unknown): WeighingTicket {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) malformed('a ticket must be a JSON object');
  const t = input as Record<string, unknown>;
  const extra = Object.keys(t).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra.length) malformed(`unknown ticket field ${JSON.stringify(extra.sort()[0])}`);
  if (t.format !== TICKET_FORMAT_V1) malformed(`format must be "${TICKET_FORMAT_V1}"`);
  if (typeof t.ticketID !== 'string') malformed('ticketID must be a string');
  ticketIdTime(t.ticketID);
  const restart = t.terminalRestartValue;
  if (typeof restart !== 'number' || !Number.isSafeInteger(restart) || restart < 0) malformed('terminalRestartValue must be a non-negative integer');
  if (typeof t.timestamp !== 'string') malformed('timestamp must be an RFC 3339 string');
  try {
    parseRfc3339(t.timestamp);
  } catch (err) {
    malformed(`timestamp: ${(err as Error).message}`);
  }
  if (typeof t.scaleStatus !== 'string' || !SCALE_STATUS.test(t.scaleStatus)) malformed('scaleStatus must be printable ASCII, at most 32 characters');
  if (!Array.isArray(t.cells) || t.cells.length < 1 || t.cells.length > MAX_TICKET_CELLS) malformed(`cells must list 1 to ${MAX_TICKET_CELLS} load cells`);
  const serials = new Set<string>();
  const cells = t.cells.map((c: unknown, i: number): LoadCellWeight => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) malformed(`cells[${i}] must be an object`);
    const cell = c as Record<string, unknown>;
    const keys = Object.keys(cell).sort().join(',');
    if (keys !== 'cellSerialNumber,cellWeight') malformed(`cells[${i}] must have exactly cellSerialNumber and cellWeight`);
    const serial = identifier(cell.cellSerialNumber, `cells[${i}].cellSerialNumber`);
    if (serials.has(serial)) malformed(`cells[${i}].cellSerialNumber ${serial} appears twice`);
    serials.add(serial);
    return { cellSerialNumber: serial, cellWeight: weight(cell.cellWeight, `cells[${i}].cellWeight`, true) };
  });
  if (!(WEIGHT_UNITS as readonly unknown[]).includes(t.unit)) malformed(`unit must be one of ${WEIGHT_UNITS.join(', ')}`);
  return {
    format: TICKET_FORMAT_V1,
    ticketID: t.ticketID,
    terminalSerialNumber: identifier(t.terminalSerialNumber, 'terminalSerialNumber'),
    terminalRestartValue: restart,
    timestamp: t.timestamp,
    scaleSerialNumber: identifier(t.scaleSerialNumber, 'scaleSerialNumber'),
    scaleStatus: t.scaleStatus,
    scaleGross: weight(t.scaleGross, 'scaleGross', false),
    scaleNet: weight(t.scaleNet, 'scaleNet', false),
    cells,
    station: identifier(t.station, 'station'),
    weighbridge: identifier(t.weighbridge, 'weighbridge'),
    unit: t.unit as WeightUnit,
  };
}

/** The bytes a terminal signs: the canonical JSON of a checked ticket. */
export function encodeTicketV1(ticket: WeighingTicket): string {
  return canonicalJson(checkTicketV1(ticket));
}

/**
 * The ticket a signed payload holds. The payload must be exactly encodeTicketV1 of it (canonical JSON:
 * sorted keys, no whitespace), so one ticket has one signed spelling.
 */
export function parseSignedTicket(payload: string): WeighingTicket {
  if (typeof payload !== 'string') malformed('the payload must be a string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (err) {
    malformed(`the payload is not JSON: ${(err as Error).message}`);
  }
  const ticket = checkTicketV1(parsed);
  if (canonicalJson(ticket) !== payload) malformed('the payload is not the canonical JSON of its ticket (RFC 8785: sorted keys, no whitespace)');
  return ticket;
}

/**
 * What a customer's private collection stores for a ticket, and what it discloses to a third party:
 * the signed payload, the terminal's signature and a random salt chosen by the submitter. The public
 * ledger holds only the SHA-256 of this record's canonical JSON (Fabric's private data hash); the salt
 * makes that hash useless for guessing weights, and anyone given the record can recompute it.
 */
export interface TicketDisclosure {
  payload: string;
  /** Base64 (or hex) of the terminal's signature over the payload. */
  signature: string;
  signatureEncoding?: SignatureEncoding;
  /** At least 16 random bytes, hex. */
  salt: string;
}

const SALT = /^[0-9a-f]{32,128}$/;

/** The exact bytes stored and hashed for a ticket (canonical JSON of the record). Throws MALFORMED_TICKET. */
export function encodeTicketDisclosure(record: TicketDisclosure): string {
  if (typeof record !== 'object' || record === null) malformed('a ticket record must be an object');
  const { payload, signature, signatureEncoding, salt } = record;
  const extra = Object.keys(record).filter((k) => !['payload', 'signature', 'signatureEncoding', 'salt'].includes(k));
  if (extra.length) malformed(`unknown ticket record field ${JSON.stringify(extra.sort()[0])}`);
  if (typeof salt !== 'string' || !SALT.test(salt)) malformed('salt must be 16 to 64 random bytes as lower-case hex');
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > 1024) malformed('signature must be a non-empty string');
  if (signatureEncoding !== undefined && signatureEncoding !== 'der' && signatureEncoding !== 'raw') malformed('signatureEncoding must be "der" or "raw"');
  parseSignedTicket(payload);
  return canonicalJson({ payload, signature, salt, ...(signatureEncoding ? { signatureEncoding } : {}) });
}
