import * as fs from 'node:fs';
import * as path from 'node:path';
import { newNonce, softwareProver } from '@meterledger/authority';
import { MeterledgerError, TRANSPORT_KINDS } from '@meterledger/client';
import type { ListMetersQuery, MeterRecord, PossessionProof, VerificationRecord } from '@meterledger/contract-api';
import { SIGNATURE_SCHEMES, buildPossessionChallenge, type SignatureEncoding, type SignatureScheme, type SoftwareSigner } from '@meterledger/crypto';
import { Command, CommanderError, Option } from 'commander';
import { action, collectList, pageOptions, pageQuery, type CliDeps, type PageOptions, type Run } from './context';
import { EXIT, UsageError, exitCodeFor } from './exit-codes';
import { checkPublicKey, fromCryptoError, loadKeyFile, positiveInteger, publicKeyArgument, readInputFile, scheme as schemeOf } from './inputs';
import {
  formatConfig,
  formatConfigView,
  formatKey,
  formatMeter,
  formatMeterLine,
  formatProposal,
  formatVerification,
  formatVerificationLine,
  formatVerificationRecord,
  humanError,
  jsonLine,
  toJsonError,
} from './output';
import { readingsCommands } from './readings-commands';
import { ticketsCommands } from './tickets-commands';
import { openNetworkSession } from './session';

export type { CliDeps };

const REVOCATION_REASONS = ['keyCompromise', 'decommissioned', 'superseded', 'other'] as const;
const SIGNATURE_ENCODINGS = ['der', 'raw'] as const;

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const possessionOptions = (cmd: Command): Command =>
  cmd
    .option('--key-file <file>', "the meter's private key (PEM, or JSON {scheme, privateKeyPem}) to sign the challenge here — tests and demos only")
    .option('--proof-nonce <nonce>', 'nonce of a proof made elsewhere (see `meter challenge`)')
    .option('--proof-signature <signature>', "the meter's signature over that challenge (base64 or hex)")
    .addOption(new Option('--proof-signature-encoding <encoding>', 'ECDSA signature encoding of the proof (default der)').choices(SIGNATURE_ENCODINGS));

interface PossessionOptions {
  keyFile?: string;
  proofNonce?: string;
  proofSignature?: string;
  proofSignatureEncoding?: SignatureEncoding;
  scheme?: string;
  publicKey?: string;
}

type Possession = { kind: 'key'; signer: SoftwareSigner; encoding?: SignatureEncoding } | { kind: 'proof'; proof: PossessionProof };

/** Exactly one of: a key file to sign with here, or a proof (nonce + signature) made elsewhere. */
function possession(o: PossessionOptions): Possession {
  const proofGiven = o.proofNonce !== undefined || o.proofSignature !== undefined;
  if (o.keyFile !== undefined && proofGiven) throw new UsageError('give either --key-file or --proof-nonce/--proof-signature, not both');
  if (o.keyFile !== undefined) {
    return { kind: 'key', signer: loadKeyFile(o.keyFile, schemeOf(o.scheme)), ...(o.proofSignatureEncoding ? { encoding: o.proofSignatureEncoding } : {}) };
  }
  if (o.proofNonce === undefined || o.proofSignature === undefined) {
    throw new UsageError('proof of possession: give --key-file <file>, or both --proof-nonce and --proof-signature (see `meterledger meter challenge`)');
  }
  return {
    kind: 'proof',
    proof: { nonce: o.proofNonce, signature: o.proofSignature, ...(o.proofSignatureEncoding ? { signatureEncoding: o.proofSignatureEncoding } : {}) },
  };
}

