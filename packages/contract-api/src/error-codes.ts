/**
 * Every stable error code of meterledger, defined once. Only the error message crosses from the peer to
 * the client, so every chaincode message starts with its code (`UNKNOWN_METER: meter m-1 is not
 * registered`) and the SDKs map it back; the SDKs raise the client codes themselves. Codes are part of
 * the public API: never rename one. A unit test (`error-codes.test.ts`) scans the sources of every
 * package and fails on a thrown code that is not listed here.
 */

/** Codes the chaincode puts at the start of its error messages (some are also raised locally by the SDKs). */
export const CHAINCODE_ERROR_CODES = [
  /** A request failed its schema: not JSON, a missing or extra field, a bad value, a control character in text. */
  'INVALID_ARGUMENT',
  'MALFORMED_KEY',
  'UNKNOWN_SCHEME',
  'KEY_SCHEME_MISMATCH',
  'MALFORMED_SIGNATURE',
  'UNKNOWN_SIGNATURE_ENCODING',
  'DUPLICATE_METER',
  'DUPLICATE_KEY',
  'UNKNOWN_METER',
  'UNKNOWN_KEY_VERSION',
  'METER_REVOKED',
  'BAD_PROOF_OF_POSSESSION',
  'NONCE_REUSED',
  /** The caller's org already approved this key version or this configuration proposal. */
  'ALREADY_APPROVED',
  'NOTHING_TO_APPROVE',
  'ROTATION_PENDING',
  'UNAUTHORIZED',
  /** No configuration yet: the deploy step must call initConfig. */
  'NOT_CONFIGURED',
  /** initConfig on a registry that already has a configuration (change it with proposeConfig). */
  'ALREADY_CONFIGURED',
  /** approveConfig names a proposal that does not exist (or was replaced by a newer proposal of its org). */
  'UNKNOWN_PROPOSAL',
  /** approveConfig names a proposal made against an older configuration version. */
  'PROPOSAL_SUPERSEDED',
  /** The transaction names no function, an unknown function or an unknown contract. */
  'UNKNOWN_FUNCTION',
  /** The transaction has the wrong number of arguments for its function. */
  'BAD_ARGUMENT_COUNT',
  // ---- readings: the reasons a reading of a batch is rejected (ReadingOutcome.code); the batch goes on ----
  /** The signed message does not parse in its declared format (the message names the field). */
  'MALFORMED_READING',
  /** The request's meterId differs from the meter the signed content names, or is missing where the content names none. */
  'METER_ID_MISMATCH',
  /** The registry has no key of the meter valid at the reading's time (pending, or before activation). */
  'NO_KEY_VALID_AT_TIME',
  /** The signature does not verify against the meter's key valid at the reading's time. */
  'SIGNATURE_MISMATCH',
  /** The device time is further from the transaction time than READINGS_LIMITS allows (e.g. an unsynchronised clock in 1978). */
  'CLOCK_SKEW',
  /** The meter already has a different reading at this instant. */
  'READING_CONFLICT',
  /** The sequence number is not above the last accepted one of the meter. */
  'SEQUENCE_REPLAYED',
  /** The reading is not after the last accepted reading of a meter whose readings are ordered. */
  'OUT_OF_ORDER',
  /** A chained packet does not name the hash of the meter's last accepted packet. */
  'CHAIN_GAP',
  /** A cumulative register went down under the same key. */
  'TOTAL_DECREASED',
  /** The reading falls in a window that is already sealed. */
  'WINDOW_SEALED',
  // ---- weighing: why a ticket of a batch is rejected (TicketOutcome.code), and the weighing queries ----
  /** The signed ticket does not parse as weighing-ticket-v1, or its record (salt, signature) is malformed. */
  'MALFORMED_TICKET',
  /** A different ticket with this ticketID is already on the ledger (the same ticket again is a duplicate). */
  'TICKET_ID_TAKEN',
  /** scaleNet is greater than scaleGross. */
  'NET_EXCEEDS_GROSS',
  /** The time in the ticketID is further from the ticket's timestamp than WEIGHING_LIMITS allows. */
  'TICKET_TIME_MISMATCH',
  /** terminalRestartValue is below the last accepted one of the terminal (replay or tampering). */
  'RESTART_VALUE_DECREASED',
  /** A station submitted or asked for a ticket of another station. */
  'STATION_MISMATCH',
  /** The caller's org is not a member of the private collection that holds the data (another customer, an authority). */
  'NOT_COLLECTION_MEMBER',
  /** A function whose request travels in the transient map (key 'request', so private data stays off the block) was called without it. */
  'MISSING_TRANSIENT',
  'UNKNOWN_TICKET',
  'UNKNOWN_ROUTE',
  /** declareRoute with a routeId that exists. */
  'DUPLICATE_ROUTE',
  /** attachRouteTicket with a ticket of another station or unit than the route's end, or an end already attached. */
  'ROUTE_TICKET_MISMATCH',
] as const;

/** Codes the SDKs assign locally, when a failure did not come with a chaincode code. */
export const CLIENT_ERROR_CODES = [
  /** Endorsement failed for a reason other than a coded chaincode error (policy, crashed chaincode, ...). */
  'ENDORSEMENT_FAILED',
  /** The endorsed transaction could not be handed to the ordering service. */
  'SUBMIT_FAILED',
  /**
   * The transaction may or may not have committed (commit status unavailable, or a submit cut off after the
   * envelope may have reached the orderer), and resolving it on the ledger did not settle it. Never retry
   * with a new transaction without checking the ledger for `transactionId` first.
   */
  'COMMIT_STATUS_UNAVAILABLE',
  /** The transaction committed to a block but was marked invalid; see `validationCode`. */
  'TRANSACTION_INVALID',
  /** The gateway peer could not be reached or a deadline expired (gRPC UNAVAILABLE / DEADLINE_EXCEEDED). */
  'UNAVAILABLE',
  /** The chaincode returned a payload that is not the JSON the client expected. */
  'MALFORMED_RESPONSE',
  /** A function the contract marks evaluate-only was submitted; it would commit nothing (or be invalidated). */
  'EVALUATE_ONLY',
  /** The prover (the meter's secure element) threw or returned no signature. */
  'PROVER_FAILED',
  /** The network profile file is missing or unreadable. */
  'PROFILE_NOT_FOUND',
  /** The network profile is not valid JSON or fails its schema. */
  'PROFILE_INVALID',
  /** The org, identity or peer asked for is not in the network profile. */
  'UNKNOWN_PROFILE_ENTRY',
  /** An identity's certificate or key file, or a TLS root certificate, cannot be read. */
  'CREDENTIALS_NOT_FOUND',
  /** An identity's certificate or key, or a TLS root certificate, is not usable PEM. */
  'CREDENTIALS_INVALID',
  /** SmartBox API: unknown station or wrong secret at login. */
  'INVALID_CREDENTIALS',
  /** SmartBox API: a missing, malformed, revoked or spent access or refresh token. */
  'INVALID_TOKEN',
  /** SmartBox API: the access or refresh token expired (refresh, or log in again). */
  'TOKEN_EXPIRED',
  /** A local option is out of range (e.g. a deadline that is not a positive number of ms). */
  'INVALID_OPTION',
  /** Anything else. */
  'UNKNOWN',
] as const;

export const ERROR_CODES = [...CHAINCODE_ERROR_CODES, ...CLIENT_ERROR_CODES] as const;

export type ChaincodeErrorCode = (typeof CHAINCODE_ERROR_CODES)[number];
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}
