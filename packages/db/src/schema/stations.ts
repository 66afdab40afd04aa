import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const tstz = () => timestamp({ withTimezone: true, mode: 'date', precision: 3 });

/**
 * Per-credential rate limits, where a station or gateway overrides the collector's defaults
 * (null: the default).
 */
const rateLimits = {
  requestsPerSecond: real(),
  readingsPerSecond: real(),
};

/**
 * Gateways forward readings of many stations with one credential (a hub, a forwarder, the
 * simulator). With `auto_register`, an unknown station id it sends is registered under it.
 */
export const gateways = pgTable('gateways', {
  id: text().primaryKey(),
  name: text(),
  autoRegister: boolean().notNull().default(false),
  ...rateLimits,
  createdAt: tstz().notNull().defaultNow(),
});

/**
 * The station registry (SPEC §12), kept current on ingest: `last_reading_at` points at each
 * station's newest reading, so listing stations never scans `weather_readings`. The seen times
 * are null until a station first reports (a registered station can wait for its first reading).
 */
export const stations = pgTable(
  'stations',
  {
    id: text().primaryKey(),
    name: text(),
    description: text(),
    latitude: doublePrecision(),
    longitude: doublePrecision(),
    elevation: doublePrecision(),
    /** IANA zone, for station-local days. */
    timezone: text().notNull().default('UTC'),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    /** Seconds between readings, when known; else learned from the readings. */
    expectedIntervalS: integer(),
    /** A disabled station's readings are refused (403) until it is enabled again. */
    enabled: boolean().notNull().default(true),
    gatewayId: text().references((): AnyPgColumn => gateways.id),
    ...rateLimits,
    registeredAt: tstz().notNull().defaultNow(),
    firstSeen: tstz(),
    lastSeen: tstz(),
    lastReadingAt: tstz(),
  },
  (t) => [
    check('stations_latitude_range', sql`${t.latitude} between -90 and 90`),
    check('stations_longitude_range', sql`${t.longitude} between -180 and 180`),
    index('stations_gateway_id_idx').on(t.gatewayId),
  ],
);

export type StationRow = typeof stations.$inferSelect;

/**
 * Ingest credentials: only a hash of each token is kept, with a short visible prefix to name
 * it by. A station token writes its station; a gateway token its gateway's stations.
 */
export const ingestCredentials = pgTable(
  'ingest_credentials',
  {
    id: serial().primaryKey(),
    kind: text({ enum: ['station', 'gateway'] }).notNull(),
    stationId: text().references(() => stations.id),
    gatewayId: text().references(() => gateways.id),
    /** The token's first characters, shown in listings and used to revoke it. */
    prefix: text().notNull().unique(),
    /** SHA-256 of the whole token, hex. */
    hash: text().notNull().unique(),
    createdAt: tstz().notNull().defaultNow(),
    lastUsedAt: tstz(),
    revokedAt: tstz(),
  },
  (t) => [
    check(
      'ingest_credentials_owner',
      sql`(${t.kind} = 'station' and ${t.stationId} is not null and ${t.gatewayId} is null)
        or (${t.kind} = 'gateway' and ${t.gatewayId} is not null and ${t.stationId} is null)`,
    ),
  ],
);

export type IngestCredentialRow = typeof ingestCredentials.$inferSelect;

/**
 * Readings stored per station and station-local day (its registered timezone), kept by the
 * ingest statement from the rows it inserts (duplicates are not counted): completeness per day
 * without counting rows (SPEC §17). A day is counted in the zone the station had when its
 * readings arrived. The QC worker (SPEC §14) keeps its place here too: a day whose `readings`
 * moved past `qcChecked` has readings it has not checked.
 */
export const stationDays = pgTable(
  'station_days',
  {
    stationId: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    readings: integer().notNull(),
    /** `readings` when the QC worker last checked the day. */
    qcChecked: integer().notNull().default(0),
    /** The newest reading of the day it checked then; later ones are new. */
    qcThrough: timestamp({ withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.stationId, t.day] })],
);
