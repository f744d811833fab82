/**
 * The documented limits and tolerances of the `weighing` contract. Part of the wire contract: the
 * chaincode enforces them, the station client sizes its batches with them, the docs quote them.
 */
export const WEIGHING_LIMITS = Object.freeze({
  /** Tickets in one submitTickets call. */
  maxBatchTickets: 100,
  /** Bytes of one signed ticket payload. */
  maxPayloadBytes: 16_384,
  /** A ticket's timestamp may be at most this far ahead of the transaction time (terminal clocks drift). */
  maxFutureSkewMs: 5 * 60_000,
  /**
   * The emission time in the ticketID may differ from the weighing timestamp by at most this much: 004's
   * SmartBox prints the timestamp to the second and issues the id when the ticket is emitted.
   */
  ticketIdSkewMs: 60_000,
  /**
   * The load cells' weights must sum to scaleGross within this fraction of scaleGross (0.5 %, the order of
   * the maximum permissible error of a class III truck scale in service, OIML R 76), or within
   * `cellSumMinTolerance` units for light loads. Outside it the ticket is accepted and flagged
   * CELL_SUM_OUT_OF_TOLERANCE: the weighing happened, and the legal record must keep it for inspection.
   */
  cellSumRelativeTolerance: '0.005',
  cellSumMinTolerance: '1',
  /** Index entries one query call reads at most; a page may then hold fewer hits and a bookmark to go on. */
  maxScanPerPage: 20_000,
  /** Tickets grouped by one groupTickets call that cannot use the daily totals (a filter on other attributes). */
  maxGroupScan: 100_000,
  /** Days one groupTickets call may span. */
  maxGroupDays: 366,
});
