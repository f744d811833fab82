import { MeterledgerError } from '@meterledger/client';
import { encodeTicketV1, type DeviceSigner, type WeighingTicket } from '@meterledger/crypto';
import type { SubmittedTicket, SubmitTicketsResult } from '@meterledger/contract-api';
import { WEIGHING_LIMITS } from '@meterledger/contract-api';
import { ticketSalt } from './salt';
import { WeighingCalls, type WeighingTarget } from './weighing-contract';

export interface StationClientOptions {
  /**
   * The station's weighing terminal (SmartBox): its key is registered in the meter registry under
   * terminalSerialNumber. Needed to sign; a station that only forwards records its terminal signed omits it.
   */
  terminal?: DeviceSigner;
  /** Derive each ticket's salt from this secret (see ticketSalt); omit for random salts you keep with the tickets. */
  saltSecret?: Uint8Array;
}

/**
 * A weighing station (identity with role `station` and the `meterledger.station` attribute of its customer's
 * CA): signs tickets with its terminal and submits them into its customer's private collection.
 */
export class StationClient {
  readonly #calls: WeighingCalls;
  readonly #options: StationClientOptions;

  constructor(target: WeighingTarget, options: StationClientOptions = {}) {
    this.#calls = new WeighingCalls(target);
    this.#options = options;
  }

  /** The signed record of a ticket as the ledger stores it (payload = the canonical ticket, the terminal's signature, a salt). */
  async sign(ticket: WeighingTicket): Promise<SubmittedTicket> {
    const terminal = this.#options.terminal;
    if (!terminal) throw new MeterledgerError({ code: 'INVALID_OPTION', message: 'INVALID_OPTION: this StationClient has no terminal to sign with' });
    const payload = encodeTicketV1(ticket);
    const signature = Buffer.from(await terminal.sign(Buffer.from(payload, 'utf8'))).toString('base64');
    const encoding = terminal.signatureEncoding;
    return { payload, signature, ...(encoding ? { signatureEncoding: encoding } : {}), salt: ticketSalt(payload, this.#options.saltSecret) };
  }

  /**
   * Submit signed records (up to WEIGHING_LIMITS.maxBatchTickets per call): one outcome per ticket. Resubmitting
   * the same records is safe: they come back as duplicates.
   */
  submit(tickets: SubmittedTicket[]): Promise<SubmitTicketsResult> {
    if (tickets.length > WEIGHING_LIMITS.maxBatchTickets) {
      throw new RangeError(`at most ${WEIGHING_LIMITS.maxBatchTickets} tickets per submit, got ${tickets.length}`);
    }
    return this.#calls.submit('submitTickets', { tickets });
  }

  /** Sign and submit. */
  async signAndSubmit(tickets: WeighingTicket[]): Promise<SubmitTicketsResult> {
    return this.submit(await Promise.all(tickets.map((t) => this.sign(t))));
  }
}
