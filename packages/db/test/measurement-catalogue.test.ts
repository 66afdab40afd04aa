import { readdirSync, readFileSync } from 'node:fs';
import { NET_RADIATION } from '@weather/core/example-measurements';
import { type Catalogue, MEASUREMENTS } from '@weather/core/measurements';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  partialsFromRows,
  ROLLUP_VIEWS,
  readingsTable,
  rebuildRollupsSql,
  rollupColumnNames,
  rollupPolicySql,
  rollupViewSql,
  rowsOf,
  soundRowsSql,
  statsFromPartialsOf,
  suspectSql,
} from '../src';
import * as schema from '../src/schema';
import { createTimescaleTestDb } from '../src/testing';

const extended = {
  ...MEASUREMENTS,
  net_radiation: NET_RADIATION,
} as const satisfies Catalogue;

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The statements of the committed TimescaleDB migration, without comments. */
/** The rollup statements of the newest TimescaleDB migration that (re)creates the views. */
function committedStatements(): string[] {
  const folder = new URL('../drizzle-timescale/', import.meta.url);
  const newest = readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .filter((file) =>
      readFileSync(new URL(file, folder), 'utf8').includes('CREATE MATERIALIZED VIEW'),
    )
    .at(-1);
  const text = readFileSync(new URL(newest ?? '0000_hypertable.sql', folder), 'utf8');
  return text
    .split('--> statement-breakpoint')
    .map((statement) =>
      statement
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('--'))
        .join('\n'),
    )
    .map(squash);
}

/** The statements drizzle-kit generates to go from `weather_readings` of one catalogue to another's. */
async function migration(from: Catalogue, to: Catalogue) {
  const before = generateDrizzleJson(
    { weatherReadings: readingsTable(from) },
    undefined,
    undefined,
    'snake_case',
  );
  const after = generateDrizzleJson(
    { weatherReadings: readingsTable(to) },
    before.id,
    undefined,
    'snake_case',
  );
  return generateMigration(before, after);
}

const viewColumns = async (db: Database, view: string) =>
  rowsOf<{ column_name: string }>(
    await db.execute(sql`
      select column_name from information_schema.columns
      where table_name = ${view} order by ordinal_position`),
  ).map((row) => row.column_name);

describe('rollup SQL generated from the catalogue', () => {
  it('is, for the default catalogue, exactly the views the committed migration creates', () => {
    const committed = committedStatements();
    const views = committed.filter((statement) => statement.startsWith('CREATE MATERIALIZED VIEW'));
    const policies = committed.filter((statement) =>
      statement.includes('add_continuous_aggregate_policy'),
    );
    expect(views).toEqual(ROLLUP_VIEWS.map((view) => squash(rollupViewSql(MEASUREMENTS, view))));
    expect(policies).toEqual(ROLLUP_VIEWS.map((view) => squash(rollupPolicySql(view))));
  });

  it('rebuilds both views and their policies in a migration for an added measurement', () => {
    const statements = rebuildRollupsSql(extended).split('--> statement-breakpoint').map(squash);
    expect(statements).toEqual([
      'DROP MATERIALIZED VIEW IF EXISTS weather_readings_hourly, weather_readings_daily;',
      ...ROLLUP_VIEWS.map((view) => squash(rollupViewSql(extended, view))),
      ...ROLLUP_VIEWS.map((view) => squash(rollupPolicySql(view))),
    ]);
    expect(
      statements.filter((s) => s.includes('net_radiation end)) AS net_radiation_max')),
    ).toHaveLength(2);
  });

  it('includes count, sum, min and max of an added measurement, in views and raw-row queries', () => {
    const view = rollupViewSql(extended, ROLLUP_VIEWS[0]);
    const sound = `case when ${suspectSql('net_radiation')} then null else net_radiation end`;
    expect(view).toContain(
      `count((${sound})) AS net_radiation_count, sum((${sound})) AS net_radiation_sum, min((${sound})) AS net_radiation_min, max((${sound})) AS net_radiation_max, count((case when ${suspectSql('net_radiation')} then net_radiation end)) AS net_radiation_flagged`,
    );
    expect(rollupColumnNames(extended)).toEqual([
      ...rollupColumnNames(MEASUREMENTS).filter((c) => !/^wind_direction_(sin|cos)_sum$/.test(c)),
      'net_radiation_count',
      'net_radiation_sum',
      'net_radiation_min',
      'net_radiation_max',
      'net_radiation_flagged',
      'wind_direction_sin_sum',
      'wind_direction_cos_sum',
    ]);
    const raw = new PgDialect().sqlToQuery(partialsFromRows(extended)).sql;
    expect(raw).toContain('max(net_radiation) as net_radiation_max');
    expect(raw).toContain('count(net_radiation__flagged) as net_radiation_flagged');
    const rows = new PgDialect().sqlToQuery(soundRowsSql(extended)).sql;
    expect(rows).toContain(
      `case when not doubtful then net_radiation when ${suspectSql('net_radiation')} then null else net_radiation end as net_radiation`,
    );
  });
});

