import type { QcFlags } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  getAggregate,
  getTimeseries,
  insertReadings,
  rowsOf,
  runQcPass,
  type StoredReading,
} from '../src';
import { backends, differences, reading } from './query-helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const START = Date.parse('2026-05-01T00:00:00Z');
const STEP = 5 * MIN;
const COUNT = (3 * 24 * HOUR) / STEP;

/** A smooth day: temperature, humidity and pressure that always move, rounded like a station's. */
function weather(i: number) {
  const day = ((i * STEP) / (24 * HOUR)) * 2 * Math.PI;
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    temperature: round(15 + 6 * Math.sin(day) + 0.3 * Math.sin(i * 1.7), 1),
    humidity: round(60 - 15 * Math.sin(day) + 2 * Math.sin(i * 0.9), 0),
    pressure: round(1012 + 3 * Math.sin(day / 3) + 0.2 * Math.sin(i * 2.3), 1),
    wind_speed: round(3 + Math.sin(i * 0.4), 1),
  };
}

const SPIKE_AT = 100;
const STUCK_FROM = 200;
const STUCK_TO = STUCK_FROM + (48 * HOUR) / STEP; // exclusive: 48 hours at 12.3 °C
const CLOCK_BEHIND = 20 * MIN;

/** Four stations from the same weather: clean, one spike, a stuck sensor, a slow clock. */
function stationReadings(id: 'N' | 'P' | 'S' | 'C'): StoredReading[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const ts = START + i * STEP;
    const values = weather(i);
    if (id === 'P' && i === SPIKE_AT) values.temperature += 25;
    if (id === 'S' && i >= STUCK_FROM && i < STUCK_TO) values.temperature = 12.3;
    const received = id === 'C' ? ts + CLOCK_BEHIND : ts + 5000;
    return reading(id, new Date(ts), values, new Date(received).toISOString());
  });
}

const ALL = {
  N: stationReadings('N'),
  P: stationReadings('P'),
  S: stationReadings('S'),
  C: stationReadings('C'),
};

async function runAll(db: Database) {
  for (;;) {
    const pass = await runQcPass(db, { limit: 50 });
    if (pass.days === 0) return;
  }
}

async function flagsOf(db: Database, stationId: string) {
  return rowsOf<{ ts: string; qc: QcFlags | null }>(
    await db.execute(sql`
      select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts, qc
      from weather_readings where station_id = ${stationId} order by ts`),
  );
}

/** Count, min, max and mean of the values, as the API gives them. */
function figures(values: number[]) {
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
    avg: sum / values.length,
  };
}

