import type { TransportKind } from '@meterledger/client';
import type { AuditorClient } from '@meterledger/auditor';
import type { AuthorityClient } from '@meterledger/authority';
import type { Page } from '@meterledger/contract-api';
import type { Command } from 'commander';
import { UsageError } from './exit-codes';
import { positiveInteger } from './inputs';
import { jsonLine, prettyJson, type Output } from './output';
import type { OpenSession, Session } from './session';

/** What the commands share: the dependencies of runCli, the per-invocation state, the command context. */

export interface CliDeps {
  /** How to reach the registry; default: connect() of @meterledger/client. */
  openSession: OpenSession;
  output: Output;
  /** All of standard input (`readings submit` without a file, or with -). */
  readStdin: () => Promise<string>;
  /** For MLEDGER_ORG / MLEDGER_IDENTITY. (The profile and transport are located by the client from process.env.) */
  env: NodeJS.ProcessEnv;
}

export interface GlobalOptions {
  org?: string;
  identity?: string;
  profile?: string;
  transport?: TransportKind;
  json?: boolean;
}

/** What one invocation shares between the parser and the actions. */
export interface Run {
  deps: CliDeps;
  json: boolean;
  exitCode: number;
  session?: Session;
}

// ---- per-command context -----------------------------------------------------------------------

export class Ctx {
  constructor(
    readonly run: Run,
    readonly globals: GlobalOptions,
  ) {}

  /** The connected registry, opened on first use with the global options (and MLEDGER_ORG / MLEDGER_IDENTITY). */
  async session(): Promise<Session> {
    if (this.run.session) return this.run.session;
    const env = this.run.deps.env;
    const org = this.globals.org ?? nonEmpty(env.MLEDGER_ORG);
    const identity = this.globals.identity ?? nonEmpty(env.MLEDGER_IDENTITY);
    if (org === undefined) throw new UsageError('--org <org> is required (or set MLEDGER_ORG)');
    if (identity === undefined) throw new UsageError('--identity <name> is required (or set MLEDGER_IDENTITY)');
    this.run.session = await this.run.deps.openSession({
      org,
      identity,
      ...(this.globals.profile !== undefined ? { profile: this.globals.profile } : {}),
      ...(this.globals.transport !== undefined ? { transport: this.globals.transport } : {}),
    });
    return this.run.session;
  }

  async registry(): Promise<AuthorityClient> {
    return (await this.session()).registry;
  }

  /** The readings contract (and the registry's key history) as an AuditorClient. */
  async readings(): Promise<AuditorClient> {
    return (await this.session()).readings;
  }

  /** The result: `--json` as canonical, indented JSON; otherwise rendered for people. */
  emit<T>(value: T, human: (value: T) => string): void {
    this.run.deps.output.stdout(this.run.json ? prettyJson(value) : human(value) + '\n');
  }

  /** One page of a listing, and (for people, on stderr) how to get the next. */
  emitPage<T>(page: Page<T>, line: (item: T) => string, nextHint: string): void {
    const out = this.run.deps.output;
    if (this.run.json) return out.stdout(prettyJson(page));
    for (const item of page.items) out.stdout(line(item) + '\n');
    out.stderr(page.bookmark ? `more: ${nextHint} --bookmark ${page.bookmark}\n` : `(${page.items.length} shown, last page)\n`);
  }

  /** Every item, printed as it arrives: one line of canonical JSON per item with `--json` (JSON Lines). */
  async emitAll<T>(items: AsyncIterable<T>, line: (item: T) => string): Promise<void> {
    const out = this.run.deps.output;
    for await (const item of items) out.stdout(this.run.json ? jsonLine(item) : line(item) + '\n');
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/** Wrap an action: build its context from the global options, run it, let errors reach runCli. */
export function action<A extends unknown[]>(run: Run, fn: (ctx: Ctx, ...args: A) => Promise<void>) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    run.json = Boolean(globals.json); // as parsed (the pre-scan would also see a `--json` that is an option's value)
    const ctx = new Ctx(run, globals);
    await fn(ctx, ...(args.slice(0, -1) as A));
  };
}

// ---- option helpers ------------------------------------------------------------------------------

export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];
}

export const pageOptions = (cmd: Command): Command =>
  cmd
    .option('--page-size <n>', 'items per page (the chaincode allows 1..1000; default 100)', positiveInteger('--page-size'))
    .option('--bookmark <bookmark>', 'continue after a previous page (its bookmark)')
    .option('--all', 'every page, streamed as it arrives (JSON Lines with --json)');

export interface PageOptions {
  pageSize?: number;
  bookmark?: string;
  all?: boolean;
}

export function pageQuery(o: PageOptions): { pageSize?: number; bookmark?: string } {
  return { ...(o.pageSize !== undefined ? { pageSize: o.pageSize } : {}), ...(o.bookmark !== undefined ? { bookmark: o.bookmark } : {}) };
}

