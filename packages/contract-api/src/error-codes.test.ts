import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHAINCODE_ERROR_CODES, CLIENT_ERROR_CODES, ERROR_CODES, isErrorCode } from './error-codes';

const PACKAGES = path.resolve(__dirname, '..', '..');

/** Every non-test source file of every package except crypto (whose CryptoError codes are mapped, not thrown on the wire). */
function sources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'testing' && entry.name !== 'node_modules') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        out.push({ file: path.relative(PACKAGES, full), text: fs.readFileSync(full, 'utf8') });
      }
    }
  };
  for (const pkg of fs.readdirSync(PACKAGES)) {
    if (pkg !== 'crypto' && fs.existsSync(path.join(PACKAGES, pkg, 'src'))) walk(path.join(PACKAGES, pkg, 'src'));
  }
  return out;
}

const LITERAL = /['"`]([A-Z][A-Z0-9_]{2,})['"`]/g;

/** Codes a source raises: constructor arguments of the error classes, `code:` properties, and `CODE: ` message prefixes. */
function thrownCodes(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const m of text.matchAll(/new (?:ChaincodeError|ProfileError|MeterledgerError|MeterSignatureError)\(\s*['"`]([A-Z][A-Z0-9_]+)['"`]/g)) found.push(m[1]);
  // readings: a rejected reading of a batch (ReadingOutcome.code)
  for (const m of text.matchAll(/\breject\(\s*['"`]([A-Z][A-Z0-9_]+)['"`]/g)) found.push(m[1]);
  for (const m of text.matchAll(/\bcode:\s*([^,}\n]+)/g)) for (const l of m[1].matchAll(LITERAL)) found.push(l[1]);
  for (const m of text.matchAll(/['"`]([A-Z][A-Z0-9_]{2,}): /g)) found.push(m[1]);
  return found;
}

describe('ERROR_CODES', () => {
  it('lists every code exactly once, chaincode and client codes apart', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toEqual([...CHAINCODE_ERROR_CODES, ...CLIENT_ERROR_CODES]);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9_]{2,}$/);
    expect(isErrorCode('UNKNOWN_METER')).toBe(true);
    expect(isErrorCode('NOPE')).toBe(false);
  });

  it('contains every code any package raises (source scan)', () => {
    const files = sources();
    expect(files.length).toBeGreaterThan(10);
    const unlisted = files.flatMap(({ file, text }) => thrownCodes(text).filter((code) => !isErrorCode(code)).map((code) => `${file}: ${code}`));
    expect(unlisted).toEqual([]);
  });

  it('has no chaincode code the chaincode never raises', () => {
    const chaincode = sources()
      .filter(({ file }) => file.startsWith(`chaincode${path.sep}`))
      .flatMap(({ text }) => thrownCodes(text));
    // These reach the chaincode's messages through errorCodeForCryptoError (crypto-errors.ts) and
    // validateRequest (validate-request.ts) rather than a literal in the chaincode.
    const mapped = ['MALFORMED_KEY', 'UNKNOWN_SCHEME', 'KEY_SCHEME_MISMATCH', 'MALFORMED_SIGNATURE', 'UNKNOWN_SIGNATURE_ENCODING'];
    const raised = new Set([...chaincode, ...mapped]);
    expect(CHAINCODE_ERROR_CODES.filter((code) => !raised.has(code))).toEqual([]);
  });

  it('the scan finds the patterns it is meant to find', () => {
    expect(thrownCodes(`throw new ChaincodeError('UNKNOWN_METER', 'x')`)).toEqual(['UNKNOWN_METER']);
    expect(thrownCodes(`new MeterledgerError({ code: ok ? 'UNAVAILABLE' : 'UNKNOWN', message })`)).toEqual(['UNAVAILABLE', 'UNKNOWN']);
    expect(thrownCodes('message: `NOT_A_CODE_YET: later`')).toEqual(['NOT_A_CODE_YET']);
    expect(thrownCodes(`reject('CHAIN_GAP', message)`)).toEqual(['CHAIN_GAP']);
    expect(thrownCodes('/** e.g. `IN_A_COMMENT: x` */ // `NOR_HERE: y`\nconst u = "https://x";')).toEqual([]);
  });
});
