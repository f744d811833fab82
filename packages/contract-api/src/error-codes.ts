/**
 * Stable error codes of the meterledger chaincode. Only the error message crosses from the peer to the
 * client, so every message starts with its code (`UNKNOWN_METER: meter m-1 is not registered`) and
 * clients map it back with a regex. Codes are part of the public API: never rename one.
 */
export const ERROR_CODES = [
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
  'ALREADY_APPROVED',
  'NOTHING_TO_APPROVE',
  'ROTATION_PENDING',
  'UNAUTHORIZED',
  'NOT_CONFIGURED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