/** The public key to register: --public-key if given (and, with --key-file, checked to be that key's), else the key file's. */
function meterKey(o: PossessionOptions, p: Possession): { scheme: SignatureScheme; publicKey: string } {
  const given = o.publicKey !== undefined ? publicKeyArgument(o.publicKey) : undefined;
  if (p.kind === 'key') {
    if (given !== undefined && checkPublicKey(p.signer.scheme, given) !== p.signer.publicKey.fingerprint) {
      throw new MeterledgerError({ code: 'INVALID_ARGUMENT', message: `INVALID_ARGUMENT: --public-key is not the public key of --key-file ${o.keyFile}` });
    }
    return { scheme: p.signer.scheme, publicKey: given ?? p.signer.publicKey.spkiPem };
  }
  const s = schemeOf(o.scheme);
  if (s === undefined || given === undefined) throw new UsageError('with --proof-nonce/--proof-signature, give the key as --scheme and --public-key');
  return { scheme: s, publicKey: given };
}

/** The pending key to approve (or --key-version) of a meter read from the ledger. */
function keyToApprove(meter: MeterRecord, keyVersion: number | undefined) {
  const key =
    keyVersion !== undefined
      ? meter.keys.find((k) => k.version === keyVersion)
      : meter.keys.filter((k) => k.status === 'pending').sort((a, b) => b.version - a.version)[0];
  if (key) return key;
  if (keyVersion !== undefined) {
    throw new MeterledgerError({ code: 'UNKNOWN_KEY_VERSION', message: `UNKNOWN_KEY_VERSION: meter ${meter.meterId} has no key version ${keyVersion}` });
  }
  throw new MeterledgerError({ code: 'NOTHING_TO_APPROVE', message: `NOTHING_TO_APPROVE: meter ${meter.meterId} has no key awaiting approval` });
}

// ---- the commands ----------------------------------------------------------------------------------

function registryCommands(program: Command, run: Run): void {
  const config = program.command('registry').description('the registry itself').command('config').description('the registry configuration: approval threshold and authority orgs');

  config
    .command('show')
    .description('the configuration in force and the proposals pending against it (getConfig)')
    .action(action(run, async (ctx) => ctx.emit(await (await ctx.registry()).getConfig(), formatConfigView)));

  const settings = (cmd: Command) =>
    cmd
      .requiredOption('--threshold <n>', 'distinct authority orgs that must approve a meter key', positiveInteger('--threshold'))
      .requiredOption('--authorities <mspIds>', 'authority MSP ids, comma-separated or repeated', collectList);
  type Settings = { threshold: number; authorities: string[] };

  settings(config.command('init'))
    .description('write the first configuration (an admin of a listed org; only when there is none)')
    .action(
      action(run, async (ctx, o: Settings) =>
        ctx.emit(await (await ctx.registry()).initConfig({ approvalThreshold: o.threshold, authorityMspIds: o.authorities }), formatConfig),
      ),
    );

  settings(config.command('propose'))
    .description('propose a new configuration (an admin of an authority org); prints the proposal id')
    .action(
      action(run, async (ctx, o: Settings) =>
        ctx.emit(await (await ctx.registry()).proposeConfig({ approvalThreshold: o.threshold, authorityMspIds: o.authorities }), formatProposal),
      ),
    );

  config
    .command('approve <proposalId>')
    .description("approve a pending proposal as a further authority org (an admin of that org)")
    .action(action(run, async (ctx, proposalId: string) => ctx.emit(await (await ctx.registry()).approveConfig({ proposalId }), formatProposal)));
}

