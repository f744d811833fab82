/**
 * The documented limits of the `readings` contract. They are part of the wire contract: the chaincode
 * enforces them, the metering gateway sizes its batches with them, the docs quote them.
 */
export const READINGS_LIMITS = Object.freeze({
  /** Items (signed messages) in one submitReadings call; an OCMF message may hold several readings. */
  maxBatchItems: 500,
  /** Readings in one submitReadings call after OCMF messages are expanded. */
  maxBatchReadings: 1000,
  /** Bytes of one signed message as received from the device. */
  maxPayloadBytes: 16_384,
  /** A reading may be at most this far ahead of the transaction time (device clocks drift). */
  maxFutureSkewMs: 5 * 60_000,
  /** ... and at most this far behind it (a gateway that was offline may submit a backlog this old). */
  maxAgeMs: 31 * 24 * 3_600_000,
  /** sealWindows seals only windows that ended at least this long before the transaction time. */
  sealGraceMs: 60_000,
  /** Times in one getReadingsAt (Q1) call. */
  maxQueryTimes: 1000,
});
