import { NET_RADIATION, SNOWFALL_RATE } from '@weather/core/example-measurements';
import { type Catalogue, MEASUREMENTS } from '@weather/core/measurements';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CSV_COLUMNS, csvColumnsFor, csvFor } from './csv';
import { aggregateResult, apiSchemasFor, bucket, readingRow, timeseriesResult } from './schemas';

// The catalogue with one more measurement of each shape: a mean and a total.
const EXTENDED = {
  ...MEASUREMENTS,
  net_radiation: NET_RADIATION,
  snowfall_rate: SNOWFALL_RATE,
} as const satisfies Catalogue;

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'output' });
const stats = { count: 2, min: 1, max: 3, avg: 2, flagged: 0 };

describe('API schemas from the catalogue', () => {
  it('are the exported schemas for the default catalogue', () => {
    const schemas = apiSchemasFor();
    expect(json(schemas.readingRow)).toEqual(json(readingRow));
    expect(json(schemas.bucket)).toEqual(json(bucket));
    expect(json(schemas.aggregateResult)).toEqual(json(aggregateResult));
    expect(json(schemas.timeseriesResult)).toEqual(json(timeseriesResult));
  });

  it('give a reading a nullable number for an added measurement, described with its unit', () => {
    const { readingRow } = apiSchemasFor(EXTENDED);
    const properties = json(readingRow).properties ?? {};
    expect(Object.keys(properties)).toEqual([
      'station_id',
      'timestamp',
      ...Object.keys(EXTENDED),
      'received_at',
      'rain_counter_kind',
      'qc',
    ]);
    expect(properties.net_radiation).toEqual({
      type: ['number', 'null'],
      description: 'Net radiation (W/m²)',
    });
  });

  it('give an added measurement the figures of its aggregation in buckets and aggregates', () => {
    const { bucket, aggregateResult } = apiSchemasFor(EXTENDED);
    const row = {
      bucket: '2026-01-01T00:00:00.000Z',
      count: 2,
      ...Object.fromEntries(Object.keys(MEASUREMENTS).map((name) => [name, null])),
      precipitation: { ...stats, sum: 4 },
      net_radiation: stats,
      snowfall_rate: { ...stats, sum: 4 },
    };
    expect(bucket.parse(row)).toEqual(row);
    // A total needs its sum; a mean has none (an extra field is dropped from the answer).
    expect(bucket.safeParse({ ...row, snowfall_rate: stats }).success).toBe(false);
    expect(bucket.parse({ ...row, net_radiation: { ...stats, sum: 4 } }).net_radiation).toEqual(
      stats,
    );

    const measurements = json(aggregateResult).properties?.measurements as {
      properties: Record<string, { required: string[] }>;
    };
    expect(Object.keys(measurements.properties)).toEqual(Object.keys(EXTENDED));
    expect(measurements.properties.net_radiation?.required).toEqual([
      'count',
      'min',
      'max',
      'avg',
      'flagged',
    ]);
    expect(measurements.properties.snowfall_rate?.required).toEqual([
      'count',
      'min',
      'max',
      'avg',
      'flagged',
      'sum',
    ]);
  });
});

describe('CSV columns from the catalogue', () => {
  it('are the published columns for the default catalogue', () => {
    expect(csvColumnsFor()).toEqual(CSV_COLUMNS);
  });

  it('name an added measurement with its unit suffix, before received_at', () => {
    expect(csvColumnsFor(EXTENDED).slice(-5)).toEqual([
      'net_radiation_w_m2',
      'snowfall_rate_mm_h',
      'received_at',
      'rain_counter_kind',
      'qc',
    ]);
    const csv = csvFor(EXTENDED);
    const row = {
      station_id: 'ST-1',
      timestamp: '2026-01-01T00:00:00.000Z',
      received_at: '2026-01-01T00:00:01.000Z',
      ...Object.fromEntries(Object.keys(MEASUREMENTS).map((name) => [name, null])),
      net_radiation: 812,
      snowfall_rate: null,
    } as Parameters<typeof csv.row>[0];
    expect(csv.header().split(',')).toHaveLength(csvColumnsFor(EXTENDED).length);
    // Every default measurement empty, then the two added ones.
    const empty = ','.repeat(Object.keys(MEASUREMENTS).length);
    expect(csv.row(row)).toBe(
      `ST-1,2026-01-01T00:00:00.000Z${empty},812,,2026-01-01T00:00:01.000Z,,\n`,
    );
  });
});
