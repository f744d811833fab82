export { valueKey } from './value-key';
export { READING_KEY_TYPES, seriesLabel, type SeriesRef } from './keys';
export { SUBMITTER_ROLES, submitReadings, type GroupEntry, type ReadingHead } from './submit';
export { SEALER_ROLES, SEAL_BUDGET, sealWindows, type SealRange } from './seal';
export { READER_ROLES, aggregateRange, countReadings, findReadingsByValue, getReadingsAt, getSeal, listAggregates, listReadings } from './queries';
