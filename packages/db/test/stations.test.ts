import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Database,
  InvalidCursorError,
  insertReadings,
  latestReadings,
  listStations,
  stationExists,
} from '../src';
import { backends, planOf, reading, recordingStatements } from './query-helpers';

const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 12, minute)).toISOString();
const receivedAt = (minute: number) => new Date(Date.UTC(2026, 4, 1, 13, minute)).toISOString();

describe.each(backends)('stations on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await backend.open('stations'));
  }, 60_000);
  afterAll(() => close());

  it('knows no stations in an empty database', async () => {
    expect(await listStations(db)).toEqual({ stations: [], next_cursor: null });
    expect(await latestReadings(db, ['A'])).toEqual([]);
    expect(await stationExists(db, 'A')).toBe(false);
  });

  it('lists every station with its newest reading, ordered by id', async () => {
    // Arrival order differs from timestamp order: A's newest reading comes first.
    await insertReadings(db, [reading('B', at(5), { temperature: 7 }, receivedAt(0))]);
    await insertReadings(db, [
      reading('A', at(10), { temperature: 21.5, wind_direction: 90 }, receivedAt(1)),
      reading('A', at(3), { temperature: 19 }, receivedAt(1)),
    ]);
    await insertReadings(db, [reading('A', at(7), { temperature: 20 }, receivedAt(2))]);

    expect((await listStations(db)).stations).toEqual([
      {
        station_id: 'A',
        name: null,
        description: null,
        latitude: null,
        longitude: null,
        elevation: null,
        timezone: 'UTC',
        tags: [],
        enabled: true,
        gateway_id: null,
        first_seen: receivedAt(1),
        last_seen: receivedAt(2),
        latest: {
          ...ABSENT_MEASUREMENTS,
          qc: null,
          rain_counter_kind: null,
          station_id: 'A',
          timestamp: at(10),
          temperature: 21.5,
          humidity: null,
          wind_speed: null,
          wind_direction: 90,
          wind_gust: null,
          pressure: null,
          precipitation: null,
          received_at: receivedAt(1),
        },
      },
      expect.objectContaining({
        station_id: 'B',
        first_seen: receivedAt(0),
        latest: expect.objectContaining({ station_id: 'B', timestamp: at(5), temperature: 7 }),
      }),
    ]);
  });

  it('follows newer readings as they arrive', async () => {
    await insertReadings(db, [reading('B', at(30), { humidity: 55.25 }, receivedAt(3))]);
    const { stations } = await listStations(db);
    expect(stations.map((s) => [s.station_id, s.latest?.timestamp])).toEqual([
      ['A', at(10)],
      ['B', at(30)],
    ]);
    expect(stations[1]?.latest).toMatchObject({ temperature: null, humidity: 55.25 });
    expect(stations[1]?.last_seen).toBe(receivedAt(3));
  });

  it('returns the newest reading of the stations asked for, leaving out unknown ids', async () => {
    const latest = await latestReadings(db, ['B', 'nope', 'A']);
    expect(latest.map((r) => [r.station_id, r.timestamp])).toEqual([
      ['A', at(10)],
      ['B', at(30)],
    ]);
    expect(latest[0]).toMatchObject({ temperature: 21.5, received_at: receivedAt(1) });
    expect(await latestReadings(db, [])).toEqual([]);
  });

  it('tells whether a station exists', async () => {
    expect(await stationExists(db, 'A')).toBe(true);
    expect(await stationExists(db, 'a')).toBe(false);
    expect(await stationExists(db, 'nope')).toBe(false);
  });

  it('sees uncommitted readings inside a transaction, and nothing after a rollback', async () => {
    const rollback = new Error('rollback');
    await expect(
      db.transaction(async (tx) => {
        await insertReadings(tx, [reading('C', at(40), { pressure: 1001 }, receivedAt(4))]);
        expect(await stationExists(tx, 'C')).toBe(true);
        expect((await latestReadings(tx, ['C']))[0]?.pressure).toBe(1001);
        expect((await listStations(tx)).stations.map((s) => s.station_id)).toEqual(['A', 'B', 'C']);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await stationExists(db, 'C')).toBe(false);
  });

  it('pages stations by id with a cursor, filtered by id or name', async () => {
    await insertReadings(db, [
      reading('A_1', at(41), { temperature: 1 }, receivedAt(5)),
      reading('AX1', at(41), { temperature: 2 }, receivedAt(5)),
    ]);
    await db.execute(sql`update stations set name = 'Hill 50%' where id = 'B'`);
    const ids = async (params: Parameters<typeof listStations>[1]) => {
      const page = await listStations(db, params);
      return [page.stations.map((s) => s.station_id), page.next_cursor] as const;
    };

    // Two pages of two make up the whole list, in its order (the database's collation decides it).
    const [all] = await ids({});
    expect(all).toHaveLength(4);
    const [first, cursor] = await ids({ limit: 2 });
    expect(first).toEqual(all.slice(0, 2));
    expect(cursor).toEqual(expect.any(String));
    expect(await ids({ limit: 2, cursor })).toEqual([all.slice(2), null]);
    expect(await ids({ limit: 4 })).toEqual([all, null]);
    // `_` and `%` are literal characters, not LIKE wildcards; names match too, in any case.
    expect(await ids({ search: 'a_' })).toEqual([['A_1'], null]);
    expect(await ids({ search: 'hill 50%' })).toEqual([['B'], null]);
    expect(await ids({ search: '50%x' })).toEqual([[], null]);
    expect(await ids({ search: 'x', limit: 1 })).toEqual([['AX1'], null]);
    expect(await ids({ stationIds: ['B', 'A_1', 'nope'] })).toEqual([['A_1', 'B'], null]);
    await expect(listStations(db, { cursor: 'not a cursor!' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(listStations(db, { limit: 0 })).rejects.toBeInstanceOf(RangeError);
  });

  it('finds newest readings by primary-key lookups, never by scanning the readings', async () => {
    const recorder = recordingStatements(db);
    await listStations(recorder.db);
    await latestReadings(recorder.db, ['A', 'B']);
    for (const query of recorder.statements) {
      // The tables are tiny, where a scan is the cheapest plan; with scans priced out the plan
      // shows whether a per-station index lookup exists at all.
      const plan = await db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        return planOf(tx, query);
      });
      expect(plan).toMatch(/Index Scan using \S*weather_readings_station_id_ts_pk/);
      expect(plan).not.toMatch(/Seq Scan on (weather_readings|_hyper)/);
    }
  });
});
