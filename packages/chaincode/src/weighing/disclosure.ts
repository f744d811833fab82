import { CryptoError, encodeTicketDisclosure, parseRfc3339, parseSignedTicket, sha256Hex, toHex } from '@meterledger/crypto';
import type { DisclosureCheck } from '@meterledger/contract-api';
import { ChaincodeError } from '../ledger/errors';
import type { PrivateStore } from '../ledger/private-store';
import type { StateStore } from '../ledger/state-store';
import { checkMeterSignature, meterKeyAt, MeterSignatureError } from '../registry/meter-signature';
import { readMeter } from '../registry/meters';
import type { Request } from '../registry/requests';
import { ticketsCollection } from './collections';
import { ticketKey } from './keys';

/**
 * checkDisclosure: a customer handed a ticket record (payload, signature, salt) to a third party, e.g. a
 * legal-metrology inspector of an authority org. Any org of the channel can run this: it reads only the
 * private data hash every peer holds, and the terminal's key from the public registry. The record is
 * genuine when its SHA-256 is the hash the ledger holds for that ticket id and the terminal's registered
 * key valid at the ticket's time verifies its signature.
 */
export async function checkDisclosure(state: StateStore, store: PrivateStore, request: Request<'checkDisclosure'>): Promise<DisclosureCheck> {
  let record: string;
  try {
    record = encodeTicketDisclosure(request.record);
  } catch (err) {
    if (err instanceof CryptoError) throw new ChaincodeError('MALFORMED_TICKET', err.message);
    throw err;
  }
  const ticket = parseSignedTicket(request.record.payload);
  const collection = ticketsCollection(request.customer);
  let ledger: Uint8Array | undefined;
  try {
    ledger = await store.hash(collection, ticketKey(ticket.ticketID));
  } catch (err) {
    throw new ChaincodeError('INVALID_ARGUMENT', `${request.customer} has no ticket collection (${(err as Error).message})`);
  }
  let signatureValid = false;
  const meter = await readMeter(state, ticket.terminalSerialNumber);
  if (meter) {
    try {
      const key = meterKeyAt(meter, parseRfc3339(ticket.timestamp).utc);
      checkMeterSignature(key, meter.meterId, { message: request.record.payload, signature: request.record.signature, signatureEncoding: request.record.signatureEncoding });
      signatureValid = true;
    } catch (err) {
      if (!(err instanceof MeterSignatureError)) throw err;
    }
  }
  const recordHash = sha256Hex(record);
  const ledgerHash = ledger ? toHex(ledger) : '';
  return { valid: ledgerHash === recordHash && signatureValid, recordHash, ledgerHash, signatureValid, ticket, customer: request.customer };
}
