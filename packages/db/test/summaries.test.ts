import { hasDoubt } from '@weather/core/qc';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  insertReadings,
  type PeriodSummary,
  rowsOf,
  type StoredReading,
  stationSummaries,
} from '../src';
import { backends, differences, reading } from './query-helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The local date `YYYY-MM-DD` of an instant in `timeZone`, as the tests' independent reference. */
const localDateIn = (timeZone: string) => {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (ms: number) => format.format(ms);
};

const round = (v: number, step: number) => Math.round(v / step) * step;

/**
 * Varied weather for reading `i`: temperatures on a 0.5 grid, some missing values, showers,
 * gusts with their directions. Local 00:00 is each day's warmest and gustiest reading and local
 * 23:50 its coldest, so a reading grouped into the wrong day shows at once; each extreme comes
 * again later in the day (the low earlier), so ties must go to the earliest reading.
 */
function weather(i: number, localMinuteOfDay: number, dayMark: number) {
  const values = {
    temperature:
      i % 37 === 5
        ? null
        : round(20 + 5 * Math.sin((2 * Math.PI * i) / 144) + Math.sin(i * 1.7), 0.5),
    precipitation: i % 7 === 0 ? round(0.2 * (i % 5), 0.1) : i % 3 === 0 ? null : 0,
    wind_gust: i % 11 === 3 ? null : round(5 + 4 * Math.abs(Math.sin(i * 0.37)), 0.5),
    wind_direction: (i * 37) % 360,
  };
  if (localMinuteOfDay === 0 || localMinuteOfDay === 18 * 60) {
    values.temperature = 35 + dayMark;
    values.wind_gust = 30 + dayMark;
  }
  if (localMinuteOfDay === 12 * 60 || localMinuteOfDay === 23 * 60 + 50) {
    values.temperature = -10 - dayMark;
  }
  return values;
}

/** Readings of `stationId` every `stepMs` from `startMs` (inclusive) to `endMs` (exclusive). */
function series(
  stationId: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  offsetMs: number,
): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let ms = startMs, i = 0; ms < endMs; ms += stepMs, i++) {
    const local = ms + offsetMs;
    const minuteOfDay = (((local % DAY) + DAY) % DAY) / MIN;
    readings.push(
      reading(stationId, new Date(ms), weather(i, minuteOfDay, new Date(local).getUTCDate() % 10)),
    );
  }
  return readings;
}

/** What is left out of a reading: its temperature (a `spike`), or every value (a `clock`). */
type Doubt = 'temperature' | 'reading';

/**
 * The summaries computed by hand from the readings: grouped by `keyOf` (the local date or
 * month), periods outside `inRange` dropped, extremes the earliest on ties.
 */
function byHand(
  readings: StoredReading[],
  o: {
    keyOf: (ms: number) => string;
    inRange: (key: string) => boolean;
    bounds: (key: string) => [string, string];
    intervalS: number;
    doubtful?: Map<string, Doubt>;
  },
): PeriodSummary[] {
  const groups = new Map<string, StoredReading[]>();
  const sorted = [...readings].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  for (const r of sorted) {
    const key = o.keyOf(Date.parse(r.timestamp));
    if (o.inRange(key)) groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.keys()].sort().map((key) => {
    const rows = groups.get(key) ?? [];
    const [start, end] = o.bounds(key);
    const s = {
      tMin: null as number | null,
      tMinAt: null as string | null,
      tMax: null as number | null,
      tMaxAt: null as string | null,
      tSum: 0,
      tCount: 0,
      rain: null as number | null,
      gust: null as number | null,
      gustAt: null as string | null,
      direction: null as number | null,
      flagged: 0,
    };
    for (const r of rows) {
      const doubt = o.doubtful?.get(r.timestamp);
      const all = doubt === 'reading';
      const raw = [r.temperature ?? null, r.precipitation ?? null, r.wind_gust ?? null];
      const [t, p, g] = raw.map((v, k) => (doubt && (k === 0 || all) ? null : v));
      s.flagged += raw.filter((v, k) => v !== null && doubt && (k === 0 || all)).length;
      if (t != null) {
        if (s.tMin === null || t < s.tMin) [s.tMin, s.tMinAt] = [t, r.timestamp];
        if (s.tMax === null || t > s.tMax) [s.tMax, s.tMaxAt] = [t, r.timestamp];
        s.tSum += t;
        s.tCount++;
      }
      if (p != null) s.rain = (s.rain ?? 0) + p;
      if (g != null && (s.gust === null || g > s.gust)) {
        [s.gust, s.gustAt, s.direction] = [g, r.timestamp, r.wind_direction ?? null];
      }
    }
    const expected = (Date.parse(end) - Date.parse(start)) / 1000 / o.intervalS;
    return {
      period: key,
      start,
      end,
      readings: rows.length,
      temperature: {
        min: s.tMin,
        min_at: s.tMinAt,
        max: s.tMax,
        max_at: s.tMaxAt,
        mean: s.tCount ? s.tSum / s.tCount : null,
      },
      rain_total: s.rain,
      gust: { max: s.gust, at: s.gustAt, direction: s.direction },
      completeness: Math.min(1, rows.length / expected),
      flagged: s.flagged,
    };
  });
}