function meterCommands(program: Command, run: Run): void {
  const meter = program.command('meter').description('meter keys: register, approve, rotate, revoke, show, history, list, challenge');
  const schemeOption = () => new Option('--scheme <scheme>', 'signature scheme of the key').choices(SIGNATURE_SCHEMES);

  possessionOptions(
    meter
      .command('register <meterId>')
      .description('register a meter key with proof of possession (pending until enough authorities approved)')
      .addOption(schemeOption())
      .option('--public-key <key>', 'the meter public key: a file (PEM, hex or DER) or the PEM/hex itself; default: the --key-file key')
      .requiredOption('--manufacturer <text>', 'metadata: manufacturer')
      .requiredOption('--model <text>', 'metadata: model')
      .requiredOption('--serial <text>', 'metadata: serial number')
      .requiredOption('--type-approval-ref <text>', 'metadata: type approval reference'),
  ).action(
    action(run, async (ctx, meterId: string, o: PossessionOptions & { manufacturer: string; model: string; serial: string; typeApprovalRef: string }) => {
      const p = possession(o);
      const { scheme, publicKey } = meterKey(o, p);
      const metadata = { manufacturer: o.manufacturer, model: o.model, serial: o.serial, typeApprovalRef: o.typeApprovalRef };
      const registry = await ctx.registry();
      const result =
        p.kind === 'key'
          ? await registry.registerWithPossession({ meterId, scheme, publicKey, metadata, prover: softwareProver(p.signer, p.encoding) })
          : await registry.registerMeter({ meterId, scheme, publicKey, metadata, proof: p.proof });
      ctx.emit(result, formatMeter);
    }),
  );

  possessionOptions(
    meter
      .command('approve <meterId>')
      .description("approve a meter's pending key as this authority, with this authority's own proof of possession")
      .option('--key-version <n>', 'the key version to approve (default: the pending one; required with --proof-*)', positiveInteger('--key-version'))
      .addOption(schemeOption()),
  ).action(
    action(run, async (ctx, meterId: string, o: PossessionOptions & { keyVersion?: number }) => {
      const p = possession(o);
      const registry = await ctx.registry();
      if (p.kind === 'key') {
        const prover = softwareProver(p.signer, p.encoding);
        return ctx.emit(await registry.approveWithPossession({ meterId, prover, ...(o.keyVersion !== undefined ? { keyVersion: o.keyVersion } : {}) }), formatMeter);
      }
      if (o.keyVersion === undefined) throw new UsageError('with --proof-nonce/--proof-signature, give --key-version (the key the proof is for)');
      ctx.emit(await registry.approveMeter({ meterId, keyVersion: o.keyVersion, proof: p.proof }), formatMeter);
    }),
  );

  possessionOptions(
    meter
      .command('rotate <meterId>')
      .description('propose a new key for a meter, with proof of possession of the new key; active once approved')
      .addOption(schemeOption())
      .option('--public-key <key>', 'the new public key: a file (PEM, hex or DER) or the PEM/hex itself; default: the --key-file key'),
  ).action(
    action(run, async (ctx, meterId: string, o: PossessionOptions) => {
      const p = possession(o);
      const { scheme, publicKey } = meterKey(o, p);
      const registry = await ctx.registry();
      const result =
        p.kind === 'key'
          ? await registry.rotateWithPossession({ meterId, scheme, publicKey, prover: softwareProver(p.signer, p.encoding) })
          : await registry.rotateKey({ meterId, scheme, publicKey, proof: p.proof });
      ctx.emit(result, formatMeter);
    }),
  );

  meter
    .command('revoke <meterId>')
    .description('revoke a meter (one authority suffices)')
    .addOption(new Option('--reason <reason>', 'why').choices(REVOCATION_REASONS).makeOptionMandatory())
    .option('--effective-at <time>', 'RFC 3339 time from which its signatures are invalid (default: now; may be earlier)')
    .option('--comment <text>', 'free text, one line')
    .action(
      action(run, async (ctx, meterId: string, o: { reason: (typeof REVOCATION_REASONS)[number]; effectiveAt?: string; comment?: string }) => {
        const request = {
          meterId,
          reason: o.reason,
          ...(o.effectiveAt !== undefined ? { effectiveAt: o.effectiveAt } : {}),
          ...(o.comment !== undefined ? { comment: o.comment } : {}),
        };
        ctx.emit(await (await ctx.registry()).revokeMeter(request), formatMeter);
      }),
    );

  meter
    .command('show <meterId>')
    .description('a meter: status, metadata, keys and their approvals')
    .action(action(run, async (ctx, meterId: string) => ctx.emit(await (await ctx.registry()).getMeter(meterId), formatMeter)));

  meter
    .command('history <meterId>')
    .description("every key version of a meter")
    .action(
      action(run, async (ctx, meterId: string) =>
        ctx.emit(await (await ctx.registry()).getKeyHistory(meterId), (keys) => keys.map(formatKey).join('\n')),
      ),
    );

  pageOptions(
    meter
      .command('list')
      .description('meters by status or manufacturer, a page at a time (or --all)')
      .addOption(new Option('--status <status>', 'meters with this status').choices(['pending', 'active', 'revoked']))
      .option('--manufacturer <name>', 'meters of this manufacturer')
      .addOption(new Option('--by <field>', 'the index to list by (with --value)').choices(['status', 'manufacturer']))
      .option('--value <value>', 'the value to list (with --by)'),
  ).action(
    action(run, async (ctx, o: PageOptions & { status?: string; manufacturer?: string; by?: 'status' | 'manufacturer'; value?: string }) => {
      const filters = [
        o.status !== undefined ? ({ by: 'status', value: o.status } as const) : undefined,
        o.manufacturer !== undefined ? ({ by: 'manufacturer', value: o.manufacturer } as const) : undefined,
        o.by !== undefined || o.value !== undefined ? { by: o.by, value: o.value } : undefined,
      ].filter((f) => f !== undefined);
      const filter = filters[0];
      if (filters.length !== 1 || filter === undefined || filter.by === undefined || filter.value === undefined) {
        throw new UsageError('list by exactly one of: --status <status>, --manufacturer <name>, --by <field> --value <value>');
      }
      const query: ListMetersQuery = { by: filter.by, value: filter.value, ...pageQuery(o) };
      const registry = await ctx.registry();
      if (o.all) return ctx.emitAll(registry.listAllMeters(query), formatMeterLine);
      const flag = o.status !== undefined ? `--status ${o.status}` : o.manufacturer !== undefined ? `--manufacturer ${o.manufacturer}` : `--by ${filter.by} --value ${filter.value}`;
      ctx.emitPage(await registry.listMeters(query), formatMeterLine, `meterledger meter list ${flag}`);
    }),
  );

  meter
    .command('challenge <meterId>')
    .description(
      'print the possession challenge a meter must sign (for --proof-nonce/--proof-signature): for register/rotate give --scheme and --public-key; without them, for approve, the pending key (or --key-version) is read from the ledger',
    )
    .addOption(schemeOption())
    .option('--public-key <key>', 'the key to prove: a file (PEM, hex or DER) or the PEM/hex itself')
    .option('--key-version <n>', 'approve: the key version (default: the pending one)', positiveInteger('--key-version'))
    .option('--nonce <nonce>', 'the nonce (16..128 of [A-Za-z0-9_-]); default: 24 fresh random bytes, base64url')
    .option('--channel <channel>', 'the channel to bind to; default: the network profile\'s')
    .option('--out <file>', 'also write the exact challenge bytes to this file')
    .action(
      action(run, async (ctx, meterId: string, o: { scheme?: string; publicKey?: string; keyVersion?: number; nonce?: string; channel?: string; out?: string }) => {
        let scheme = schemeOf(o.scheme);
        let publicKey = o.publicKey !== undefined ? publicKeyArgument(o.publicKey) : undefined;
        let keyVersion: number | undefined;
        if (publicKey === undefined) {
          if (scheme !== undefined) throw new UsageError('--scheme needs --public-key (without both, the key to approve is read from the ledger)');
          const key = keyToApprove(await (await ctx.registry()).getMeter(meterId), o.keyVersion);
          ({ scheme, publicKey } = key);
          keyVersion = key.version;
        } else if (scheme === undefined) {
          throw new UsageError('--public-key needs --scheme');
        }
        const channel = o.channel ?? (await ctx.session()).channel;
        const nonce = o.nonce ?? newNonce();
        let challenge: Uint8Array;
        try {
          challenge = buildPossessionChallenge({ channel, meterId, publicKey, scheme, nonce });
        } catch (err) {
          throw fromCryptoError(err, 'challenge', 'possession challenge');
        }
        if (o.out !== undefined) fs.writeFileSync(o.out, challenge);
        const text = Buffer.from(challenge).toString('utf8');
        const result = {
          meterId,
          channel,
          scheme,
          publicKey,
          ...(keyVersion !== undefined ? { keyVersion } : {}),
          nonce,
          challenge: text,
          challengeBase64: Buffer.from(challenge).toString('base64'),
        };
        ctx.emit(result, (r) =>
          [
            `nonce:     ${r.nonce}`,
            `challenge: ${r.challenge}`,
            `The meter signs exactly these ${challenge.length} UTF-8 bytes (no trailing newline${o.out ? `; written to ${o.out}` : '; --out <file> writes them'}); then pass`,
            `  --proof-nonce ${r.nonce} --proof-signature <base64 signature>${keyVersion !== undefined ? ` --key-version ${keyVersion}` : ''}`,
          ].join('\n'),
        );
      }),
    );
}

