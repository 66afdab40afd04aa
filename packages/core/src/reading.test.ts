import { describe, expect, it } from 'vitest';
import { describeIssues, readingKey, readingSchema } from './reading';

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
      station_id: 'ST-001',
      timestamp: '2026-06-01T11:30:00.000Z',
      temperature: 21.5,
      humidity: null,
      wind_speed: null,
      wind_direction: null,
      wind_gust: null,
      pressure: null,
      precipitation: null,
    });
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

  it('allows a timestamp up to 5 minutes ahead (clock skew)', () => {
    expect(problems({ ...valid, timestamp: '2026-06-01T12:04:59Z' })).toEqual([]);
  });

  it('gives equal keys to the same instant written with different offsets', () => {
    const a = schema.parse({ ...valid, timestamp: '2026-06-01T11:00:00Z' });
    const b = schema.parse({ ...valid, timestamp: '2026-06-01T13:00:00.000+02:00' });
    expect(readingKey(a)).toBe(readingKey(b));
  });
});
