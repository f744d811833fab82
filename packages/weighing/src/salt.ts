import { createHmac, randomBytes } from 'node:crypto';

/**
 * The salt of a ticket's record. It must be unguessable (the public ledger holds the record's hash, and weights
 * are guessable) and the same on every retry of one ticket (a retry with a new salt would be another record
 * with the same ticket id: TICKET_ID_TAKEN instead of duplicate). With a station secret the salt is
 * HMAC-SHA-256(secret, payload), so a restarted station finds it again without storing it; without one it is
 * random and the caller must keep it with the ticket until the ledger has it.
 */
export function ticketSalt(payload: string, secret?: Uint8Array): string {
  if (secret === undefined) return randomBytes(16).toString('hex');
  if (secret.length < 16) throw new RangeError('the salt secret must be at least 16 bytes');
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}
