import type { QcFlags, RainCounterKind } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Database, insertReadings, registerStation, rowsOf, type StoredReading } from '../src';
import { isoUtc } from '../src/queries/fragments';
import { backends, reading } from './query-helpers';

/** A reading with a rain counter (daily unless told), at a local time given with its UTC offset. */
function counter(
  station: string,
  ts: string,
  value: number,
  extras: Partial<StoredReading> = {},
  kind: RainCounterKind = 'daily',
): StoredReading {
  const iso = new Date(ts).toISOString();
  return {
    ...reading(station, iso, { temperature: 20, rain_counter: value }),
    rain_counter_kind: kind,
    ...extras,
  };
}

interface Row {
  ts: string;
  precipitation: number | null;
  qc: QcFlags | null;
}

async function stored(db: Database, station: string): Promise<Row[]> {
  return rowsOf<Row>(
    await db.execute(sql`
      select ${isoUtc(sql`ts`)} as ts, precipitation, qc from weather_readings
      where station_id = ${station} order by ts`),
  );
}

/** Per station-local day: the rain summed and the day's last counter value. */
async function days(db: Database, station: string) {
  return rowsOf<{ day: string; rain: number | null; last: number }>(
    await db.execute(sql`
      select to_char(w.ts at time zone coalesce(s.timezone, 'UTC'), 'YYYY-MM-DD') as day,
        -- Summed in time order: float addition depends on it, and the physical order depends on
        -- the delivery.
        sum(w.precipitation order by w.ts) as rain,
        (array_agg(w.rain_counter order by w.ts desc))[1] as last
      from weather_readings w left join stations s on s.id = w.station_id
      where w.station_id = ${station}
      group by 1 order by 1`),
  );
}

/** A small seeded generator, so every run sees the same "random" rain and delivery order. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STEP_MS = 5 * 60_000;
const STEPS_PER_DAY = 24 * 12;

/**
 * A week of readings at 5-minute steps in Asia/Kolkata (+05:30, no daylight saving), with
 * showers at random: a daily counter that starts again at each local midnight.
 */
