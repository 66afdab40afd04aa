import { type Catalogue, isFlag, MEASUREMENTS, namesOf } from '@weather/core/measurements';
import type { QcFlags, RainCounterKind, RawFields } from '@weather/core/reading';
import {
  boolean,
  doublePrecision,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const measurement = () => doublePrecision();
const flag = () => boolean();
const tstz = () => timestamp({ withTimezone: true, mode: 'date', precision: 3 });

type MeasurementColumns<C extends Catalogue> = {
  [K in keyof C & string]: C[K] extends { type: 'boolean' }
    ? ReturnType<typeof flag>
    : ReturnType<typeof measurement>;
};

/**
 * One nullable column per measurement of `catalogue`, keyed (and named) as in the catalogue:
 * float8, or boolean for a flag.
 */
export function measurementColumns<C extends Catalogue>(catalogue: C): MeasurementColumns<C> {
  return Object.fromEntries(
    namesOf(catalogue).map((name) => [
      name,
      isFlag(catalogue[name] as Catalogue[string]) ? flag() : measurement(),
    ]),
  ) as MeasurementColumns<C>;
}

/** The PostgreSQL type of a measurement's column. */
export const columnType = (spec: Catalogue[string]) => (isFlag(spec) ? 'boolean' : 'float8');

/** `weather_readings` for a catalogue; the schema exports it for the default one (SPEC §14). */
export function readingsTable<C extends Catalogue>(catalogue: C) {
  return pgTable(
    'weather_readings',
    {
      // Named explicitly: SQL built from these columns must also render right through a dialect
      // without snake_case casing (the benchmarks render `timeseriesQuery` with a bare PgDialect).
      stationId: text('station_id').notNull(),
      ts: tstz().notNull(),
      ...measurementColumns(catalogue),
      receivedAt: tstz().notNull(),
      /** Per-measurement QC flags (SPEC §14), `{ "temperature": ["range"] }`; null when none. */
      qc: jsonb('qc').$type<QcFlags>(),
      /**
       * Whether `qc` holds a doubt (`hasDoubt`): kept beside it by every writer of doubts (ingest,
       * the QC worker), so figures test one boolean per row, not the JSON of every reading with a
       * derived value.
       */
      doubtful: boolean('doubtful').notNull().default(false),
      /** Which counter `rain_counter` is (daily … total); null without one. */
      rainCounterKind: text('rain_counter_kind').$type<RainCounterKind>(),
    },
    // The primary key is the only index: every query is per station and time range, and each
    // extra B-tree is paid on every ingested row.
    (table) => [primaryKey({ columns: [table.stationId, table.ts] })],
  );
}

/** One row per reading; `(station_id, ts)` is its identity (SPEC §3) and the dedupe key. */
export const weatherReadings = readingsTable(MEASUREMENTS);

export type WeatherReadingRow = typeof weatherReadings.$inferSelect;

/**
 * What a station's firmware sent, for readings that came over a station protocol (SPEC §13):
 * every field as sent but the secrets, and the fields that were not stored and why, so that
 * mapping fixes can be replayed and a station owner can see what their station says. A side
 * table, written only for protocol readings, so the JSON path's rows stay as narrow as before.
 */
export const rawUploads = pgTable(
  'raw_uploads',
  {
    stationId: text('station_id').notNull(),
    ts: tstz().notNull(),
    protocol: text().notNull(),
    fields: jsonb().$type<RawFields>().notNull(),
    /** Fields sent but not stored as a measurement, each with the reason. */
    dropped: jsonb().$type<Record<string, string>>(),
    receivedAt: tstz().notNull(),
  },
  (table) => [primaryKey({ columns: [table.stationId, table.ts] })],
);
