import { randomBytes } from 'node:crypto';
import { infrastructure } from '@weather/core/services';
import { insertReadings, registerStation, type StoredReading } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { storedReading } from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiContext, createCaller, QueryCache } from '../src';
import { restGet } from './rest';

// Station health (SPEC §17) over a real PostgreSQL database: states made by the readings each
// station sent (and did not), clock skew from slow and fast clocks, completeness per local day
// and gaps for a station in New Zealand, where the local day is not the UTC one.
const baseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? infrastructure.REDIS_URL;
const suffix = randomBytes(3).toString('hex').toUpperCase();
const id = (name: string) => `${name}-${suffix}`;
const ids = {
  online: id('ONLINE'),
  late: id('LATE'),
  offline: id('OFFLINE'),
  never: id('NEVER'),
  slow: id('SLOW'),
  fast: id('FAST'),
  kiwi: id('KIWI'),
};

/** 2026-03-11 04:00 in Auckland (NZDT, UTC+13). */
const NOW = Date.parse('2026-03-10T15:00:00Z');
const MIN = 60_000;

/** Readings every `stepMs` from `fromMs` to `toMs` inclusive, received `lagMs` after their time. */
function series(
  station: string,
  fromMs: number,
  toMs: number,
  stepMs: number,
  { lagMs = 0, skip = () => false }: { lagMs?: number; skip?: (t: number) => boolean } = {},
): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let t = fromMs; t <= toMs; t += stepMs) {
    if (skip(t)) continue;
    readings.push({
      ...storedReading(station, new Date(t), { temperature: 10 }),
      received_at: new Date(t + lagMs).toISOString(),
    });
  }
  return readings;
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Redis;
let context: () => ApiContext;

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'health');
  redis = new Redis(redisUrl);
  const cache = new QueryCache(redis, { namespace: database.name });
  context = () => ({ db: database.db, cache, now: NOW });
  const db = database.db;
  await registerStation(db, ids.online, { expectedIntervalS: 60 });
  await registerStation(db, ids.late, { expectedIntervalS: 60 });
  await registerStation(db, ids.never, { name: 'Not yet reporting' });
  await registerStation(db, ids.kiwi, { timezone: 'Pacific/Auckland', expectedIntervalS: 300 });
  await insertReadings(db, [
    // Last heard 30 s ago, every minute: online.
    ...series(ids.online, NOW - 60 * MIN - MIN / 2, NOW - MIN / 2, MIN),
    // Last heard 2 minutes ago at a registered minute: late (> 90 s), not offline (< 5 min).
    ...series(ids.late, NOW - 60 * MIN, NOW - 2 * MIN, MIN),
    // Not registered, every minute (learned), silent for 10 minutes: offline.
    ...series(ids.offline, NOW - 70 * MIN, NOW - 10 * MIN, MIN),
    // Clocks 10 minutes slow and 4 minutes fast: readings arrive 600 s after / 240 s before
    // the time they carry.
    ...series(ids.slow, NOW - 30 * MIN, NOW - MIN, MIN, { lagMs: 10 * MIN }).filter(
      (r) => Date.parse(r.received_at) <= NOW,
    ),
    ...series(ids.fast, NOW - 30 * MIN, NOW - MIN, MIN, { lagMs: -4 * MIN }).map((r) => ({
      ...r,
      // Stamped 4 minutes ahead of when it arrived.
      timestamp: new Date(Date.parse(r.timestamp) + 4 * MIN).toISOString(),
      received_at: r.timestamp,
    })),
  ]);
  // Every 5 minutes through local 2026-03-10 (UTC 2026-03-09 11:00 to 2026-03-10 11:00) and
  // today until 03:55, with a hole from 10:05 to 11:55 local (21:05–22:55 UTC).
  const hole = (t: number) =>
    t > Date.parse('2026-03-09T21:00:00Z') && t < Date.parse('2026-03-09T23:00:00Z');
  await insertReadings(
    db,
    series(ids.kiwi, Date.parse('2026-03-09T11:00:00Z'), NOW - 5 * MIN, 5 * MIN, { skip: hole }),
  );
});

afterAll(async () => {
  await database?.drop();
  redis?.disconnect();
});

const rest = (path: string) => restGet(path, context);