/** A --signature-file: printable text (base64/hex) is sent as text, anything else as signature bytes. */
function signatureFromFile(file: string): string | Uint8Array {
  const bytes = readInputFile(file, '--signature-file');
  return bytes.every((b) => b >= 0x20 && b < 0x7f || b === 0x0a || b === 0x0d) ? bytes.toString('ascii').trim() : new Uint8Array(bytes);
}

function verifyCommands(program: Command, run: Run): void {
  program
    .command('verify <meterId>')
    .description('check a meter signature over a message (evaluate; --record also logs the check on the ledger). Exit 9 when not valid')
    .option('--message <text>', 'the signed message (as --message-encoding says; default utf8)')
    .option('--message-file <file>', 'the signed message bytes, from a file')
    .addOption(new Option('--message-encoding <encoding>', 'how --message is encoded').choices(['utf8', 'base64', 'hex']))
    .option('--signature <signature>', 'the signature, base64 or hex')
    .option('--signature-file <file>', 'the signature from a file (base64/hex text, or the raw bytes)')
    .addOption(new Option('--signature-encoding <encoding>', 'der (default) or raw r||s, for ECDSA').choices(SIGNATURE_ENCODINGS))
    .option('--at <time>', 'RFC 3339 time the signature was made (default: now, the transaction time)')
    .option('--record', 'submit verifyAndRecord: the check is recorded on the ledger (role verifier or registrar)')
    .action(
      action(
        run,
        async (
          ctx,
          meterId: string,
          o: {
            message?: string;
            messageFile?: string;
            messageEncoding?: 'utf8' | 'base64' | 'hex';
            signature?: string;
            signatureFile?: string;
            signatureEncoding?: SignatureEncoding;
            at?: string;
            record?: boolean;
          },
        ) => {
          if ((o.message === undefined) === (o.messageFile === undefined)) throw new UsageError('give exactly one of --message <text>, --message-file <file>');
          if ((o.signature === undefined) === (o.signatureFile === undefined)) throw new UsageError('give exactly one of --signature <sig>, --signature-file <file>');
          if (o.messageFile !== undefined && o.messageEncoding !== undefined) throw new UsageError('--message-encoding applies to --message, not --message-file');
          const message = o.message ?? new Uint8Array(readInputFile(o.messageFile as string, '--message-file'));
          const signature = o.signature ?? signatureFromFile(o.signatureFile as string);
          const request = {
            meterId,
            message,
            signature,
            ...(o.messageEncoding !== undefined ? { messageEncoding: o.messageEncoding } : {}),
            ...(o.signatureEncoding !== undefined ? { signatureEncoding: o.signatureEncoding } : {}),
            ...(o.at !== undefined ? { at: o.at } : {}),
          };
          const registry = await ctx.registry();
          const result = o.record ? await registry.verifyAndRecord(request) : await registry.verify(request);
          if (!result.valid) ctx.run.exitCode = EXIT.NOT_VALID;
          if (o.record) ctx.emit(result as VerificationRecord, formatVerificationRecord);
          else ctx.emit(result, formatVerification);
        },
      ),
    );

  pageOptions(
    program
      .command('verifications')
      .description('the verification log')
      .command('list <meterId>')
      .description("the recorded verifications of a meter, a page at a time (or --all)"),
  ).action(
    action(run, async (ctx, meterId: string, o: PageOptions) => {
      const registry = await ctx.registry();
      const query = { meterId, ...pageQuery(o) };
      if (o.all) return ctx.emitAll(registry.listAllVerifications(query), formatVerificationLine);
      ctx.emitPage(await registry.listVerifications(query), formatVerificationLine, `meterledger verifications list ${meterId}`);
    }),
  );
}

