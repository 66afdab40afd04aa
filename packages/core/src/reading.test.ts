import { describe, expect, it } from 'vitest';
import { isFlag, type MeasurementSpec } from './measurements';
import {
  describeIssues,
  dewPoint,
  fastReading,
  MEASUREMENT_NAMES,
  MEASUREMENTS,
  readingExtrasSchema,
  readingKey,
  readingParser,
  readingSchema,
  withDerived,
} from './reading';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const schema = readingSchema(() => NOW);
const valid = { station_id: 'ST-001', timestamp: '2026-06-01T11:59:00Z', temperature: 21.5 };

function problems(input: unknown) {
  const result = schema.safeParse(input);
  return result.success ? [] : describeIssues(result.error);
}

describe('readingSchema', () => {
  it('accepts a reading, normalises the timestamp to UTC and fills absent measurements with null', () => {
    expect(
      schema.parse({ ...valid, timestamp: '2026-06-01T13:30:00+02:00', humidity: null }),
    ).toEqual({
      ...Object.fromEntries(MEASUREMENT_NAMES.map((name) => [name, null])),
      station_id: 'ST-001',
      timestamp: '2026-06-01T11:30:00.000Z',
      temperature: 21.5,
    });
  });

  it('takes battery_low as true or false (alone, too), and refuses anything else by name', () => {
    expect(schema.parse({ ...valid, battery_low: true })).toMatchObject({ battery_low: true });
    expect(
      schema.parse({ station_id: 'ST-001', timestamp: valid.timestamp, battery_low: false }),
    ).toMatchObject({ battery_low: false, temperature: null });
    for (const bad of [1, 0, 'true', 'low', {}]) {
      expect(problems({ ...valid, battery_low: bad })).toEqual([
        { path: 'battery_low', message: 'must be true, false or null' },
      ]);
      expect(fastReading({ ...valid, battery_low: bad }, NOW)).toBeUndefined();
    }
    // A number measurement never takes a boolean.
    expect(problems({ ...valid, humidity: true })).toEqual([
      { path: 'humidity', message: 'must be a number or null' },
    ]);
    expect(fastReading({ ...valid, humidity: true }, NOW)).toBeUndefined();
  });

  it('takes a rain counter with its kind, and refuses a kind alone or an unknown one', () => {
    expect(
      schema.parse({ ...valid, rain_counter: 12.7, rain_counter_kind: 'daily' }),
    ).toMatchObject({
      rain_counter: 12.7,
      rain_counter_kind: 'daily',
    });
    expect(schema.parse({ ...valid, rain_counter: 12.7 })).not.toHaveProperty('rain_counter_kind');
    expect(problems({ ...valid, rain_counter_kind: 'daily' })).toEqual([
      { path: 'rain_counter_kind', message: 'is only meaningful with rain_counter' },
    ]);
    expect(problems({ ...valid, rain_counter: 1, rain_counter_kind: 'hourly' })).toEqual([
      {
        path: 'rain_counter_kind',
        message: 'must be one of daily, weekly, monthly, yearly, total',
      },
    ]);
    expect(problems({ ...valid, uv_index: 26 })).toEqual([
      { path: 'uv_index', message: 'must be between 0 and 25' },
    ]);
  });

  it('accepts the edges of every range', () => {
    const edges = {
      temperature: [-90, 65],
      humidity: [0, 100],
      wind_speed: [0, 120],
      wind_direction: [0, 360],
      wind_gust: [0, 150],
      pressure: [850, 1100],
      precipitation: [0, 500],
    };
    for (const [field, [min, max]] of Object.entries(edges)) {
      expect(problems({ ...valid, [field]: min })).toEqual([]);
      expect(problems({ ...valid, [field]: max })).toEqual([]);
      expect(problems({ ...valid, [field]: (max as number) + 0.1 })[0]?.path).toBe(field);
      expect(problems({ ...valid, [field]: (min as number) - 0.1 })[0]?.message).toMatch(/between/);
    }
  });

  it.each([
    ['a string number', { ...valid, temperature: '21' }, 'temperature', /number/],
    ['"NaN"', { ...valid, temperature: 'NaN' }, 'temperature', /number/],
    [
      'a timestamp without a zone',
      { ...valid, timestamp: '2026-06-01T11:00:00' },
      'timestamp',
      /offset/,
    ],
    ['a date only', { ...valid, timestamp: '2026-06-01' }, 'timestamp', /ISO 8601/],
    [
      'a timestamp 6 minutes ahead',
      { ...valid, timestamp: '2026-06-01T12:06:00Z' },
      'timestamp',
      /future/,
    ],
    [
      'a year-0 timestamp (PostgreSQL cannot store it)',
      { ...valid, timestamp: '0000-01-01T00:00:00Z' },
      'timestamp',
      /before 1900/,
    ],
    [
      'year 1 with an offset that moves it into year 0',
      { ...valid, timestamp: '0001-01-01T00:00:00+14:00' },
      'timestamp',
      /before 1900/,
    ],
    [
      'a timestamp just before 1900',
      { ...valid, timestamp: '1899-12-31T23:59:59.999Z' },
      'timestamp',
      /before 1900/,
    ],
    [
      'a missing station id',
      { timestamp: valid.timestamp, temperature: 1 },
      'station_id',
      /required/,
    ],
    ['a missing timestamp', { station_id: 'A', temperature: 1 }, 'timestamp', /required/],
    ['a numeric station id', { ...valid, station_id: 42 }, 'station_id', /must be a string/],
    ['a station id with a quote', { ...valid, station_id: "x'; drop" }, 'station_id', /characters/],
    ['a unicode station id', { ...valid, station_id: 'stación' }, 'station_id', /characters/],
    ['a 65-character station id', { ...valid, station_id: 'a'.repeat(65) }, 'station_id', /1–64/],
    [
      'no measurement at all',
      { station_id: 'A', timestamp: valid.timestamp },
      '(reading)',
      /at least one/,
    ],
    ['only null measurements', { ...valid, temperature: null }, '(reading)', /at least one/],
  ])('rejects %s with the field and the reason', (_name, input, path, message) => {
    const found = problems(input);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.path).toBe(path);
    expect(found[0]?.message).toMatch(message);
  });

  it('accepts 1900-01-01T00:00:00Z, the lower bound, on the fast path and through zod', () => {
    const input = { ...valid, timestamp: '1900-01-01T00:00:00Z' };
    expect(problems(input)).toEqual([]);
    expect(fastReading(input, Date.parse(valid.timestamp))?.timestamp).toBe(
      '1900-01-01T00:00:00.000Z',
    );
  });

  it('allows a timestamp up to 5 minutes ahead (clock skew)', () => {
    expect(problems({ ...valid, timestamp: '2026-06-01T12:04:59Z' })).toEqual([]);
  });

  it('gives equal keys to the same instant written with different offsets', () => {
    const a = schema.parse({ ...valid, timestamp: '2026-06-01T11:00:00Z' });
    const b = schema.parse({ ...valid, timestamp: '2026-06-01T13:00:00.000+02:00' });
    expect(readingKey(a)).toBe(readingKey(b));
  });
});

