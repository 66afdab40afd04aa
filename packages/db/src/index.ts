export { createDb, type Database, type DbOptions, rowsOf } from './client';
export {
  classifyDatabaseError,
  DATABASE_ERROR_MAX_LENGTH,
  type DatabaseErrorInfo,
  type DatabaseErrorKind,
  loggableError,
} from './errors';
export { leaderLock } from './leader';
export { type MigrationResult, migrate, migrateWithLock, migrationFolders } from './migrate';
export {
  type AggregateResult,
  getAggregate,
  type MeasurementStats,
  type PrecipitationStats,
} from './queries/aggregate';
export { InvalidCursorError } from './queries/cursor';
export {
  type Gap,
  readingGaps,
  readingsPerDay,
  type StationHealthFacts,
  stationHealthFacts,
} from './queries/health';
export { insertReadings, type StoredReading } from './queries/insert-readings';
export {
  type MeasurementStatsOf,
  type MeasurementStatsSet,
  type StatsFor,
  type SumStats,
  statsFromPartialsOf,
} from './queries/measurement-stats';
export { approximateReadingCount, pingDatabase } from './queries/pipeline';
export { listQcFlags, type QcFlagRow, type QcPass, runQcPass } from './queries/qc';
export { derivePrecipitation } from './queries/rain-counters';
export { lastRawUpload, type RawUploadRow } from './queries/raw-uploads';
export {
  type ListReadingsParams,
  listReadings,
  type ReadingRow,
} from './queries/readings';
export { refreshAggregates } from './queries/refresh-aggregates';
export {
  addCredential,
  type CredentialInfo,
  createGateway,
  describeStations,
  type Gateway,
  getGateway,
  getStation,
  type IngestViewData,
  listAllCredentials,
  listCredentials,
  listGateways,
  listRegisteredStations,
  loadIngestView,
  type RateLimitSettings,
  type RegisteredStation,
  RegistryError,
  registerStation,
  registerUnderGateway,
  revokeCredential,
  type StationDescription,
  type StationFields,
  touchCredentials,
  updateStation,
} from './queries/registry';
export { listSparklines, type Sparkline } from './queries/sparklines';
export {
  type ListStationsParams,
  latestReadings,
  listStations,
  type StationSummary,
  stationExists,
} from './queries/stations';
export { type PeriodSummary, stationSummaries } from './queries/summaries';
export {
  alignRange,
  type Bucket,
  type BucketOf,
  chooseInterval,
  getTimeseries,
  INTERVALS,
  type Interval,
  type TimeseriesResult,
  timeseriesQuery,
} from './queries/timeseries';
export {
  type PartialColumn,
  partialColumns,
  partialsFromRollups,
  partialsFromRows,
  ROLLUP_VIEWS,
  type RollupView,
  rebuildRollupsSql,
  rollupColumnNames,
  rollupColumnsSql,
  rollupPolicySql,
  rollupViewSql,
  soundRowsSql,
  suspectSql,
} from './rollups';
export * from './schema/alerts';
export {
  type ApiKeyRow,
  accounts,
  apiKeys,
  authRateLimits,
  ROLES,
  type Role,
  sessions,
  type UserRow,
  users,
  verifications,
} from './schema/auth';
export { measurementColumns, readingsTable } from './schema/readings';
export { timescaleSettingsFromEnv, timescaleSettingsVars } from './settings';
export {
  applyTimescaleSettings,
  defaultTimescaleSettings,
  isHypertable,
  type TimescaleSettings,
  timescaleAvailable,
} from './timescale';
