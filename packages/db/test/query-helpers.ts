import { type Measurement, readingSchema } from '@weather/core/reading';
import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf, type StoredReading } from '../src';
import { createTestDatabase, createTimescaleTestDb } from '../src/testing';

export const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';

// A clock far ahead, so the 5-minute future limit never rejects test data.
const parse = readingSchema(() => Date.parse('2030-01-01T00:00:00Z'));

export function reading(
  stationId: string,
  timestamp: string | Date,
  measurements: Partial<Record<Measurement, number | null>>,
  receivedAt = '2026-06-01T00:00:00.000Z',
): StoredReading {
  const iso = typeof timestamp === 'string' ? timestamp : timestamp.toISOString();
  return {
    ...parse.parse({ station_id: stationId, timestamp: iso, ...measurements }),
    received_at: receivedAt,
  };
}

export interface OpenBackend {
  db: Database;
  close: () => Promise<void>;
}

/** The two databases every shared behaviour is tested on, each a fresh database per test file. */
export const backends = [
  {
    name: 'PostgreSQL',
    timescale: false,
    open: async (label: string): Promise<OpenBackend> => {
      const t = await createTestDatabase(baseUrl, label);
      return { db: t.db as Database, close: t.drop };
    },
  },
  {
    name: 'TimescaleDB (in-process)',
    timescale: true,
    open: async (): Promise<OpenBackend> => {
      const t = await createTimescaleTestDb();
      return { db: t.db, close: t.close };
    },
  },
];

/**
 * Paths where two JSON-like values differ: numbers may differ by 1e-9 relative (floating-point
 * sums in a different order), everything else must be equal. Empty when they match.
 */
export function differences(actual: unknown, expected: unknown, path = '$'): string[] {
  if (typeof actual === 'number' && typeof expected === 'number') {
    const close = Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    return close ? [] : [`${path}: ${actual} vs ${expected}`];
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) {
      return [`${path}: length ${actual.length} vs ${expected.length}`];
    }
    return actual.flatMap((item, i) => differences(item, expected[i], `${path}[${i}]`));
  }
  if (isObject(actual) && isObject(expected)) {
    const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])];
    return keys.flatMap((key) => differences(actual[key], expected[key], `${path}.${key}`));
  }
  return Object.is(actual, expected)
    ? []
    : [`${path}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `db` that records every statement it executes, to inspect the plan of a query function's SQL. */
export function recordingStatements(db: Database) {
  const statements: SQL[] = [];
  const recording = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'execute') return Reflect.get(target, property, receiver);
      return (query: SQL) => {
        statements.push(query);
        return target.execute(query);
      };
    },
  });
  return { db: recording, statements };
}

/** The text plan of `query`, one line per node. */
export async function planOf(db: Database, query: SQL): Promise<string> {
  const rows = rowsOf<Record<string, string>>(await db.execute(sql`explain ${query}`));
  return rows.map((row) => Object.values(row)[0]).join('\n');
}