describe('readingParser (the fast path)', () => {
  const parse = readingParser(() => NOW);

  it('takes well-formed readings without zod, with the same output', () => {
    for (const input of [
      valid,
      { ...valid, timestamp: '2026-06-01T11:59:00.123Z', humidity: null, pressure: 1000 },
      { ...valid, extra: 'dropped', temperature: -90 },
    ]) {
      expect(fastReading(input, NOW)).toEqual(schema.parse(input));
      expect(parse(input)).toEqual({ success: true, data: schema.parse(input) });
    }
  });

  // Seeded, so a failure reproduces: inputs mixing valid and broken values of every field.
  it('agrees with the schema on 20,000 generated inputs', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)] as T;
    const stations = ['ST-1', 'a.b_c:d-e', '', 'x'.repeat(64), 'x'.repeat(65), 'bad id', 42, null];
    const timestamps = [
      '2026-06-01T11:59:00Z',
      '2026-06-01T11:59:00.250Z',
      '2026-06-01T12:04:59Z',
      '2026-06-01T12:05:00.001Z',
      '2026-06-01T12:06:00Z',
      '2026-02-30T10:00:00Z',
      '2025-02-29T10:00:00Z',
      '1900-02-29T10:00:00Z',
      '1900-01-01T00:00:00Z',
      '1899-12-31T23:59:59Z',
      '0099-06-01T10:00:00Z',
      '0100-06-01T10:00:00Z',
      '2000-02-29T10:00:00.999Z',
      '2026-04-31T10:00:00Z',
      '2026-00-10T10:00:00Z',
      '2026-06-00T10:00:00Z',
      '2026-06-01T23:59:59Z',
      '2026-06-01T11:60:00Z',
      '2026-06-01T11:59:60Z',
      '0000-01-01T00:00:00Z',
      '2024-02-29T10:00:00Z',
      '2026-06-01T24:00:00Z',
      '2026-06-01T11:59:00.1Z',
      '2026-06-01T11:59:00+02:00',
      '2026-06-01 11:59:00Z',
      '2026-06-01T11:59Z',
      '2026-06-01T11:59:00',
      '+002026-06-01T11:59:00Z',
      1_780_000_000_000,
      undefined,
    ];
    const numbers = [
      0,
      -0,
      1.5,
      -90,
      65,
      65.01,
      360,
      850,
      1100,
      1e9,
      -1,
      Number.NaN,
      Infinity,
      '12',
      null,
      undefined,
      true,
    ];
    let fast = 0;
    for (let i = 0; i < 20_000; i++) {
      // Mostly valid fields, so that whole inputs are often valid too.
      const input: Record<string, unknown> = {
        station_id: random() < 0.7 ? 'ST-1' : pick(stations),
        timestamp: random() < 0.6 ? '2026-06-01T11:00:00Z' : pick(timestamps),
      };
      for (const name of MEASUREMENT_NAMES) {
        const spec: MeasurementSpec = MEASUREMENTS[name];
        const valid = isFlag(spec) ? random() < 0.5 : spec.min + random() * (spec.max - spec.min);
        const value = random() < 0.9 ? valid : pick(numbers);
        if (value !== undefined || random() < 0.5) input[name] = value;
      }
      const input2 = random() < 0.02 ? pick([null, [], 'text', 7]) : input;
      const expected = schema.safeParse(input2);
      const quick = fastReading(input2, NOW);
      if (quick) {
        fast++;
        expect(expected.success && expected.data).toEqual(quick);
      }
      expect(parse(input2).success).toBe(expected.success);
    }
    expect(fast).toBeGreaterThan(100);
  });
});

