import { readingSchema } from '@weather/core/reading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, insertReadings, listSparklines, type StoredReading } from '../src';
import { createTestDatabase, createTimescaleTestDb } from '../src/testing';

const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';
const parse = readingSchema(() => Date.parse('2030-01-01T00:00:00Z'));
const at = (station: string, minute: number, temperature: number): StoredReading => ({
  ...parse.parse({
    station_id: station,
    timestamp: new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString(),
    temperature,
  }),
  received_at: '2026-03-01T12:00:00.000Z',
});

describe.each([
  {
    name: 'PostgreSQL',
    open: async () => {
      const t = await createTestDatabase(baseUrl, 'spark');
      return { db: t.db as Database, close: t.drop };
    },
  },
  {
    name: 'TimescaleDB (in-process)',
    open: async () => {
      const t = await createTimescaleTestDb();
      return { db: t.db, close: t.close };
    },
  },
])('listSparklines on $name', ({ open }) => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    // A: readings over 2 hours (only its last hour counts); B: two readings in one bucket.
    await insertReadings(db, [
      ...Array.from({ length: 25 }, (_, i) => at('A', i * 5, i)),
      at('B', 1, 10),
      at('B', 3, 20),
    ]);
  }, 60_000);
  afterAll(() => close());

  it("returns each station's last hour of average temperature in 5-minute buckets", async () => {
    const lines = await listSparklines(db);
    expect(lines.map((l) => l.station_id)).toEqual(['A', 'B']);
    const a = lines[0]?.points ?? [];
    // Last reading 12:00; the hour before it (exclusive) starts after 11:00 → 11:05 … 12:00.
    expect(a).toHaveLength(12);
    expect(a[0]).toEqual({ t: '2026-03-01T11:05:00.000Z', temperature: 13 });
    expect(a.at(-1)).toEqual({ t: '2026-03-01T12:00:00.000Z', temperature: 24 });
    expect(lines[1]?.points).toEqual([{ t: '2026-03-01T10:00:00.000Z', temperature: 15 }]);
  });
});
