export {
  AuditorClient,
  type AuditorClientOptions,
  type AuditorTargets,
  type CheckedSeries,
  type ContractLike,
  type SeriesRef,
} from './auditor-client';
export { commitmentOf, compareWindow, rawEntryOf, type AggregateCheck, type RawEntry } from './aggregate-check';
export {
  followReadingsEvents,
  type ChaincodeEventSource,
  type FollowReadingsOptions,
  type FollowSummary,
  type FollowedReadings,
} from './follow';
export {
  DEFAULT_MAX_SUBMISSION_DELAY_MS,
  analyseReadings,
  type AuditReport,
  type ClockProblem,
  type Gap,
  type KeyChange,
  type ReadingRef,
  type ReportOptions,
  type Reset,
} from './report';
export { factsDifferences, verifyReadingOffline, verifyRequestOf, type OfflineFailure, type OfflineVerification } from './verification';