/** The `meterledger` command tree. */
function buildProgram(run: Run): Command {
  const out = run.deps.output;
  const program = new Command('meterledger')
    .description('The meterledger meter PKI registry on Hyperledger Fabric, for operators and scripts.')
    .version(packageVersion())
    .option('--org <org>', 'org in the network profile, key (PTB) or MSP id (PTBMSP) (env MLEDGER_ORG)')
    .option('--identity <name>', 'enrolled identity of the org: admin, registrar, verifier, ... (env MLEDGER_IDENTITY)')
    .option('--profile <file>', 'network.json (default, as connect() finds it: $MLEDGER_PROFILE, else $MLEDGER_STATE_DIR/network.json, else <repo>/.fabric/network.json)')
    .addOption(new Option('--transport <kind>', 'gateway or fabric-network (default: $MLEDGER_TRANSPORT, else gateway)').choices(TRANSPORT_KINDS))
    .option('--json', 'machine output: the result as canonical JSON on stdout; errors as JSON {code, message, transactionId} on stderr')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out.stdout(s),
      writeErr: (s) => out.stderr(s),
      // With --json the error is written once, as JSON, by runCli.
      outputError: (s, write) => {
        if (!run.json) write(s);
      },
    })
    .showHelpAfterError(false)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 unexpected, 2 usage, 3 invalid input, 4 unauthorized, 5 not found, 6 conflict/state,\n7 network/transport, 8 local configuration (profile, credentials), 9 verify: signature not valid.',
    );
  registryCommands(program, run);
  meterCommands(program, run);
  verifyCommands(program, run);
  readingsCommands(program, run);
  ticketsCommands(program, run);
  return program;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** --json anywhere before `--` (known before commander has parsed, so that usage errors are JSON too). */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * Run `meterledger` with `argv` (the arguments after the program name) and answer its exit code. Never
 * throws and never exits the process: the bin script (cli.ts) does that.
 */
export async function runCli(argv: readonly string[], deps: Partial<CliDeps> = {}): Promise<number> {
  const run: Run = {
    deps: {
      openSession: deps.openSession ?? openNetworkSession,
      output: deps.output ?? { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) },
      env: deps.env ?? process.env,
      readStdin: deps.readStdin ?? readProcessStdin,
    },
    json: wantsJson(argv),
    exitCode: EXIT.OK,
  };
  const out = run.deps.output;
  try {
    await buildProgram(run).parseAsync([...argv], { from: 'user' });
    return run.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exitCode 0; every parse error is a usage error.
      if (err.exitCode === 0) return EXIT.OK;
      if (run.json) out.stderr(jsonLine(toJsonError(new UsageError(err.message.replace(/^error: /, '')))));
      return EXIT.USAGE;
    }
    out.stderr(run.json ? jsonLine(toJsonError(err)) : humanError(err));
    return exitCodeFor(err);
  } finally {
    run.session?.close();
  }
}
