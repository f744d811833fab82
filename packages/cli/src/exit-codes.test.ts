import * as fs from 'node:fs';
import * as path from 'node:path';
import { MeterledgerError, ProfileError } from '@meterledger/client';
import { CHAINCODE_ERROR_CODES, CLIENT_ERROR_CODES, ERROR_CODES } from '@meterledger/contract-api';
import { ERROR_CLASS, EXIT, EXIT_CODE_OF_CLASS, UsageError, errorClassOf, exitCodeFor, type ErrorClass } from './exit-codes';

const error = (code: string) => new MeterledgerError({ code, message: `${code}: x` });

describe('exit codes per error class', () => {
  it('classifies every code of ERROR_CODES, and nothing else', () => {
    expect(Object.keys(ERROR_CLASS).sort()).toEqual([...ERROR_CODES].sort());
    expect(ERROR_CODES.length).toBe(CHAINCODE_ERROR_CODES.length + CLIENT_ERROR_CODES.length);
  });

  it.each([...ERROR_CODES])('%s has a class with an exit code other than 0, 2 and 9', (code) => {
    const exit = exitCodeFor(error(code));
    expect(exit).toBe(EXIT_CODE_OF_CLASS[ERROR_CLASS[code]]);
    expect([EXIT.OK, EXIT.USAGE, EXIT.NOT_VALID]).not.toContain(exit);
  });

  it('gives each class its own exit code, and uses every class', () => {
    const codes = Object.values(EXIT_CODE_OF_CLASS);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(Object.values(ERROR_CLASS))).toEqual(new Set(Object.keys(EXIT_CODE_OF_CLASS) as ErrorClass[]));
  });

  it('maps the examples of each class', () => {
    const cases: [string, number][] = [
      ['INVALID_ARGUMENT', 3],
      ['MALFORMED_KEY', 3],
      ['BAD_PROOF_OF_POSSESSION', 3],
      ['UNAUTHORIZED', 4],
      ['UNKNOWN_METER', 5],
      ['UNKNOWN_PROPOSAL', 5],
      ['DUPLICATE_METER', 6],
      ['ALREADY_APPROVED', 6],
      ['METER_REVOKED', 6],
      ['NOT_CONFIGURED', 6],
      ['UNAVAILABLE', 7],
      ['COMMIT_STATUS_UNAVAILABLE', 7],
      ['TRANSACTION_INVALID', 7],
      ['PROFILE_NOT_FOUND', 8],
      ['CREDENTIALS_INVALID', 8],
      ['UNKNOWN', 1],
      ['MALFORMED_RESPONSE', 1],
    ];
    for (const [code, exit] of cases) expect([code, exitCodeFor(error(code))]).toEqual([code, exit]);
  });

  it('a code from a newer chaincode, a usage error and a plain error', () => {
    expect(errorClassOf('SOMETHING_NEW')).toBe('unexpected');
    expect(exitCodeFor(error('SOMETHING_NEW'))).toBe(EXIT.UNEXPECTED);
    expect(exitCodeFor(new UsageError('bad'))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new Error('boom'))).toBe(EXIT.UNEXPECTED);
    expect(exitCodeFor('thrown string')).toBe(EXIT.UNEXPECTED);
    expect(exitCodeFor(new ProfileError('UNKNOWN_PROFILE_ENTRY', 'no such org'))).toBe(EXIT.LOCAL_CONFIGURATION);
  });

  it('the README table lists every code under its exit code', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const rows = new Map<number, string>();
    for (const m of readme.matchAll(/^\| (\d) \| [^|]+ \| ([^|]*) \|$/gm)) rows.set(Number(m[1]), m[2]);
    for (const code of ERROR_CODES) {
      const exit = EXIT_CODE_OF_CLASS[ERROR_CLASS[code]];
      expect([code, rows.get(exit) ?? '']).toEqual([code, expect.stringContaining(`\`${code}\``)]);
    }
  });
});