describe('dew point', () => {
  it('follows the Magnus formula within a tenth of a degree of tabulated values', () => {
    // Tabulated dew points (°C) for temperature and relative humidity.
    for (const [t, rh, td] of [
      [20, 50, 9.3],
      [30, 80, 26.2],
      [0, 100, 0],
      [25, 60, 16.7],
    ] as const) {
      expect(dewPoint(t, rh)).toBeCloseTo(td, 0);
      expect(Math.abs((dewPoint(t, rh) as number) - td)).toBeLessThan(0.15);
    }
  });

  it('has none without humidity', () => {
    expect(dewPoint(20, 0)).toBeNull();
    expect(dewPoint(20, Number.NaN)).toBeNull();
  });

  it('is derived and flagged only when the reading has none', () => {
    const base = schema.parse({ ...valid, humidity: 50, temperature: 20, wind_speed: null });
    const derived = withDerived(base);
    expect(derived.dew_point).toBeCloseTo(9.3, 1);
    // 20 °C is outside both the wind chill's and the heat index's definitions.
    expect(derived.feels_like).toBe(20);
    expect(derived.wind_chill).toBeNull();
    expect(derived.heat_index).toBeNull();
    expect(derived.qc).toEqual({ dew_point: ['derived'], feels_like: ['derived'] });
    const sent = schema.parse({
      ...valid,
      humidity: 50,
      temperature: 20,
      dew_point: 9,
      feels_like: 20,
    });
    expect(withDerived(sent)).toBe(sent);
    const noTemperature = schema.parse({ ...valid, temperature: null, humidity: 50 });
    expect(withDerived(noTemperature)).toBe(noTemperature);
  });

  it('derives wind chill, heat index and feels-like within their definitions', () => {
    const cold = withDerived(
      schema.parse({ ...valid, temperature: -10, humidity: 80, wind_speed: 10 }),
    );
    expect(cold.wind_chill).toBeCloseTo(-20.5, 0);
    expect(cold.feels_like).toBe(cold.wind_chill);
    expect(cold.heat_index).toBeNull();
    expect(cold.qc).toEqual({
      dew_point: ['derived'],
      wind_chill: ['derived'],
      feels_like: ['derived'],
    });
    const hot = withDerived(
      schema.parse({ ...valid, temperature: 35, humidity: 60, wind_speed: 2 }),
    );
    expect(hot.heat_index).toBeCloseTo(45.1, 0);
    expect(hot.feels_like).toBe(hot.heat_index);
    expect(hot.wind_chill).toBeNull();
    // A station's own wind chill is kept, and feels-like is still derived beside it.
    const sent = withDerived(
      schema.parse({ ...valid, temperature: -10, wind_speed: 10, wind_chill: -19 }),
    );
    expect(sent.wind_chill).toBe(-19);
    expect(sent.qc?.wind_chill).toBeUndefined();
  });
});

describe('readingExtrasSchema (extras on the wire)', () => {
  it('accepts flags, a counter kind and a raw upload', () => {
    const extras = {
      qc: { temperature: ['range'], dew_point: ['derived'] },
      rain_counter_kind: 'yearly',
      raw: { protocol: 'ecowitt', fields: { tempf: '999' }, dropped: { tempf: 'out of range' } },
    };
    expect(readingExtrasSchema.parse(extras)).toEqual(extras);
  });

  it.each([
    ['an unknown measurement', { qc: { visibility: ['range'] } }],
    ['an unknown flag', { qc: { temperature: ['odd'] } }],
    ['an empty flag list', { qc: { temperature: [] } }],
    ['an unknown protocol', { raw: { protocol: 'davis', fields: {} } }],
    ['a non-text field', { raw: { protocol: 'ecowitt', fields: { tempf: 70 } } }],
    ['a huge field', { raw: { protocol: 'ecowitt', fields: { tempf: 'x'.repeat(300) } } }],
    [
      'too many fields',
      {
        raw: {
          protocol: 'ecowitt',
          fields: Object.fromEntries(Array.from({ length: 401 }, (_, i) => [`k${i}`, '1'])),
        },
      },
    ],
  ])('refuses %s', (_, extras) => {
    expect(readingExtrasSchema.safeParse(extras).success).toBe(false);
  });
});
