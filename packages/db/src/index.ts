export { createDb, type Database, type DbOptions, rowsOf } from './client';
export { type MigrationResult, migrate, migrateWithLock, migrationFolders } from './migrate';
export { insertReadings, type StoredReading } from './queries/insert-readings';
export { timescaleSettingsFromEnv, timescaleSettingsVars } from './settings';
export {
  applyTimescaleSettings,
  defaultTimescaleSettings,
  isHypertable,
  type TimescaleSettings,
  timescaleAvailable,
} from './timescale';
