import type { CheckedSeries } from '@meterledger/auditor';
import { MeterledgerError } from '@meterledger/client';
import { READINGS_LIMITS, submittedReadingSchema, type ReadingOutcome, type SubmittedReading, type WindowLevel } from '@meterledger/contract-api';
import { SIGNED_READING_FORMATS } from '@meterledger/crypto';
import { Option, type Command } from 'commander';
import { action, collectList, pageOptions, pageQuery, type Ctx, type PageOptions, type Run } from './context';
import { EXIT, EXIT_CODE_OF_CLASS, UsageError, errorClassOf } from './exit-codes';
import { positiveInteger, readInputFile } from './inputs';
import {
  formatAggregateCheck,
  formatCount,
  formatRangeAggregate,
  formatReadingLine,
  formatReport,
  formatSealResult,
  formatSealView,
  formatWindowAggregateLine,
  jsonLine,
} from './readings-output';

const LEVELS: readonly WindowLevel[] = ['minute', 'hour', 'day', 'month', 'year'];

// ---- input of `readings submit` ----------------------------------------------------------------------

/** One submitted reading with the input line it came from. */
export interface InputReading {
  line: number;
  reading: SubmittedReading;
}

export interface RawInputOptions {
  /** Every line is one raw signed message of this format (else every line is a JSON item). */
  format?: string;
  meter?: string;
  utcOffset?: string;
}

function invalid(message: string): MeterledgerError {
  return new MeterledgerError({ code: 'INVALID_ARGUMENT', message: `INVALID_ARGUMENT: ${message}` });
}

/**
 * The readings of a `readings submit` input: one per non-empty line, either a JSON item
 * `{"format", "payload", "meterId"?, "utcOffset"?}` or (with `format`) the signed message as the device
 * sent it, `meter` and `utcOffset` applying to every line. Checked with the wire schema of
 * @meterledger/contract-api before anything is submitted: a bad line is INVALID_ARGUMENT naming the line.
 */