/** Daily bounds in a zone with a fixed offset that month: local midnight to local midnight. */
const fixedOffsetDay =
  (offset: string) =>
  (day: string): [string, string] => {
    const start = Date.parse(`${day}T00:00:00${offset}`);
    return [new Date(start).toISOString(), new Date(start + DAY).toISOString()];
  };

const between = (from: string, to: string) => (key: string) => key >= from && key <= to;

// Two stations either side of the date line, from local 22:00 the day before the range to
// local 02:00 the day after it, every 10 minutes.
const DAILY = [
  { id: 'AKL', timeZone: 'Pacific/Auckland', offset: '+13:00', offsetMs: 13 * HOUR },
  { id: 'HNL', timeZone: 'Pacific/Honolulu', offset: '-10:00', offsetMs: -10 * HOUR },
].map((s) => ({
  ...s,
  readings: series(
    s.id,
    Date.parse(`2026-01-09T22:00:00${s.offset}`),
    Date.parse(`2026-01-13T02:00:00${s.offset}`),
    10 * MIN,
    s.offsetMs,
  ),
}));

// Hourly in Auckland across the end of January, local time: the 13 hours from local
// 1 February 00:00 (31 January 11:00 UTC) are January in UTC. The last reading, early on
// local 1 March, is still February in UTC and must not count as February.
const MONTHLY = [
  ...series(
    'MON',
    Date.parse('2026-01-30T00:00:00+13:00'),
    Date.parse('2026-02-03T00:00:00+13:00'),
    HOUR,
    13 * HOUR,
  ),
  reading('MON', '2026-02-28T11:30:00.000Z', { temperature: 50, precipitation: 9 }),
];
const MONTH_BOUNDS: Record<string, [string, string]> = {
  '2026-01': ['2025-12-31T11:00:00.000Z', '2026-01-31T11:00:00.000Z'],
  '2026-02': ['2026-01-31T11:00:00.000Z', '2026-02-28T11:00:00.000Z'],
};

// Auckland leaves daylight saving at 03:00 on 5 April 2026: that local day has 25 hours.
const DST_DAY = series(
  'DST',
  Date.parse('2026-04-04T23:00:00+13:00'),
  Date.parse('2026-04-06T01:00:00+12:00'),
  10 * MIN,
  0,
);

// One Berlin day (UTC+1 in January) every 10 minutes, with doubtful values set below.
const SPIKE = 50;
const CLOCK = 80;
const NOTED = 90;
const QC_DAY = series(
  'QCF',
  Date.parse('2026-01-20T00:00:00+01:00'),
  Date.parse('2026-01-21T00:00:00+01:00'),
  10 * MIN,
  HOUR,
).map((r, i) => {
  if (i === SPIKE) return { ...r, temperature: 45 };
  if (i === CLOCK) {
    return { ...r, temperature: -20, precipitation: 5, wind_gust: 60, wind_direction: 123 };
  }
  return r;
});

