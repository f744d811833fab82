import { MeterledgerError } from '@meterledger/client';
import {
  TICKET_FLAGS,
  TICKET_GROUPINGS,
  WEIGHING_LIMITS,
  submittedTicketSchema,
  type SubmittedTicket,
  type TicketFilter,
  type TicketOutcome,
} from '@meterledger/contract-api';
import { WEIGHT_UNITS, checkTicketV1, softwareDeviceSigner, softwareSignerFromPrivateKeyPem, type SignatureScheme, type WeighingTicket } from '@meterledger/crypto';
import { StationClient } from '@meterledger/weighing';
import { Option, type Command } from 'commander';
import { action, pageOptions, pageQuery, type Ctx, type PageOptions, type Run } from './context';
import { EXIT, EXIT_CODE_OF_CLASS, errorClassOf } from './exit-codes';
import { positiveInteger, readInputFile } from './inputs';
import { jsonLine } from './output';
import { formatDisclosureCheck, formatGroups, formatRoute, formatTicketLine, formatTicketView } from './tickets-output';

function invalid(message: string): MeterledgerError {
  return new MeterledgerError({ code: 'INVALID_ARGUMENT', message: `INVALID_ARGUMENT: ${message}` });
}

/** One line of `tickets submit` input: a signed record, or (with a terminal key) a ticket to sign. */
export type TicketInput = { line: number; record: SubmittedTicket } | { line: number; ticket: WeighingTicket };

/**
 * `tickets submit` input: one JSON object per non-empty line, either a signed record `{payload, signature,
 * signatureEncoding?, salt}` as a SmartBox keeps it, or a ticket (`{"format":"weighing-ticket-v1", ...}`) that
 * --terminal-key signs. Checked before anything is submitted; a bad line is INVALID_ARGUMENT naming it.
 */
export function parseTicketLines(text: string): TicketInput[] {
  const out: TicketInput[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw invalid(`line ${line}: not JSON (${(err as Error).message})`);
    }
    if (typeof value === 'object' && value !== null && 'format' in value) {
      try {
        out.push({ line, ticket: checkTicketV1(value) });
      } catch (err) {
        throw invalid(`line ${line}: ${(err as Error).message}`);
      }
      return;
    }
    const parsed = submittedTicketSchema.safeParse(value);
    if (!parsed.success) {
      throw invalid(`line ${line}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; ')}`);
    }
    out.push({ line, record: parsed.data as SubmittedTicket });
  });
  return out;
}

interface FilterOptions {
  station?: string;
  weighbridge?: string;
  terminal?: string;
  scale?: string;
  status?: string;
  cell?: string;
  flag?: string;
  from?: string;
  to?: string;
  grossMin?: string;
  grossMax?: string;
  netMin?: string;
  netMax?: string;
  customer?: string;
}

const filterOptions = (cmd: Command): Command =>
  cmd
    .option('--customer <mspId>', "whose tickets (default the caller's org; any other is refused)")
    .option('--station <id>', 'station')
    .option('--weighbridge <id>', 'weighbridge')
    .option('--terminal <serial>', 'terminal serial number')
    .option('--scale <serial>', 'scale serial number')
    .option('--status <status>', 'scale status')
    .option('--cell <serial>', 'a load cell serial number')
    .addOption(new Option('--flag <flag>', 'tickets recorded with this flag').choices([...TICKET_FLAGS]))
    .option('--from <time>', 'RFC 3339, inclusive')
    .option('--to <time>', 'RFC 3339, exclusive')
    .option('--gross-min <kg>', 'scaleGross at least')
    .option('--gross-max <kg>', 'scaleGross at most')
    .option('--net-min <kg>', 'scaleNet at least')
    .option('--net-max <kg>', 'scaleNet at most');