export function parseReadingLines(text: string, options: RawInputOptions = {}): InputReading[] {
  const out: InputReading[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let candidate: unknown;
    if (options.format !== undefined) {
      candidate = {
        format: options.format,
        payload: raw,
        ...(options.meter !== undefined ? { meterId: options.meter } : {}),
        ...(options.utcOffset !== undefined ? { utcOffset: options.utcOffset } : {}),
      };
    } else {
      try {
        candidate = JSON.parse(raw);
      } catch (err) {
        throw invalid(`line ${line}: not a JSON item {"format", "payload", "meterId"?, "utcOffset"?} (${(err as Error).message}); for raw device messages give --format`);
      }
      if (candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate)) {
        const item = candidate as Record<string, unknown>;
        if (options.meter !== undefined && item.meterId === undefined) item.meterId = options.meter;
        if (options.utcOffset !== undefined && item.utcOffset === undefined) item.utcOffset = options.utcOffset;
      }
    }
    const parsed = submittedReadingSchema.safeParse(candidate);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'item'}: ${issue.message}`).join('; ');
      throw invalid(`line ${line}: ${problems}`);
    }
    out.push({ line, reading: parsed.data as SubmittedReading });
  });
  return out;
}

function seriesOf(o: { meter?: string; group?: string }): { meterId: string } | { group: string } {
  if ((o.meter === undefined) === (o.group === undefined)) throw new UsageError('give exactly one of --meter <meterId>, --group <group>');
  return o.meter !== undefined ? { meterId: o.meter } : { group: o.group as string };
}

const seriesOptions = (cmd: Command): Command => cmd.option('--meter <meterId>', 'a meter').option('--group <group>', 'a group of meters (named at submission)');
const levelOption = () => new Option('--level <level>', 'window level').choices(LEVELS).makeOptionMandatory();

/** The outcome of one reading as `readings submit` prints it. */
export interface SubmitOutcomeLine extends ReadingOutcome {
  /** The input line of the item. */
  line: number;
  txId: string;
}

async function readInput(ctx: Ctx, file: string | undefined): Promise<string> {
  if (file === undefined || file === '-') return ctx.run.deps.readStdin();
  return readInputFile(file, 'readings file').toString('utf8');
}

// ---- the commands ----------------------------------------------------------------------------------------

export function readingsCommands(program: Command, run: Run): void {
  const readings = program.command('readings').description('signed meter readings: submit (gateway), seal, query and audit (auditor)');

  readings
    .command('submit [file]')
    .description(
      `submit signed readings from a file or stdin (- or omitted), one per line: a JSON item {format, payload, meterId?, utcOffset?}, or with --format the raw signed message; in batches of at most ${READINGS_LIMITS.maxBatchItems} (role gateway). One outcome line per reading; the exit code is that of the first rejection's class`,
    )
    .addOption(new Option('--format <format>', 'every line is a raw signed message of this format').choices([...SIGNED_READING_FORMATS]))
    .option('--meter <meterId>', 'the meter of messages that do not name it (Tasmota, OCMF); default for JSON items without meterId')
    .option('--utc-offset <offset>', 'the device UTC offset of times signed without one (Tasmota), e.g. +01:00')
    .option('--group <group>', 'also aggregate the accepted readings under this group (the site)')
    .option('--batch-size <n>', `items per transaction (1..${READINGS_LIMITS.maxBatchItems}; default ${READINGS_LIMITS.maxBatchItems})`, positiveInteger('--batch-size'))
    .action(
      action(run, async (ctx, file: string | undefined, o: { format?: string; meter?: string; utcOffset?: string; group?: string; batchSize?: number }) => {
        const batchSize = o.batchSize ?? READINGS_LIMITS.maxBatchItems;
        if (batchSize > READINGS_LIMITS.maxBatchItems) throw new UsageError(`--batch-size is at most ${READINGS_LIMITS.maxBatchItems}`);
        const input = parseReadingLines(await readInput(ctx, file), o);
        if (input.length === 0) throw invalid('no readings in the input');
        const client = await ctx.readings();
        const out = ctx.run.deps.output;
        const totals = { accepted: 0, duplicates: 0, rejected: 0, transactions: 0 };
        let firstRejection: string | undefined;
        for (let start = 0; start < input.length; start += batchSize) {
          const batch = input.slice(start, start + batchSize);
          const result = await client.submitReadings({ readings: batch.map((b) => b.reading), ...(o.group !== undefined ? { group: o.group } : {}) });
          totals.transactions++;
          totals.accepted += result.accepted;
          totals.duplicates += result.duplicates;
          totals.rejected += result.rejected;
          for (const outcome of result.outcomes) {
            const line: SubmitOutcomeLine = { ...outcome, line: batch[outcome.item].line, item: start + outcome.item, txId: result.txId };
            if (outcome.status === 'rejected') firstRejection ??= outcome.code ?? 'UNKNOWN';
            out.stdout(ctx.run.json ? jsonLine(line) : formatOutcome(line) + '\n');
          }
        }
        out.stderr(
          `${totals.accepted + totals.duplicates + totals.rejected} readings: ${totals.accepted} accepted, ${totals.duplicates} duplicates, ${totals.rejected} rejected, in ${totals.transactions} transaction(s)\n`,
        );
        if (firstRejection !== undefined) ctx.run.exitCode = EXIT_CODE_OF_CLASS[errorClassOf(firstRejection)];
      }),
    );

  seriesOptions(
    readings
      .command('seal')
      .description('seal the closed windows of a series up to --until (role gateway or auditor); repeats until done unless --once'),
  )
    .requiredOption('--until <time>', 'RFC 3339: seal windows that end by then (clamped to the transaction time minus the grace period)')
    .option('--once', 'one transaction, even if it stopped short (more: true)')
    .action(
      action(run, async (ctx, o: { meter?: string; group?: string; until: string; once?: boolean }) => {
        const series = seriesOf(o);
        const client = await ctx.readings();
        let result = await client.sealWindows({ ...series, until: o.until });
        let windowsSealed = result.windowsSealed;
        let readingsCovered = result.readingsCovered;
        let transactions = 1;
        while (result.more && !o.once) {
          result = await client.sealWindows({ ...series, until: o.until });
          windowsSealed += result.windowsSealed;
          readingsCovered += result.readingsCovered;
          transactions++;
        }
        ctx.emit({ ...result, windowsSealed, readingsCovered, transactions }, formatSealResult);
      }),
    );

  const query = readings.command('query').description('queries of the readings contract (role auditor)');

  query
    .command('q1 <meterId>')
    .description("Q1: a meter's readings at given instants (getReadingsAt)")
    .requiredOption('--at <times>', 'RFC 3339 instants, comma-separated or repeated', collectList)
    .action(
      action(run, async (ctx, meterId: string, o: { at: string[] }) =>
        ctx.emit(await (await ctx.readings()).getReadingsAt({ meterId, times: o.at }), (r) =>
          [...r.readings.map(formatReadingLine), ...(r.missing.length ? [`missing: ${r.missing.join(', ')}`] : [])].join('\n'),
        ),
      ),
    );

  pageOptions(
    query
      .command('q2 <meterId>')
      .description('Q2: readings with above < value < below in [from, to) (findReadingsByValue)')
      .requiredOption('--from <time>', 'RFC 3339, inclusive')
      .requiredOption('--to <time>', 'RFC 3339, exclusive')
      .option('--above <decimal>', 'values greater than this')
      .option('--below <decimal>', 'values less than this'),
  ).action(
    action(run, async (ctx, meterId: string, o: PageOptions & { from: string; to: string; above?: string; below?: string }) => {
      const q = {
        meterId,
        from: o.from,
        to: o.to,
        ...(o.above !== undefined ? { above: o.above } : {}),
        ...(o.below !== undefined ? { below: o.below } : {}),
        ...pageQuery(o),
      };
      const client = await ctx.readings();
      if (o.all) return ctx.emitAll(client.findAllReadingsByValue(q), formatReadingLine);
      ctx.emitPage(await client.findReadingsByValue(q), formatReadingLine, `meterledger readings query q2 ${meterId} --from ${o.from} --to ${o.to}`);
    }),
  );

  seriesOptions(query.command('q3').description('Q3: sum, count, min, max, avg over [from, to) (aggregateRange)'))
    .requiredOption('--from <time>', 'RFC 3339, inclusive')
    .requiredOption('--to <time>', 'RFC 3339, exclusive')
    .option('--decimals <n>', 'fraction digits of avg (default 6)', nonNegativeInteger('--decimals'))
    .action(
      action(run, async (ctx, o: { meter?: string; group?: string; from: string; to: string; decimals?: number }) => {
        const q = { ...seriesOf(o), from: o.from, to: o.to, ...(o.decimals !== undefined ? { decimals: o.decimals } : {}) };
        ctx.emit(await (await ctx.readings()).aggregateRange(q), formatRangeAggregate);
      }),
    );

  seriesOptions(query.command('q4').description('Q4: the number of readings before --at, and from --at on (countReadings)'))
    .requiredOption('--at <time>', 'RFC 3339')
    .action(action(run, async (ctx, o: { meter?: string; group?: string; at: string }) => ctx.emit(await (await ctx.readings()).countReadings({ ...seriesOf(o), at: o.at }), formatCount)));

  pageOptions(
    seriesOptions(query.command('aggregates').description('the window aggregates of one level starting in [from, to) (listAggregates)'))
      .addOption(levelOption())
      .requiredOption('--from <time>', 'RFC 3339, inclusive')
      .requiredOption('--to <time>', 'RFC 3339, exclusive')
      .option('--decimals <n>', 'fraction digits of avg (default 6)', nonNegativeInteger('--decimals')),
  ).action(
    action(run, async (ctx, o: PageOptions & { meter?: string; group?: string; level: WindowLevel; from: string; to: string; decimals?: number }) => {
      const q = { ...seriesOf(o), level: o.level, from: o.from, to: o.to, ...(o.decimals !== undefined ? { decimals: o.decimals } : {}), ...pageQuery(o) };
      const client = await ctx.readings();
      if (o.all) return ctx.emitAll(client.listAllAggregates(q), formatWindowAggregateLine);
      ctx.emitPage(await client.listAggregates(q), formatWindowAggregateLine, `meterledger readings query aggregates --level ${o.level} --from ${o.from} --to ${o.to}`);
    }),
  );

  pageOptions(
    query
      .command('history <meterId>')
      .description("a meter's readings in [from, to), oldest first (listReadings)")
      .option('--from <time>', 'RFC 3339, inclusive')
      .option('--to <time>', 'RFC 3339, exclusive'),
  ).action(
    action(run, async (ctx, meterId: string, o: PageOptions & { from?: string; to?: string }) => {
      const q = { meterId, ...(o.from !== undefined ? { from: o.from } : {}), ...(o.to !== undefined ? { to: o.to } : {}), ...pageQuery(o) };
      const client = await ctx.readings();
      if (o.all) return ctx.emitAll(client.listAllReadings(q), formatReadingLine);
      ctx.emitPage(await client.listReadings(q), formatReadingLine, `meterledger readings query history ${meterId}`);
    }),
  );

  seriesOptions(query.command('seal').description("a window's seal and what its commitment covers (getSeal)"))
    .addOption(levelOption())
    .requiredOption('--window <id>', 'window id: 2026, 2026-01, 2026-01-31, 2026-01-31T10 or 2026-01-31T10:05')
    .action(
      action(run, async (ctx, o: { meter?: string; group?: string; level: WindowLevel; window: string }) =>
        ctx.emit(await (await ctx.readings()).getSeal({ ...seriesOf(o), level: o.level, window: o.window }), formatSealView),
      ),
    );

  readings
    .command('report <meterId>')
    .description("audit a meter's readings in [from, to): count, offline verification, gaps, resets, clock problems. Exit 9 when a reading does not verify")
    .requiredOption('--from <time>', 'RFC 3339, inclusive')
    .requiredOption('--to <time>', 'RFC 3339, exclusive')
    .option('--interval <seconds>', 'the expected reporting interval: larger time gaps are reported', positiveInteger('--interval'))
    .option('--max-delay <seconds>', 'the largest device-to-submission delay that is not a clock problem (default 900)', positiveInteger('--max-delay'))
    .action(
      action(run, async (ctx, meterId: string, o: { from: string; to: string; interval?: number; maxDelay?: number }) => {
        const report = await (await ctx.readings()).report(meterId, o.from, o.to, {
          ...(o.interval !== undefined ? { expectedIntervalMs: o.interval * 1000 } : {}),
          ...(o.maxDelay !== undefined ? { maxSubmissionDelayMs: o.maxDelay * 1000 } : {}),
        });
        if (report.verificationFailures.length > 0) ctx.run.exitCode = EXIT.NOT_VALID;
        ctx.emit(report, formatReport);
      }),
    );

  readings
    .command('check')
    .description("recompute a window's aggregate from the raw readings and compare it with listAggregates and the seal's commitment. Exit 9 on any disagreement")
    .option('--meter <meterId>', 'a meter')
    .option('--group <group>', 'a group (with --meters: the meters that submit under it)')
    .option('--meters <meterIds>', 'with --group: its meters, comma-separated or repeated', collectList)
    .addOption(levelOption())
    .requiredOption('--window <id>', 'window id of that level')
    .action(
      action(run, async (ctx, o: { meter?: string; group?: string; meters?: string[]; level: WindowLevel; window: string }) => {
        const s = seriesOf(o);
        let series: CheckedSeries;
        if ('meterId' in s) series = s;
        else if (o.meters && o.meters.length > 0) series = { group: s.group, meterIds: o.meters };
        else throw new UsageError('--group needs --meters <meterIds> (a group has no raw-reading query of its own)');
        const check = await (await ctx.readings()).checkAggregate(series, o.level, o.window);
        if (!check.ok) ctx.run.exitCode = EXIT.NOT_VALID;
        ctx.emit(check, formatAggregateCheck);
      }),
    );
}

function formatOutcome(o: SubmitOutcomeLine): string {
  const what = `${o.meterId ?? '?'} ${o.time ?? '?'}`;
  const where = `line ${o.line}${o.index ? ` reading ${o.index}` : ''}`;
  if (o.status === 'rejected') return `rejected   ${what}  ${where}: ${o.code ?? 'UNKNOWN'}: ${o.message ?? ''}`;
  return `${o.status.padEnd(10)} ${what}  ${where}  ${(o.digest ?? '').slice(0, 16)}…  tx ${o.txId}`;
}

function nonNegativeInteger(option: string): (value: string) => number {
  const positive = positiveInteger(option);
  return (value) => (value === '0' ? 0 : positive(value));
}
