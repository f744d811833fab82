import { MeterledgerError } from '@meterledger/client';
import { isErrorCode, type ErrorCode } from '@meterledger/contract-api';

/**
 * Exit codes of the `meterledger` command. 0–2 are the usual ones; 3–8 are one per class of
 * MeterledgerError codes (ERROR_CLASS below); 9 is a verification that ran but found the signature not valid.
 */
export const EXIT = {
  OK: 0,
  /** A bug, a version mismatch between CLI and chaincode, or an error without a stable code. */
  UNEXPECTED: 1,
  /** Bad command line: unknown command or option, missing or malformed argument (commander, or our own checks). */
  USAGE: 2,
  INPUT: 3,
  UNAUTHORIZED: 4,
  NOT_FOUND: 5,
  CONFLICT: 6,
  NETWORK: 7,
  LOCAL_CONFIGURATION: 8,
  /**
   * `verify` / `verify --record` answered `valid: false` (the call itself succeeded); `readings check`
   * found a disagreement; `readings report` found readings that do not verify.
   */
  NOT_VALID: 9,
} as const;

export type ErrorClass = 'unexpected' | 'input' | 'authorization' | 'not-found' | 'conflict' | 'network' | 'local-configuration';

export const EXIT_CODE_OF_CLASS: Readonly<Record<ErrorClass, number>> = {
  unexpected: EXIT.UNEXPECTED,
  input: EXIT.INPUT,
  authorization: EXIT.UNAUTHORIZED,
  'not-found': EXIT.NOT_FOUND,
  conflict: EXIT.CONFLICT,
  network: EXIT.NETWORK,
  'local-configuration': EXIT.LOCAL_CONFIGURATION,
};

/**
 * The class of every stable error code of @meterledger/contract-api's ERROR_CODES. Typed as a Record over
 * ErrorCode, so a code added to contract-api does not compile until it is classified here.
 */
export const ERROR_CLASS: Readonly<Record<ErrorCode, ErrorClass>> = {
  // 3: the request is wrong; the same command will fail again until its input changes.
  INVALID_ARGUMENT: 'input',
  MALFORMED_KEY: 'input',
  UNKNOWN_SCHEME: 'input',
  KEY_SCHEME_MISMATCH: 'input',
  MALFORMED_SIGNATURE: 'input',
  UNKNOWN_SIGNATURE_ENCODING: 'input',
  BAD_PROOF_OF_POSSESSION: 'input',
  PROVER_FAILED: 'input',
  // readings: a reading the chaincode refused as it is (`readings submit` exits with the class of the first rejection).
  MALFORMED_READING: 'input',
  METER_ID_MISMATCH: 'input',
  SIGNATURE_MISMATCH: 'input',
  CLOCK_SKEW: 'input',
  // weighing: a ticket or request refused as it is.
  MALFORMED_TICKET: 'input',
  NET_EXCEEDS_GROSS: 'input',
  TICKET_TIME_MISMATCH: 'input',
  MISSING_TRANSIENT: 'input',
  ROUTE_TICKET_MISMATCH: 'input',
  // 4: the caller's org or role may not do this.
  UNAUTHORIZED: 'authorization',
  STATION_MISMATCH: 'authorization',
  NOT_COLLECTION_MEMBER: 'authorization',
  INVALID_CREDENTIALS: 'authorization',
  INVALID_TOKEN: 'authorization',
  TOKEN_EXPIRED: 'authorization',
  // 5: what the request names does not exist.
  UNKNOWN_METER: 'not-found',
  UNKNOWN_KEY_VERSION: 'not-found',
  UNKNOWN_PROPOSAL: 'not-found',
  UNKNOWN_TICKET: 'not-found',
  UNKNOWN_ROUTE: 'not-found',
  // 6: the registry's state does not allow it (now, or any more).
  DUPLICATE_METER: 'conflict',
  DUPLICATE_KEY: 'conflict',
  METER_REVOKED: 'conflict',
  NONCE_REUSED: 'conflict',
  ALREADY_APPROVED: 'conflict',
  NOTHING_TO_APPROVE: 'conflict',
  ROTATION_PENDING: 'conflict',
  NOT_CONFIGURED: 'conflict',
  ALREADY_CONFIGURED: 'conflict',
  PROPOSAL_SUPERSEDED: 'conflict',
  // weighing: refused because of what the ledger already holds.
  TICKET_ID_TAKEN: 'conflict',
  RESTART_VALUE_DECREASED: 'conflict',
  DUPLICATE_ROUTE: 'conflict',
  // readings: refused because of what the ledger already holds for the meter.
  NO_KEY_VALID_AT_TIME: 'conflict',
  READING_CONFLICT: 'conflict',
  SEQUENCE_REPLAYED: 'conflict',
  OUT_OF_ORDER: 'conflict',
  CHAIN_GAP: 'conflict',
  TOTAL_DECREASED: 'conflict',
  WINDOW_SEALED: 'conflict',
  // 7: the network did not carry the transaction out (or its outcome is unknown: COMMIT_STATUS_UNAVAILABLE).
  UNAVAILABLE: 'network',
  COMMIT_STATUS_UNAVAILABLE: 'network',
  ENDORSEMENT_FAILED: 'network',
  SUBMIT_FAILED: 'network',
  TRANSACTION_INVALID: 'network',
  // 8: this machine's configuration: network profile, identity files, local options.
  PROFILE_NOT_FOUND: 'local-configuration',
  PROFILE_INVALID: 'local-configuration',
  UNKNOWN_PROFILE_ENTRY: 'local-configuration',
  CREDENTIALS_NOT_FOUND: 'local-configuration',
  CREDENTIALS_INVALID: 'local-configuration',
  INVALID_OPTION: 'local-configuration',
  // 1: CLI and chaincode disagree about the contract, or nobody knows what happened.
  UNKNOWN_FUNCTION: 'unexpected',
  BAD_ARGUMENT_COUNT: 'unexpected',
  EVALUATE_ONLY: 'unexpected',
  MALFORMED_RESPONSE: 'unexpected',
  UNKNOWN: 'unexpected',
};

/** The class of a code; codes outside ERROR_CODES (e.g. from a newer chaincode) are 'unexpected'. */
export function errorClassOf(code: string): ErrorClass {
  return isErrorCode(code) ? ERROR_CLASS[code] : 'unexpected';
}

/**
 * A command-line problem found after commander's parsing: exit code 2. With --json it is reported with the
 * code INVALID_ARGUMENT (the one vocabulary of contract-api has no code of its own for the command line);
 * the exit code, 2 rather than 3, tells it from a request the SDK or the chaincode refused.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The exit code for anything a command threw. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.USAGE;
  if (err instanceof MeterledgerError) return EXIT_CODE_OF_CLASS[errorClassOf(err.code)];
  return EXIT.UNEXPECTED;
}
