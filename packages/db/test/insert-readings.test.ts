import { readingSchema } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  getAggregate,
  insertReadings,
  isHypertable,
  registerStation,
  rowsOf,
  type StoredReading,
} from '../src';
import { numberArray, textArray } from '../src/queries/fragments';
import { createTestDatabase, createTimescaleTestDb } from '../src/testing';

const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';
const parse = readingSchema(() => Date.parse('2030-01-01T00:00:00Z'));

function reading(station: string, minute: number, temperature: number): StoredReading {
  return {
    ...parse.parse({
      station_id: station,
      timestamp: new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString(),
      temperature,
      humidity: 50,
    }),
    received_at: '2026-06-01T12:00:00.000Z',
  };
}

const backends = [
  {
    name: 'PostgreSQL',
    timescale: false,
    open: async () => {
      const t = await createTestDatabase(baseUrl, 'insert');
      return { db: t.db as Database, timescale: t.migration.timescale, close: t.drop };
    },
  },
  {
    name: 'TimescaleDB (in-process)',
    timescale: true,
    open: async () => {
      const t = await createTimescaleTestDb();
      return { db: t.db, timescale: t.migration.timescale, close: t.close };
    },
  },
];

describe.each(backends)('insertReadings on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  let timescale: boolean;

  beforeAll(async () => {
    ({ db, close, timescale } = await backend.open());
  }, 60_000);
  afterAll(() => close());

  it('detects the database kind rather than being told', async () => {
    expect(timescale).toBe(backend.timescale);
    expect(await isHypertable(db)).toBe(backend.timescale);
  });

  it('stores each reading once: first write wins, duplicates in and across batches are dropped', async () => {
    const first = [reading('A', 0, 10), reading('A', 1, 11), reading('B', 0, 20)];
    expect(await insertReadings(db, first)).toEqual({ inserted: 3, rainUpdated: [] });
    const again = [
      reading('A', 1, 60),
      reading('A', 2, 12),
      reading('A', 2, 12),
      reading('B', 0, 21),
    ];
    // Within one statement a repeated key is a conflict too, so only A@2 is new.
    expect(await insertReadings(db, again)).toEqual({ inserted: 1, rainUpdated: [] });
    const rows = rowsOf<{ station_id: string; n: number; t: number }>(
      await db.execute(
        sql`select station_id, count(*)::int as n, sum(temperature)::float8 as t from weather_readings group by 1 order by 1`,
      ),
    );
    expect(rows).toEqual([
      { station_id: 'A', n: 3, t: 33 },
      { station_id: 'B', n: 1, t: 20 },
    ]);
  });

  it('keeps the stations table pointing at each station newest reading', async () => {
    const rows = rowsOf<{ id: string; last_reading_at: Date | string }>(
      await db.execute(sql`select id, last_reading_at from stations order by id`),
    );
    expect(rows.map((r) => [r.id, new Date(r.last_reading_at).toISOString()])).toEqual([
      ['A', '2026-06-01T00:02:00.000Z'],
      ['B', '2026-06-01T00:00:00.000Z'],
    ]);
  });

  it('stores awkward station ids verbatim (quotes, semicolons are refused earlier; dots and colons pass)', async () => {
    expect(await insertReadings(db, [reading('site.7:north-1_b', 0, 1)])).toEqual({
      inserted: 1,
      rainUpdated: [],
    });
  });

  it('passes every value through its array literal unchanged', async () => {
    const texts = ['NULL', 'a"b', 'c\\d', '', '{x,y}', ' spaced '];
    const numbers = [1e-7, 0, 1.5, null, 1e21, -273.15, 0.1 + 0.2];
    const unnest = async (literal: string, type: string) =>
      rowsOf<{ v: unknown }>(
        await db.execute(sql`select unnest(${literal}::${sql.raw(type)}[]) as v`),
      ).map((r) => r.v);
    expect(await unnest(textArray(texts), 'text')).toEqual(texts);
    const stored = await unnest(numberArray(numbers), 'float8');
    expect(stored.map((v) => (v === null ? null : Number(v)))).toEqual(numbers);
    expect(await unnest(numberArray([true, null, false]), 'boolean')).toEqual([true, null, false]);
  });

  it('counts stored readings per station-local day, duplicates never', async () => {
    await registerStation(db, 'DAYS-TOKYO', { timezone: 'Asia/Tokyo' });
    // 2026-06-01 14:00–15:59 UTC is 23:00–00:59 in Tokyo: minutes 840–959 span two local days.
    const batch = [840, 899, 900, 959].map((minute) => reading('DAYS-TOKYO', minute, 10));
    await insertReadings(db, batch);
    await insertReadings(db, [...batch, reading('DAYS-TOKYO', 960, 10)]);
    const days = rowsOf<{ day: string; readings: number }>(
      await db.execute(sql`
        select to_char(day, 'YYYY-MM-DD') as day, readings from station_days
        where station_id = 'DAYS-TOKYO' order by day`),
    );
    expect(days).toEqual([
      { day: '2026-06-01', readings: 2 },
      { day: '2026-06-02', readings: 3 },
    ]);
  });

  it('stores a flag as a boolean, and aggregates it as the share of readings with it set', async () => {
    const flags = [true, false, null, true, false];
    await insertReadings(
      db,
      flags.map((battery_low, i) => ({ ...reading('BATT', i, 10), battery_low })),
    );
    const stored = rowsOf<{ battery_low: boolean | null }>(
      await db.execute(
        sql`select battery_low from weather_readings where station_id = 'BATT' order by ts`,
      ),
    );
    expect(stored.map((r) => r.battery_low)).toEqual(flags);
    const { measurements } = await getAggregate(db, { stationId: 'BATT' });
    expect(measurements.battery_low).toEqual({ count: 4, min: 0, max: 1, avg: 0.5, flagged: 0 });
  });
});
