import { apiSchemasFor, csvColumnsFor } from '@weather/api';
import { NET_RADIATION } from '@weather/core/example-measurements';
import { type Catalogue, MEASUREMENTS } from '@weather/core/measurements';
import { readingSchema } from '@weather/core/reading';
import { readingsTable, rebuildRollupsSql, rollupViewSql } from '@weather/db';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chartsFor } from '../src/lib/catalogue';

// SPEC §14: adding a measurement is one catalogue entry plus a generated migration. A catalogue
// with one extra entry must reach every layer that lists measurements, with no other edit.
const extended = {
  ...MEASUREMENTS,
  net_radiation: NET_RADIATION,
} as const satisfies Catalogue;

const NOW = Date.parse('2026-06-01T12:00:00Z');
const reading = { station_id: 'ST-1', timestamp: '2026-06-01T11:00:00Z' };

describe('a catalogue with one more measurement', () => {
  it('validates it in readings: in range accepted, out of range refused with its unit', () => {
    const schema = readingSchema(() => NOW, extended);
    expect(schema.parse({ ...reading, net_radiation: 640 }).net_radiation).toBe(640);
    const refused = schema.safeParse({ ...reading, net_radiation: 2001 });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe('must be between 0 and 2000 W/m²');
  });

  it('gives the table its column, and the generated migration adds exactly that column', async () => {
    expect(Object.keys(readingsTable(extended))).toContain('net_radiation');
    const before = generateDrizzleJson({ weatherReadings: readingsTable(MEASUREMENTS) });
    const after = generateDrizzleJson({ weatherReadings: readingsTable(extended) }, before.id);
    const statements = await generateMigration(before, after);
    expect(statements).toEqual([
      'ALTER TABLE "weather_readings" ADD COLUMN "net_radiation" double precision;',
    ]);
  });

  it('puts its partial sums into the rollup views and their rebuild', () => {
    const view = rollupViewSql(extended, { name: 'weather_readings_hourly', bucket: '1 hour' });
    for (const part of ['count', 'sum', 'min', 'max']) {
      expect(view).toContain(`AS net_radiation_${part}`);
    }
    expect(rebuildRollupsSql(extended)).toContain('net_radiation_sum');
  });

  it('adds it to the API schemas (readings, buckets, aggregates), hence the OpenAPI document', () => {
    const schemas = apiSchemasFor(extended);
    const row = z.toJSONSchema(schemas.readingRow) as { properties: Record<string, unknown> };
    expect(row.properties).toHaveProperty('net_radiation');
    const bucketStats = schemas.bucket.shape.net_radiation.unwrap();
    expect(Object.keys(bucketStats.shape).sort()).toEqual([
      'avg',
      'count',
      'flagged',
      'max',
      'min',
    ]);
    expect(schemas.aggregateResult.shape.measurements.shape).toHaveProperty('net_radiation');
  });

  it('adds its CSV column with the unit suffix, and its chart at its place', () => {
    expect(csvColumnsFor(extended).at(-4)).toBe('net_radiation_w_m2');
    // Last: its chart order is after every catalogue entry's.
    expect(chartsFor(extended).map((chart) => chart.name)).toEqual([
      ...chartsFor(MEASUREMENTS).map((chart) => chart.name),
      'net_radiation',
    ]);
  });
});