describe('fleet health', () => {
  it('puts each station in the state its readings (and silence) make', async () => {
    const fleet = await createCaller(context()).stations.health();
    const state = Object.fromEntries(fleet.stations.map((s) => [s.station_id, s]));
    expect(state[ids.online]).toMatchObject({
      state: 'online',
      expected_interval_s: 60,
      interval_source: 'registered',
      silent_s: 30,
    });
    expect(state[ids.late]).toMatchObject({ state: 'late', silent_s: 120 });
    expect(state[ids.offline]).toMatchObject({
      state: 'offline',
      expected_interval_s: 60,
      interval_source: 'learned',
      silent_s: 600,
    });
    expect(state[ids.never]).toMatchObject({
      state: 'never_seen',
      last_seen: null,
      interval_source: 'assumed',
      completeness_today: null,
    });
    expect(fleet.counts).toEqual({ never_seen: 1, online: 4, late: 1, offline: 1 });
  });

  it('measures clock skew: +600 s for a clock 10 minutes slow, −240 s for one 4 minutes fast', async () => {
    const fleet = await createCaller(context()).stations.health();
    const skew = Object.fromEntries(fleet.stations.map((s) => [s.station_id, s.clock_skew_s]));
    expect(skew[ids.slow]).toBe(600);
    expect(skew[ids.fast]).toBe(-240);
    expect(skew[ids.online]).toBe(0);
    // Its readings of the last hour arrived on time; a station never heard has none.
    expect(skew[ids.offline]).toBe(0);
    expect(skew[ids.never]).toBeNull();
  });

  it('is served as REST too, and lists only the states asked for (counting every station)', async () => {
    const { status, body } = await rest('/fleet/health');
    expect(status).toBe(200);
    expect(body.counts).toEqual({ never_seen: 1, online: 4, late: 1, offline: 1 });
    const troubled = await rest('/fleet/health?state=late&state=offline');
    expect(troubled.status).toBe(200);
    expect(troubled.body.counts).toEqual(body.counts);
    expect((troubled.body.stations as { station_id: string }[]).map((s) => s.station_id)).toEqual([
      ids.late,
      ids.offline,
    ]);
    const one = await createCaller(context()).stations.health({ state: ['never_seen'] });
    expect(one.stations.map((s) => s.station_id)).toEqual([ids.never]);
  });

  it('refuses an unknown state, naming the field', async () => {
    const { status, body } = await rest('/fleet/health?state=sleepy');
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('state');
  });
});

describe('one station’s health', () => {
  it('counts completeness per station-local day and lists the gap, in Auckland time', async () => {
    const health = await createCaller(context()).stations.stationHealth({
      station_id: ids.kiwi,
      days: 3,
    });
    expect(health).toMatchObject({ state: 'online', timezone: 'Pacific/Auckland' });
    expect(health.days).toEqual([
      // Today until 04:00: 00:00 … 03:55, all there.
      { day: '2026-03-11', readings: 48, expected: 48, completeness: 1 },
      // 288 a day, less the 23 of 10:05 … 11:55.
      { day: '2026-03-10', readings: 265, expected: 288, completeness: 265 / 288 },
      { day: '2026-03-09', readings: 0, expected: 288, completeness: 0 },
    ]);
    expect(health.completeness_today).toBe(1);
    expect(health.gap_threshold_s).toBe(900);
    expect(health.gaps).toEqual([
      { start: '2026-03-09T21:00:00.000Z', end: '2026-03-09T23:00:00.000Z', seconds: 7200 },
    ]);
  });

  it('opens the current silence of an offline station as a gap without an end', async () => {
    const health = await createCaller(context()).stations.stationHealth({
      station_id: ids.offline,
    });
    expect(health.days).toHaveLength(7);
    expect(health.gaps[0]).toEqual({
      start: new Date(NOW - 10 * MIN).toISOString(),
      end: null,
      seconds: 600,
    });
  });

  it('refuses an unknown station and a bad day count, naming the field', async () => {
    expect((await rest(`/stations/NOPE-${suffix}/health`)).status).toBe(404);
    for (const days of ['0', '32', 'week', '1.5']) {
      const { status, body } = await rest(`/stations/${ids.kiwi}/health?days=${days}`);
      expect([days, status]).toEqual([days, 400]);
      expect(JSON.stringify(body)).toContain('days');
    }
  });
});
