import { doublePrecision, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const measurement = () => doublePrecision();
const tstz = () => timestamp({ withTimezone: true, mode: 'date', precision: 3 });

/** One row per reading; `(station_id, ts)` is its identity (SPEC §3) and the dedupe key. */
export const weatherReadings = pgTable(
  'weather_readings',
  {
    stationId: text().notNull(),
    ts: tstz().notNull(),
    temperature: measurement(),
    humidity: measurement(),
    windSpeed: measurement(),
    windDirection: measurement(),
    windGust: measurement(),
    pressure: measurement(),
    precipitation: measurement(),
    receivedAt: tstz().notNull(),
  },
  // The primary key is the only index: every query is per station and time range, and each
  // extra B-tree is paid on every ingested row.
  (table) => [primaryKey({ columns: [table.stationId, table.ts] })],
);

export type WeatherReadingRow = typeof weatherReadings.$inferSelect;