function generatedWeek(station: string, seed: number) {
  const next = random(seed);
  const start = Date.parse('2026-06-01T00:00:00+05:30');
  let total = 0;
  const counters: number[] = [];
  for (let i = 0; i < 7 * STEPS_PER_DAY; i++) {
    if (i % STEPS_PER_DAY === 0) total = 0;
    if (next() < 0.25) total += Math.round(next() * 5) * 0.1;
    counters.push(Math.round(total * 1000) / 1000);
  }
  const readings = counters.map((value, i) =>
    counter(station, new Date(start + i * STEP_MS).toISOString(), value),
  );
  return { readings, counters };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe.each(backends)('rain counters on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await backend.open('rain'));
  }, 60_000);
  afterAll(() => close());

  it('starts a daily counter again at local midnight with no flag, in any time zone', async () => {
    const zones = [
      { id: 'mid-utc', timezone: 'UTC', offset: '+00:00' },
      { id: 'mid-ny', timezone: 'America/New_York', offset: '-04:00' },
      { id: 'mid-kol', timezone: 'Asia/Kolkata', offset: '+05:30' },
    ];
    const sequence: [string, number][] = [
      ['2026-06-01T21:00', 4.0],
      ['2026-06-01T22:00', 4.5],
      ['2026-06-01T23:00', 6.0],
      ['2026-06-02T00:00', 0.3],
      ['2026-06-02T06:00', 1.0],
      ['2026-06-02T23:30', 2.5],
      ['2026-06-03T00:30', 0.0],
      ['2026-06-03T01:00', 0.8],
    ];
    for (const zone of zones) await registerStation(db, zone.id, { timezone: zone.timezone });
    // All three stations in one batch: each is derived over its own rows and its own zone.
    await insertReadings(
      db,
      zones.flatMap((zone) =>
        sequence.map(([local, value]) => counter(zone.id, `${local}:00${zone.offset}`, value)),
      ),
    );

    for (const zone of zones) {
      const rows = await stored(db, zone.id);
      expect(rows.map((r) => r.precipitation)).toEqual([
        null,
        expect.closeTo(0.5, 9),
        expect.closeTo(1.5, 9),
        expect.closeTo(0.3, 9),
        expect.closeTo(0.7, 9),
        expect.closeTo(1.5, 9),
        0,
        expect.closeTo(0.8, 9),
      ]);
      expect(rows.map((r) => r.qc)).toEqual(sequence.map(() => null));
      // The first day counts from the first reading; every later day adds up to its last counter.
      expect(await days(db, zone.id)).toEqual([
        { day: '2026-06-01', rain: expect.closeTo(2.0, 9), last: 6.0 },
        { day: '2026-06-02', rain: expect.closeTo(2.5, 9), last: 2.5 },
        { day: '2026-06-03', rain: expect.closeTo(0.8, 9), last: 0.8 },
      ]);
    }
  });

  it('flags a reset within the local day as counter_reset and keeps the other flags', async () => {
    await registerStation(db, 'reset', { timezone: 'Asia/Kolkata' });
    const derived: QcFlags = { dew_point: ['derived'] };
    await insertReadings(db, [
      counter('reset', '2026-06-01T13:00:00+05:30', 4.2),
      counter('reset', '2026-06-01T13:30:00+05:30', 5.0),
      counter('reset', '2026-06-01T14:00:00+05:30', 0.4, { qc: derived }),
      counter('reset', '2026-06-01T14:30:00+05:30', 0.9),
    ]);
    expect(await stored(db, 'reset')).toEqual([
      { ts: '2026-06-01T07:30:00.000Z', precipitation: null, qc: null },
      { ts: '2026-06-01T08:00:00.000Z', precipitation: expect.closeTo(0.8, 9), qc: null },
      {
        ts: '2026-06-01T08:30:00.000Z',
        precipitation: 0.4,
        qc: { dew_point: ['derived'], precipitation: ['counter_reset'] },
      },
      { ts: '2026-06-01T09:00:00.000Z', precipitation: expect.closeTo(0.5, 9), qc: null },
    ]);

    // Sent again, nothing changes: no second flag, no row rewritten.
    const again = await insertReadings(db, [
      counter('reset', '2026-06-01T14:00:00+05:30', 0.4, { qc: derived }),
      counter('reset', '2026-06-01T14:30:00+05:30', 0.9),
    ]);
    expect(again).toEqual({ inserted: 0, rainUpdated: [] });
    expect((await stored(db, 'reset'))[2]?.qc).toEqual({
      dew_point: ['derived'],
      precipitation: ['counter_reset'],
    });

    // A late reading shows the reset came earlier: the flag moves to it, the stale one goes.
    const late = await insertReadings(db, [counter('reset', '2026-06-01T13:45:00+05:30', 0.1)]);
    expect(late.rainUpdated.sort()).toEqual([
      '2026-06-01T08:15:00.000Z',
      '2026-06-01T08:30:00.000Z',
    ]);
    expect((await stored(db, 'reset')).slice(2, 4)).toEqual([
      {
        ts: '2026-06-01T08:15:00.000Z',
        precipitation: 0.1,
        qc: { precipitation: ['counter_reset'] },
      },
      { ts: '2026-06-01T08:30:00.000Z', precipitation: expect.closeTo(0.3, 9), qc: derived },
    ]);
  });

  it('clears qc to null when a stale counter_reset was its only flag', async () => {
    await insertReadings(db, [
      counter('stale', '2026-06-01T10:00:00Z', 3.0),
      counter('stale', '2026-06-01T11:00:00Z', 0.5),
    ]);
    expect((await stored(db, 'stale'))[1]?.qc).toEqual({ precipitation: ['counter_reset'] });
    await insertReadings(db, [counter('stale', '2026-06-01T10:30:00Z', 0.2)]);
    expect(await stored(db, 'stale')).toEqual([
      { ts: '2026-06-01T10:00:00.000Z', precipitation: null, qc: null },
      {
        ts: '2026-06-01T10:30:00.000Z',
        precipitation: 0.2,
        qc: { precipitation: ['counter_reset'] },
      },
      { ts: '2026-06-01T11:00:00.000Z', precipitation: expect.closeTo(0.3, 9), qc: null },
    ]);
  });

  it('gives a first counter reading, or one after a change of counter kind, no rain', async () => {
    // A station's first upload carries its whole history: that is not rain since anything.
    const first = await insertReadings(db, [
      counter('first', '2026-06-01T10:00:00Z', 812.4, { precipitation: 9.9 }, 'total'),
    ]);
    expect(first).toEqual({ inserted: 1, rainUpdated: ['2026-06-01T10:00:00.000Z'] });
    await insertReadings(db, [
      counter('first', '2026-06-01T10:05:00Z', 812.6, {}, 'total'),
      counter('first', '2026-06-01T10:10:00Z', 301.2, {}, 'yearly'),
      counter('first', '2026-06-01T10:15:00Z', 301.0, {}, 'yearly'),
    ]);
    expect(await stored(db, 'first')).toEqual([
      { ts: '2026-06-01T10:00:00.000Z', precipitation: null, qc: null },
      { ts: '2026-06-01T10:05:00.000Z', precipitation: expect.closeTo(0.2, 9), qc: null },
      { ts: '2026-06-01T10:10:00.000Z', precipitation: null, qc: null },
      // A yearly counter falling within the year was not due to reset.
      {
        ts: '2026-06-01T10:15:00.000Z',
        precipitation: 301.0,
        qc: { precipitation: ['counter_reset'] },
      },
    ]);
  });

  it('corrects the next reading when a late one lands between two stored ones', async () => {
    await insertReadings(db, [
      counter('late', '2026-06-01T10:00:00Z', 1.0),
      counter('late', '2026-06-01T10:10:00Z', 1.6),
      counter('late', '2026-06-01T10:20:00Z', 1.9),
    ]);
    const late = await insertReadings(db, [counter('late', '2026-06-01T10:05:00Z', 1.2)]);
    expect(late.inserted).toBe(1);
    expect(late.rainUpdated.sort()).toEqual([
      '2026-06-01T10:05:00.000Z',
      '2026-06-01T10:10:00.000Z',
    ]);
    expect((await stored(db, 'late')).map((r) => r.precipitation)).toEqual([
      null,
      expect.closeTo(0.2, 9),
      expect.closeTo(0.4, 9),
      expect.closeTo(0.3, 9),
    ]);
  });

  it('stores the same rain whatever the order, batching and duplicates of delivery', async () => {
    for (const id of ['ordered', 'shuffled']) {
      await registerStation(db, id, { timezone: 'Asia/Kolkata' });
    }
    const { readings: ordered } = generatedWeek('ordered', 7);
    const { readings: sent } = generatedWeek('shuffled', 7);
    await insertReadings(db, ordered);

    const next = random(11);
    const pending = shuffled(sent, next);
    const delivered: StoredReading[] = [];
    let batches = 0;
    while (pending.length > 0) {
      const batch = pending.splice(0, 1 + Math.floor(next() * 200));
      // Re-send a few readings already delivered, as a consumer does after a rebalance.
      const resent = delivered.filter(() => next() < 0.01);
      await insertReadings(db, shuffled([...batch, ...resent], next));
      delivered.push(...batch);
      batches++;
    }
    expect(batches).toBeGreaterThan(10);
    expect(await insertReadings(db, sent)).toEqual({ inserted: 0, rainUpdated: [] });

    const strip = (rows: Row[]) =>
      rows.map(({ ts, precipitation, qc }) => ({ ts, precipitation, qc }));
    expect(strip(await stored(db, 'shuffled'))).toEqual(strip(await stored(db, 'ordered')));
    expect(await days(db, 'shuffled')).toEqual(await days(db, 'ordered'));
  });

  it('sums each station-local day of a generated week to its counter increase', async () => {
    await registerStation(db, 'week', { timezone: 'Asia/Kolkata' });
    const { readings, counters } = generatedWeek('week', 3);
    await insertReadings(db, readings);
    const expected = Array.from({ length: 7 }, (_, day) => {
      const of = counters.slice(day * STEPS_PER_DAY, (day + 1) * STEPS_PER_DAY);
      const last = of.at(-1) as number;
      // The station's first day counts from its first reading, which itself adds no rain.
      return day === 0 ? last - (of[0] as number) : last;
    });
    const sums = await days(db, 'week');
    expect(sums.map((d) => d.day)).toEqual(expected.map((_, day) => `2026-06-0${day + 1}`));
    sums.forEach((d, day) => {
      expect(d.rain ?? 0).toBeCloseTo(expected[day] as number, 9);
    });
    // Rain fell, and no reset in the week was unexpected.
    expect(expected.every((rain) => rain > 0)).toBe(true);
    const flagged = (await stored(db, 'week')).filter((r) => r.qc !== null);
    expect(flagged).toEqual([]);
  });

  it('keeps a batch without counters to its one statement, outside any transaction', async () => {
    const transaction = vi.spyOn(db, 'transaction');
    try {
      const plain = await insertReadings(db, [
        reading('plain', '2026-06-01T10:00:00Z', { temperature: 18, precipitation: 0.2 }),
      ]);
      expect(plain).toEqual({ inserted: 1, rainUpdated: [] });
      expect(transaction).not.toHaveBeenCalled();
      expect((await stored(db, 'plain'))[0]?.precipitation).toBe(0.2);

      await insertReadings(db, [counter('plain', '2026-06-01T10:05:00Z', 1.0)]);
      expect(transaction).toHaveBeenCalledTimes(1);
    } finally {
      transaction.mockRestore();
    }
  });
});
