import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  getAggregate,
  getTimeseries,
  insertReadings,
  refreshAggregates,
} from '../src';
import { backends, differences, reading } from './query-helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Well behind the hourly policy's 3-day refresh window, as late data would be.
const hour = new Date(Math.floor((Date.now() - 10 * DAY) / HOUR) * HOUR);
const plus = (ms: number) => new Date(hour.getTime() + ms);
const received = new Date().toISOString();

/** Readings every 10 minutes in the hour before, the hour itself and the hour after. */
const onTime = Array.from({ length: 18 }, (_, i) =>
  reading(
    'L',
    plus((i - 6) * 10 * 60_000),
    { temperature: 10 + (i % 6), precipitation: 0.1 },
    received,
  ),
);
const late = reading('L', plus(25 * 60_000), { temperature: 40, precipitation: 3 }, received);
const theHour = { stationId: 'L', start: hour, end: plus(HOUR) };
const theDay = { stationId: 'L', start: new Date(Math.floor(hour.getTime() / DAY) * DAY) };

async function hourBucket(db: Database) {
  const { source, buckets } = await getTimeseries(db, { ...theHour, interval: '1h' });
  expect(buckets).toHaveLength(1);
  return { source, bucket: buckets[0] };
}

/** The hourly bucket and the same hour computed from raw rows, in comparable form. */
async function hourFromBothSources(db: Database) {
  const { bucket } = await hourBucket(db);
  const raw = await getAggregate(db, theHour);
  return {
    fromRollup: {
      count: bucket?.count,
      temperature: bucket?.temperature,
      precipitation: bucket?.precipitation,
    },
    fromRaw: {
      count: raw.count,
      temperature: raw.measurements.temperature,
      precipitation: raw.measurements.precipitation,
    },
  };
}

describe('refreshAggregates on TimescaleDB: late readings reach the continuous aggregates', () => {
  const timescaleBackend = backends.find((b) => b.timescale);
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    if (!timescaleBackend) throw new Error('no TimescaleDB backend');
    ({ db, close } = await timescaleBackend.open('refresh'));
    await insertReadings(db, onTime);
    await refreshAggregates(db, { start: plus(-HOUR), end: plus(2 * HOUR) });
  }, 60_000);
  afterAll(() => close());

  it('answers an already materialised hour from the hourly aggregate', async () => {
    const { source, bucket } = await hourBucket(db);
    expect(source).toBe('continuous_aggregate');
    expect(bucket?.count).toBe(6);
    const { fromRollup, fromRaw } = await hourFromBothSources(db);
    expect(differences(fromRollup, fromRaw)).toEqual([]);
  });

  it('misses a late reading in a materialised hour until the hour is refreshed', async () => {
    await insertReadings(db, [late]);

    const before = await hourFromBothSources(db);
    expect(before.fromRaw.count).toBe(7);
    expect(before.fromRollup.count).toBe(6);
    expect(before.fromRollup.temperature?.max).toBe(15);
    const dayBefore = await getTimeseries(db, { ...theDay, end: plus(2 * HOUR), interval: '1d' });
    const dayRaw = await getAggregate(db, { ...theDay, end: new Date(dayBefore.end) });
    expect(dayBefore.buckets.at(-1)?.count).toBeLessThan(dayRaw.count);

    await refreshAggregates(db, { start: new Date(late.timestamp), end: new Date(late.timestamp) });

    const after = await hourFromBothSources(db);
    expect(after.fromRollup).toMatchObject({
      count: 7,
      temperature: { max: 40 },
      precipitation: { sum: expect.closeTo(3.6, 9) },
    });
    expect(differences(after.fromRollup, after.fromRaw)).toEqual([]);
    const dayAfter = await getTimeseries(db, { ...theDay, end: plus(2 * HOUR), interval: '1d' });
    expect(dayAfter.buckets.at(-1)?.count).toBe(dayRaw.count);
  });

  it('refuses to run inside a transaction, where refresh_continuous_aggregate cannot', async () => {
    await expectRefusedInTransaction(db);
  });

  it('includes readings newer than the last refresh without one (real-time aggregation)', async () => {
    const recentHour = new Date(Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR);
    await insertReadings(db, [reading('L', recentHour, { temperature: 1 }, received)]);
    const { buckets } = await getTimeseries(db, {
      stationId: 'L',
      start: recentHour,
      end: new Date(recentHour.getTime() + HOUR),
      interval: '1h',
    });
    expect(buckets.map((b) => [b.bucket, b.count])).toEqual([[recentHour.toISOString(), 1]]);
  });
});

describe('refreshAggregates on PostgreSQL', () => {
  const postgresBackend = backends.find((b) => !b.timescale);
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    if (!postgresBackend) throw new Error('no PostgreSQL backend');
    ({ db, close } = await postgresBackend.open('refresh'));
  }, 60_000);
  afterAll(() => close());

  it('is a no-op: answers come from raw rows, so late readings count at once', async () => {
    await insertReadings(db, onTime);
    await insertReadings(db, [late]);
    expect(await hourBucket(db)).toMatchObject({ source: 'raw', bucket: { count: 7 } });
    await refreshAggregates(db, { start: plus(0), end: plus(HOUR) });
    const { fromRollup, fromRaw } = await hourFromBothSources(db);
    expect(fromRollup.count).toBe(7);
    expect(differences(fromRollup, fromRaw)).toEqual([]);
  });

  it('refuses a transaction here too, so code written against PostgreSQL works on TimescaleDB', async () => {
    await expectRefusedInTransaction(db);
  });
});

async function expectRefusedInTransaction(db: Database) {
  const range = { start: plus(0), end: plus(HOUR) };
  await expect(db.transaction((tx) => refreshAggregates(tx, range))).rejects.toThrow(
    /cannot run inside a transaction/,
  );
}