function filterOf(o: FilterOptions): TicketFilter {
  const f: TicketFilter = {};
  const set = <K extends keyof TicketFilter>(k: K, v: TicketFilter[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('station', o.station);
  set('weighbridge', o.weighbridge);
  set('terminalSerialNumber', o.terminal);
  set('scaleSerialNumber', o.scale);
  set('scaleStatus', o.status);
  set('cellSerialNumber', o.cell);
  set('flag', o.flag as TicketFilter['flag']);
  set('from', o.from);
  set('to', o.to);
  set('grossMin', o.grossMin);
  set('grossMax', o.grossMax);
  set('netMin', o.netMin);
  set('netMax', o.netMax);
  return f;
}

function outcomeText(o: TicketOutcome & { line: number; txId: string }): string {
  const head = `line ${o.line}\t${o.ticketID || '(no id)'}\t`;
  if (o.status === 'accepted') return `${head}accepted${o.flags.length ? ` (${o.flags.join(', ')})` : ''}\ttx ${o.txId}`;
  if (o.status === 'duplicate') return `${head}duplicate (already on the ledger)`;
  return `${head}REJECTED ${o.code}: ${o.message}`;
}

async function readInput(ctx: Ctx, file: string | undefined): Promise<string> {
  if (file === undefined || file === '-') return ctx.run.deps.readStdin();
  return readInputFile(file, 'tickets file').toString('utf8');
}

const routeIds = (cmd: Command): Command =>
  cmd.requiredOption('--origin-customer <mspId>', 'MSP id of the customer that declared the route').requiredOption('--destination-customer <mspId>', 'MSP id of the destination customer');

export function ticketsCommands(program: Command, run: Run): void {
  const tickets = program.command('tickets').description('private weighing tickets (004): submit (station), query, group, routes, disclosure proofs (customer), checks (anyone)');

  tickets
    .command('submit [file]')
    .description(
      `submit tickets from a file or stdin, one JSON object per line: a signed record {payload, signature, signatureEncoding?, salt}, or a ticket {"format":"weighing-ticket-v1", ...} signed with --terminal-key; in batches of at most ${WEIGHING_LIMITS.maxBatchTickets} (role station). One outcome line per ticket; the exit code is that of the first rejection's class`,
    )
    .option('--terminal-key <file>', "PKCS#8 PEM private key of the station's terminal, to sign tickets (FOR TESTS AND DEMOS: a real terminal signs in its HSM)")
    .addOption(new Option('--scheme <scheme>', 'scheme of --terminal-key').choices(['ecdsa-p256-sha256', 'ecdsa-secp256k1-sha256', 'ed25519']).default('ecdsa-p256-sha256'))
    .option('--salt-secret <file>', 'derive salts from this secret (>= 16 bytes) so a rerun is a duplicate; default: random salts, printed with --json')
    .option('--batch-size <n>', `tickets per transaction (default ${WEIGHING_LIMITS.maxBatchTickets})`, positiveInteger('--batch-size'))
    .action(
      action(run, async (ctx, file: string | undefined, o: { terminalKey?: string; scheme: SignatureScheme; saltSecret?: string; batchSize?: number }) => {
        const input = parseTicketLines(await readInput(ctx, file));
        if (input.length === 0) throw invalid('no tickets in the input');
        const batchSize = Math.min(o.batchSize ?? WEIGHING_LIMITS.maxBatchTickets, WEIGHING_LIMITS.maxBatchTickets);
        const terminal = o.terminalKey ? softwareDeviceSigner(softwareSignerFromPrivateKeyPem(o.scheme, readInputFile(o.terminalKey, '--terminal-key').toString('utf8'))) : undefined;
        const saltSecret = o.saltSecret ? readInputFile(o.saltSecret, '--salt-secret') : undefined;
        if (!terminal && input.some((i) => 'ticket' in i)) throw invalid('tickets to sign need --terminal-key (or give signed records)');
        const station = new StationClient((await ctx.session()).weighing, { ...(terminal ? { terminal } : {}), ...(saltSecret ? { saltSecret } : {}) });
        const records = await Promise.all(input.map(async (i) => ('record' in i ? i.record : station.sign(i.ticket))));
        const out = ctx.run.deps.output;
        const totals = { accepted: 0, duplicates: 0, rejected: 0, transactions: 0 };
        let firstRejection: string | undefined;
        for (let start = 0; start < records.length; start += batchSize) {
          const batch = records.slice(start, start + batchSize);
          const result = await station.submit(batch);
          totals.transactions++;
          totals.accepted += result.accepted;
          totals.duplicates += result.duplicates;
          totals.rejected += result.rejected;
          result.outcomes.forEach((outcome, i) => {
            const line = { ...outcome, line: input[start + i].line, txId: result.txId, salt: batch[i].salt };
            if (outcome.status === 'rejected') firstRejection ??= outcome.code;
            out.stdout(ctx.run.json ? jsonLine(line) : outcomeText(line) + '\n');
          });
        }
        out.stderr(`${records.length} tickets: ${totals.accepted} accepted, ${totals.duplicates} duplicates, ${totals.rejected} rejected, in ${totals.transactions} transaction(s)\n`);
        if (firstRejection !== undefined) ctx.run.exitCode = EXIT_CODE_OF_CLASS[errorClassOf(firstRejection)];
      }),
    );

  tickets
    .command('show <ticketID>')
    .description('one ticket of your customer (a station identity: of its station)')
    .option('--customer <mspId>', "whose ticket (default the caller's org)")
    .action(action(run, async (ctx, ticketID: string, o: { customer?: string }) => ctx.emit(await (await ctx.session()).customer.getTicket(ticketID, o.customer), formatTicketView)));

  pageOptions(filterOptions(tickets.command('query').description('tickets matching every given attribute (role customer, or station: its own)'))).action(
    action(run, async (ctx, o: FilterOptions & PageOptions) => {
      const customer = (await ctx.session()).customer;
      const query = { filter: filterOf(o), ...pageQuery(o), ...(o.customer ? { customer: o.customer } : {}) };
      if (o.all) return ctx.emitAll(customer.allTickets(query), formatTicketLine);
      ctx.emitPage(await customer.queryTickets(query), formatTicketLine, 'meterledger tickets query ...');
    }),
  );

  filterOptions(tickets.command('group').description('count and gross/net sum, min, max per group (daily totals when the filter allows)'))
    .addOption(new Option('--by <grouping>', 'group by').choices([...TICKET_GROUPINGS]).makeOptionMandatory())
    .action(
      action(run, async (ctx, o: FilterOptions & { by: (typeof TICKET_GROUPINGS)[number] }) => {
        const customer = (await ctx.session()).customer;
        ctx.emit(await customer.groupTickets({ filter: filterOf(o), by: o.by, ...(o.customer ? { customer: o.customer } : {}) }), formatGroups);
      }),
    );

  const route = tickets.command('route').description('routes between stations (004 §I): declare, attach tickets, show the verdict (role customer)');
  route
    .command('declare <routeId>')
    .requiredOption('--vehicle <id>', 'the vehicle')
    .requiredOption('--origin-station <id>', 'your station where the trip starts')
    .requiredOption('--destination-customer <mspId>', 'MSP id of the destination customer (yours for an internal route)')
    .requiredOption('--destination-station <id>', 'the destination station')
    .requiredOption('--expected-net <weight>', 'the net weight the vehicle should carry')
    .requiredOption('--tolerance <weight>', 'how far either end may be from it')
    .addOption(new Option('--unit <unit>', 'unit of the weights').choices([...WEIGHT_UNITS]).default('kg'))
    .action(
      action(run, async (ctx, routeId: string, o: { vehicle: string; originStation: string; destinationCustomer: string; destinationStation: string; expectedNet: string; tolerance: string; unit: 'kg' | 't' | 'lb' }) => {
        const customer = (await ctx.session()).customer;
        const declared = await customer.declareRoute({ routeId, vehicleId: o.vehicle, originStation: o.originStation, destinationCustomer: o.destinationCustomer, destinationStation: o.destinationStation, expectedNet: o.expectedNet, tolerance: o.tolerance, unit: o.unit });
        ctx.emit(declared, (r) => `route ${r.routeId} declared: ${r.origin.customer}/${r.origin.station} → ${r.destination.customer}/${r.destination.station}, ${r.expectedNet} ± ${r.tolerance} ${r.unit}, vehicle ${r.vehicleId}`);
      }),
    );
  routeIds(route.command('attach <routeId>').description("attach your ticket to your end of the route; the second attachment records the verdict"))
    .requiredOption('--ticket <ticketID>', 'your ticket at your end')
    .action(
      action(run, async (ctx, routeId: string, o: { originCustomer: string; destinationCustomer: string; ticket: string }) => {
        const customer = (await ctx.session()).customer;
        ctx.emit(await customer.attachRouteTicket({ routeId, originCustomer: o.originCustomer, destinationCustomer: o.destinationCustomer, ticketID: o.ticket }), formatRoute);
      }),
    );
  routeIds(route.command('show <routeId>').description('the route, the attached ends and the verdict')).action(
    action(run, async (ctx, routeId: string, o: { originCustomer: string; destinationCustomer: string }) => {
      const customer = (await ctx.session()).customer;
      const view = await customer.getRoute({ routeId, originCustomer: o.originCustomer, destinationCustomer: o.destinationCustomer });
      ctx.emit(view, formatRoute);
      if (view.verdict && !view.verdict.withinTolerance) ctx.run.exitCode = EXIT.NOT_VALID;
    }),
  );

  tickets
    .command('prove <ticketID>')
    .description('the disclosure proof of one of your tickets (JSON to hand to a third party, who checks it with `tickets check-proof`)')
    .action(
      action(run, async (ctx, ticketID: string) => {
        const proof = await (await ctx.session()).customer.disclose(ticketID);
        ctx.run.deps.output.stdout(JSON.stringify(proof) + '\n');
      }),
    );

  tickets
    .command('check-proof [file]')
    .description('check a disclosure proof (from `tickets prove`, file or stdin) against the ledger: any identity of the channel; exit 9 when not valid')
    .action(
      action(run, async (ctx, file: string | undefined) => {
        let proof: unknown;
        try {
          proof = JSON.parse(await readInput(ctx, file));
        } catch (err) {
          throw invalid(`the proof is not JSON (${(err as Error).message})`);
        }
        const check = await (await ctx.session()).inspector.checkDisclosure(proof as never);
        ctx.emit(check, formatDisclosureCheck);
        if (!check.valid) ctx.run.exitCode = EXIT.NOT_VALID;
      }),
    );
}
