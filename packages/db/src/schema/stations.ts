import { doublePrecision, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const tstz = () => timestamp({ withTimezone: true, mode: 'date', precision: 3 });

/**
 * Every station that ever sent a reading, kept current on ingest: `last_reading_at` points at
 * its newest reading, so listing stations never scans `weather_readings`.
 */
export const stations = pgTable('stations', {
  id: text().primaryKey(),
  name: text(),
  latitude: doublePrecision(),
  longitude: doublePrecision(),
  elevation: doublePrecision(),
  firstSeen: tstz().notNull(),
  lastSeen: tstz().notNull(),
  lastReadingAt: tstz().notNull(),
});

export type StationRow = typeof stations.$inferSelect;