// Two past Berlin days every 5 minutes: the first complete, the second missing every other one.
const COMPLETENESS = series(
  'CMP',
  Date.parse('2026-01-20T00:00:00+01:00'),
  Date.parse('2026-01-22T00:00:00+01:00'),
  5 * MIN,
  HOUR,
).filter(
  (r) =>
    Date.parse(r.timestamp) < Date.parse('2026-01-21T00:00:00+01:00') ||
    Date.parse(r.timestamp) % (10 * MIN) === 0,
);

// Today in UTC, every 10 minutes up to now: complete so far, though the day is not over.
const todayStart = Math.floor(Date.now() / DAY) * DAY;
const TODAY = series('NOW', todayStart, Date.now(), 10 * MIN, 0);

const summaries = (
  db: Database,
  p: Partial<Parameters<typeof stationSummaries>[1]> & { stationId: string },
) =>
  stationSummaries(db, {
    from: '2026-01-10',
    to: '2026-01-12',
    period: 'day',
    timezone: 'UTC',
    intervalS: 600,
    ...p,
  });

describe.each(backends)('stationSummaries on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await backend.open('summaries'));
    for (const s of DAILY) await insertReadings(db, s.readings);
    await insertReadings(db, [...MONTHLY, ...DST_DAY, ...QC_DAY, ...COMPLETENESS, ...TODAY]);
    const flag = async (r: StoredReading | undefined, qc: string) =>
      // As the QC worker writes a flag: the JSON, and whether it holds a doubt.
      db.execute(sql`update weather_readings set qc = ${qc}::jsonb, doubtful = ${hasDoubt(JSON.parse(qc))}
        where station_id = 'QCF' and ts = ${r?.timestamp}::timestamptz`);
    await flag(QC_DAY[SPIKE], '{"temperature":["spike"]}');
    await flag(QC_DAY[CLOCK], '{"timestamp":["clock"]}');
    // Neither a doubt on another measurement nor a note leaves anything out.
    await flag(QC_DAY[NOTED], '{"humidity":["spike"],"precipitation":["counter_reset"]}');
  }, 120_000);
  afterAll(() => close());

  it.each(DAILY)(
    'gives the figures of each local day of $timeZone, as computed by hand',
    async (s) => {
      const actual = await summaries(db, { stationId: s.id, timezone: s.timeZone });
      const expected = byHand(s.readings, {
        keyOf: localDateIn(s.timeZone),
        inRange: between('2026-01-10', '2026-01-12'),
        bounds: fixedOffsetDay(s.offset),
        intervalS: 600,
      });
      expect(expected.map((e) => [e.period, e.readings])).toEqual([
        ['2026-01-10', 144],
        ['2026-01-11', 144],
        ['2026-01-12', 144],
      ]);
      expect(differences(actual, expected)).toEqual([]);
      // The readings at local midnight are the next day's highs, those at 23:50 the day's lows.
      expect(actual.map((d) => d.temperature.max_at)).toEqual(
        ['2026-01-10', '2026-01-11', '2026-01-12'].map((day) =>
          new Date(`${day}T00:00:00${s.offset}`).toISOString(),
        ),
      );
      expect(actual.every((d) => d.completeness === 1 && d.flagged === 0)).toBe(true);
    },
  );

  it('gives the figures of each local month, cut at local, not UTC, midnight', async () => {
    const actual = await summaries(db, {
      stationId: 'MON',
      period: 'month',
      from: '2026-01-15',
      to: '2026-02-20',
      timezone: 'Pacific/Auckland',
      intervalS: 3600,
    });
    const expected = byHand(MONTHLY, {
      keyOf: (ms) => localDateIn('Pacific/Auckland')(ms).slice(0, 7),
      inRange: between('2026-01', '2026-02'),
      bounds: (key) => MONTH_BOUNDS[key] ?? ['', ''],
      intervalS: 3600,
    });
    expect(expected.map((e) => [e.period, e.readings])).toEqual([
      ['2026-01', 48],
      ['2026-02', 48],
    ]);
    expect(differences(actual, expected)).toEqual([]);
    // Any day inside the months will do; the reading early on local 1 March stays out.
    const february = await summaries(db, {
      stationId: 'MON',
      period: 'month',
      from: '2026-02-14',
      to: '2026-02-27',
      timezone: 'Pacific/Auckland',
      intervalS: 3600,
    });
    expect(differences(february, expected.slice(1))).toEqual([]);
  });

  it('gives a local day across a daylight-saving change its 25 hours', async () => {
    const [day, ...rest] = await summaries(db, {
      stationId: 'DST',
      from: '2026-04-05',
      to: '2026-04-05',
      timezone: 'Pacific/Auckland',
    });
    expect(rest).toEqual([]);
    expect(day).toMatchObject({
      period: '2026-04-05',
      start: '2026-04-04T11:00:00.000Z',
      end: '2026-04-05T12:00:00.000Z',
      readings: 150,
      completeness: 1,
    });
  });

  it('leaves a spiking temperature out of the figures, and a reading at a doubtful time out of all', async () => {
    const [day, ...rest] = await summaries(db, {
      stationId: 'QCF',
      from: '2026-01-20',
      to: '2026-01-20',
      timezone: 'Europe/Berlin',
    });
    expect(rest).toEqual([]);
    const doubtful = new Map<string, Doubt>([
      [QC_DAY[SPIKE]?.timestamp ?? '', 'temperature'],
      [QC_DAY[CLOCK]?.timestamp ?? '', 'reading'],
    ]);
    const [expected] = byHand(QC_DAY, {
      keyOf: localDateIn('Europe/Berlin'),
      inRange: () => true,
      bounds: fixedOffsetDay('+01:00'),
      intervalS: 600,
      doubtful,
    });
    expect(differences(day, expected)).toEqual([]);
    // Spike: one temperature; clock: its temperature, precipitation and gust. Rows all count.
    expect(day).toMatchObject({ readings: 144, flagged: 4 });
    expect(day?.temperature.max).toBeLessThan(45);
    expect(day?.temperature.min).toBeGreaterThan(-20);
    expect(day?.gust.max).toBeLessThan(60);
    // Without the flags, the hand figures would differ: the flags are what left them out.
    const [unflagged] = byHand(QC_DAY, {
      keyOf: localDateIn('Europe/Berlin'),
      inRange: () => true,
      bounds: fixedOffsetDay('+01:00'),
      intervalS: 600,
    });
    expect(unflagged?.temperature.max).toBe(45);
    expect(unflagged?.gust).toEqual({ max: 60, at: QC_DAY[CLOCK]?.timestamp, direction: 123 });
  });

  it('measures completeness against the readings expected at the interval', async () => {
    const days = await summaries(db, {
      stationId: 'CMP',
      from: '2026-01-20',
      to: '2026-01-21',
      timezone: 'Europe/Berlin',
      intervalS: 300,
    });
    expect(days.map((d) => [d.period, d.readings, d.completeness])).toEqual([
      ['2026-01-20', 288, 1],
      ['2026-01-21', 144, 0.5],
    ]);
    const noInterval = await summaries(db, {
      stationId: 'CMP',
      from: '2026-01-20',
      to: '2026-01-21',
      timezone: 'Europe/Berlin',
      intervalS: 0,
    });
    expect(noInterval.map((d) => d.completeness)).toEqual([null, null]);
  });

  it('counts only up to now in the current, unfinished day', async () => {
    const today = new Date(todayStart).toISOString().slice(0, 10);
    const [day, ...rest] = await summaries(db, { stationId: 'NOW', from: today, to: today });
    expect(rest).toEqual([]);
    expect(day?.readings).toBe(TODAY.length);
    expect(day?.completeness).toBe(1);
  });

  it('sends the time zone as a parameter: a quote in it is an unknown zone, not SQL', async () => {
    await db.execute(sql`create table x (id int)`);
    await db.execute(sql`insert into x values (1)`);
    const error = await summaries(db, {
      stationId: 'AKL',
      timezone: "UTC'; drop table x; --",
    }).then(
      () => null,
      (e: unknown) => e as { message?: string; cause?: { message?: string } },
    );
    expect(error?.cause?.message ?? error?.message).toMatch(/time zone .* not recognized/);
    const left = rowsOf<{ n: unknown }>(await db.execute(sql`select count(*) as n from x`));
    expect(Number(left[0]?.n)).toBe(1);
    // The connection is still usable afterwards.
    expect(await summaries(db, { stationId: 'AKL', timezone: 'Pacific/Auckland' })).toHaveLength(3);
  });
});