describe('weather_readings from the catalogue', () => {
  it('gets one double precision column per added measurement in a generated migration', async () => {
    expect(await migration(MEASUREMENTS, extended)).toEqual([
      'ALTER TABLE "weather_readings" ADD COLUMN "net_radiation" double precision;',
    ]);
    expect(await migration(MEASUREMENTS, MEASUREMENTS)).toEqual([]);
  });

  it('is, for the default catalogue, the table the committed migrations create', async () => {
    // The snapshot of the newest committed migration.
    const meta = (file: string) =>
      JSON.parse(readFileSync(new URL(`../drizzle/meta/${file}`, import.meta.url), 'utf8'));
    const newest = (meta('_journal.json') as { entries: { idx: number }[] }).entries.at(-1);
    const committed = meta(`${String(newest?.idx ?? 0).padStart(4, '0')}_snapshot.json`);
    const current = generateDrizzleJson(schema, committed.id, undefined, 'snake_case');
    expect(await generateMigration(committed, current)).toEqual([]);
  });
});

describe('rollup views on TimescaleDB', () => {
  let timescale: { db: Database; close: () => Promise<void> };
  beforeAll(async () => {
    timescale = await createTimescaleTestDb();
  }, 60_000);
  afterAll(() => timescale.close());

  it('have the columns the catalogue gives', async () => {
    for (const view of ROLLUP_VIEWS) {
      expect(await viewColumns(timescale.db, view.name)).toEqual(rollupColumnNames(MEASUREMENTS));
    }
  });

  it('take an added measurement through the generated column and view SQL', async () => {
    for (const statement of await migration(MEASUREMENTS, extended)) {
      await timescale.db.execute(sql.raw(statement));
    }
    for (const statement of rebuildRollupsSql(extended).split('--> statement-breakpoint')) {
      await timescale.db.execute(sql.raw(statement));
    }
    for (const view of ROLLUP_VIEWS) {
      expect(await viewColumns(timescale.db, view.name)).toEqual(rollupColumnNames(extended));
    }

    const table = readingsTable(extended);
    await timescale.db.execute(sql`
      insert into weather_readings (station_id, ts, temperature, net_radiation, received_at) values
        ('X', '2026-05-10T06:00:00Z', 10, 200, now()), ('X', '2026-05-10T06:10:00Z', null, 400, now())`);
    const [row] = rowsOf<object>(
      await timescale.db.execute(
        sql`select ${partialsFromRows(extended)} from (
          select ${soundRowsSql(extended)} from ${table} where ${table.stationId} = 'X'
        ) r`,
      ),
    );
    const stats = statsFromPartialsOf(extended, row ?? {});
    expect(stats.net_radiation).toEqual({ count: 2, min: 200, max: 400, avg: 300, flagged: 0 });
    expect(stats.temperature).toEqual({ count: 1, min: 10, max: 10, avg: 10, flagged: 0 });
    expect(stats.precipitation).toEqual({
      count: 0,
      min: null,
      max: null,
      avg: null,
      sum: null,
      flagged: 0,
    });
  });
});
