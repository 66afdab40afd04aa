import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, InvalidCursorError, insertReadings, listReadings } from '../src';
import { backends, planOf, reading, recordingStatements } from './query-helpers';

const TOTAL = 12_345;
const origin = Date.UTC(2026, 0, 1);
// Irregular steps (4–16 s), so pages do not line up with round timestamps.
const timestamps = Array.from({ length: TOTAL }, (_, i) =>
  new Date(origin + i * 10_000 + ((i * 7919) % 7) * 1000 - 3000).toISOString(),
);

describe.each(backends)('listReadings paging on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await backend.open('paging'));
    // Other stations have readings at exactly the same timestamps.
    for (const station of ['P', 'O', 'Q']) {
      await insertReadings(
        db,
        timestamps.map((ts, i) => reading(station, ts, { temperature: (i % 80) - 20 })),
      );
    }
  }, 120_000);
  afterAll(() => close());

  it('returns each of 12,345 readings exactly once, in order, 500 at a time', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listReadings>> = await listReadings(db, {
        stationId: 'P',
        limit: 500,
        cursor,
      });
      expect(page.readings.every((r) => r.station_id === 'P')).toBe(true);
      seen.push(...page.readings.map((r) => r.timestamp));
      pageSizes.push(page.readings.length);
      cursor = page.next_cursor;
    } while (cursor !== null && pageSizes.length < 100);
    expect(seen).toEqual(timestamps);
    expect(pageSizes).toEqual([...Array(24).fill(500), 345]);
  });

  it('reads a page through the primary key index, not a scan of the table', async () => {
    await db.execute(sql`analyze weather_readings`);
    const recorder = recordingStatements(db);
    const first = await listReadings(recorder.db, { stationId: 'P', limit: 500 });
    await listReadings(recorder.db, { stationId: 'P', limit: 500, cursor: first.next_cursor });
    const query = recorder.statements.at(-1);
    if (!query) throw new Error('listReadings ran no statement');
    const plan = await planOf(db, query);
    expect(plan).toMatch(/Index Scan using \S*weather_readings_station_id_ts_pk/);
    expect(plan).not.toMatch(/Seq Scan|Sort/);
  });

  it('ends with a null cursor when the last page is exactly full, and honours start and end', async () => {
    const range = {
      start: new Date(timestamps[1000] ?? ''),
      end: new Date(timestamps[2000] ?? ''),
    };
    const first = await listReadings(db, { stationId: 'P', ...range, limit: 500 });
    const second = await listReadings(db, {
      stationId: 'P',
      ...range,
      limit: 500,
      cursor: first.next_cursor,
    });
    expect(first.next_cursor).not.toBeNull();
    expect(second.next_cursor).toBeNull();
    expect([...first.readings, ...second.readings].map((r) => r.timestamp)).toEqual(
      timestamps.slice(1000, 2000),
    );
  });

  it('pages the same way inside a transaction', async () => {
    const outside = await listReadings(db, { stationId: 'P', limit: 3 });
    const inside = await db.transaction(async (tx) => {
      const page = await listReadings(tx, { stationId: 'P', limit: 3 });
      return {
        page,
        next: await listReadings(tx, { stationId: 'P', limit: 3, cursor: page.next_cursor }),
      };
    });
    expect(inside.page).toEqual(outside);
    expect(inside.next.readings.map((r) => r.timestamp)).toEqual(timestamps.slice(3, 6));
  });

  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['not base64url at all', '!!!'],
    ['empty', ''],
    ['not a date', b64('hello')],
    ['an impossible date', b64('2026-02-30T00:00:00.000Z')],
    ['a date in another format', b64('2026-01-01 00:00:00')],
    ['standard base64 padding', `${b64('2026-01-01T00:00:00.000Z')}==`],
  ])('rejects a malformed cursor (%s) with InvalidCursorError', async (_, cursor) => {
    const call = listReadings(db, { stationId: 'P', limit: 10, cursor });
    await expect(call).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(call).rejects.toThrow(/invalid cursor/);
  });
});