describe.each(backends)('QC flags on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await backend.open('qc'));
    // Half the data, a pass, then the rest: the stuck run and the spike's neighbours straddle
    // the passes, as they would with live data.
    const half = Math.floor(COUNT / 2);
    for (const rows of Object.values(ALL)) await insertReadings(db, rows.slice(0, half));
    await runAll(db);
    for (const rows of Object.values(ALL)) await insertReadings(db, rows.slice(half));
    await runAll(db);
  }, 180_000);
  afterAll(() => close());

  it('flags the spike, and only it', async () => {
    const rows = await flagsOf(db, 'P');
    const flagged = rows.filter((r) => r.qc !== null);
    expect(flagged).toEqual([
      { ts: new Date(START + SPIKE_AT * STEP).toISOString(), qc: { temperature: ['spike'] } },
    ]);
  });

  it('flags every reading of the stuck run, including those before it was long enough', async () => {
    const rows = await flagsOf(db, 'S');
    const flagged = rows.flatMap((r, i) => (r.qc ? [i] : []));
    const stuck = Array.from({ length: STUCK_TO - STUCK_FROM }, (_, k) => STUCK_FROM + k);
    expect(flagged).toEqual(stuck);
    expect(rows[STUCK_FROM]?.qc).toEqual({ temperature: ['persistence'] });
  });

  it('flags the readings of a clock running 20 minutes slow, but not the first', async () => {
    const rows = await flagsOf(db, 'C');
    expect(rows[0]?.qc).toBeNull();
    expect(rows.slice(1).every((r) => JSON.stringify(r.qc) === '{"timestamp":["clock"]}')).toBe(
      true,
    );
  });

  it('leaves a clean data set unflagged, with the answers it gave before QC', async () => {
    expect((await flagsOf(db, 'N')).filter((r) => r.qc !== null)).toEqual([]);
    const range = { stationId: 'N', start: new Date(START), end: new Date(START + COUNT * STEP) };
    const aggregate = await getAggregate(db, range);
    expect(
      differences(aggregate.measurements.temperature, {
        ...figures(ALL.N.map((r) => r.temperature as number)),
        flagged: 0,
      }),
    ).toEqual([]);
    expect(aggregate).toEqual(await getAggregate(db, { ...range, includeFlagged: true }));
    const series = await getTimeseries(db, { ...range, interval: '1h' });
    const withFlagged = await getTimeseries(db, { ...range, interval: '1h', includeFlagged: true });
    expect(differences(series.buckets, withFlagged.buckets)).toEqual([]);
  });

  it('leaves flagged values out of aggregates unless include_flagged, and counts them', async () => {
    const range = { stationId: 'P', start: new Date(START), end: new Date(START + COUNT * STEP) };
    const temperatures = ALL.P.map((r) => r.temperature as number);
    const sound = temperatures.filter((_, i) => i !== SPIKE_AT);
    const without = await getAggregate(db, range);
    expect(
      differences(without.measurements.temperature, { ...figures(sound), flagged: 1 }),
    ).toEqual([]);
    // Other measurements of the spiking reading are sound.
    expect(without.measurements.humidity.count).toBe(COUNT);
    const withFlagged = await getAggregate(db, { ...range, includeFlagged: true });
    expect(
      differences(withFlagged.measurements.temperature, { ...figures(temperatures), flagged: 1 }),
    ).toEqual([]);

    // The hourly bucket holding the spike, from the rollups on TimescaleDB.
    const hour = Math.floor((START + SPIKE_AT * STEP) / HOUR) * HOUR;
    const bucketOf = async (includeFlagged: boolean) => {
      const series = await getTimeseries(db, {
        stationId: 'P',
        start: new Date(hour),
        end: new Date(hour + HOUR),
        interval: '1h',
        includeFlagged,
      });
      return series.buckets[0]?.temperature;
    };
    const inHour = ALL.P.flatMap((r, i) =>
      Date.parse(r.timestamp) >= hour && Date.parse(r.timestamp) < hour + HOUR ? [i] : [],
    );
    const hourValues = inHour.map((i) => temperatures[i] as number);
    expect(
      differences(await bucketOf(false), {
        ...figures(inHour.filter((i) => i !== SPIKE_AT).map((i) => temperatures[i] as number)),
        flagged: 1,
      }),
    ).toEqual([]);
    expect(differences(await bucketOf(true), { ...figures(hourValues), flagged: 1 })).toEqual([]);

    // A stuck sensor's 48 hours are out; a slow clock's readings are out entirely.
    const stuck = await getAggregate(db, { ...range, stationId: 'S' });
    expect(stuck.measurements.temperature).toMatchObject({
      count: COUNT - (STUCK_TO - STUCK_FROM),
      flagged: STUCK_TO - STUCK_FROM,
    });
    const clock = await getAggregate(db, { ...range, stationId: 'C' });
    expect(clock.measurements.pressure).toMatchObject({ count: 1, flagged: COUNT - 1 });
  });

  it('checks only new readings on a later pass, and adds nothing twice', async () => {
    const pass = await runQcPass(db);
    expect(pass).toEqual({ days: 0, flagged: 0, stations: [], span: [], failed: [] });
    // A late reading earlier in a checked day makes that day checked again, whole.
    const late = reading(
      'P',
      new Date(START + 2 * STEP + MIN),
      { temperature: 40 },
      new Date().toISOString(),
    );
    await insertReadings(db, [late]);
    const again = await runQcPass(db);
    expect(again.days).toBe(1);
    const rows = await flagsOf(db, 'P');
    expect(rows.find((r) => r.ts === late.timestamp)?.qc).toEqual({ temperature: ['spike'] });
    expect(rows.filter((r) => r.qc !== null)).toHaveLength(2);
  });
});
