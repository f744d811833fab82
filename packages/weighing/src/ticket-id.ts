import { createHash } from 'node:crypto';

/**
 * A ticket id in 004's form `<hex24>_<hex24>_<epoch-ms>`. 004's SmartBox uses the MongoDB ObjectIds of the
 * station and the weighbridge; here the two 12-byte ids are the first 12 bytes of SHA-256 of the customer and
 * station names, and of the weighbridge name, so every terminal derives the same ids without a database.
 */
export function newTicketId(where: { customer: string; station: string; weighbridge: string }, emittedAtMs: number): string {
  if (!Number.isSafeInteger(emittedAtMs) || emittedAtMs < 0) throw new RangeError('emittedAtMs must be a non-negative integer (epoch milliseconds)');
  const id12 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 24);
  return `${id12(`${where.customer}/${where.station}`)}_${id12(`${where.customer}/${where.station}/${where.weighbridge}`)}_${emittedAtMs}`;
}
