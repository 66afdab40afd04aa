import { Writable } from 'node:stream';
import { decodeMessage, encodeMessage, HEADERS } from '@weather/contracts/kafka-message';
import { createLogger } from '@weather/core/logger';
import { ABSENT_MEASUREMENTS, type Reading, readingKey, withDerived } from '@weather/core/reading';
import type { StoredReading } from '@weather/db';
import { describe, expect, it } from 'vitest';
import type { StoredBatch } from './live';
import {
  ChunkAbandoned,
  type DeadLetter,
  type InboundMessage,
  type ProcessorDeps,
  processChunk,
} from './processor';
import { SeenKeys } from './seen-keys';
import { ConsumerStats } from './stats';

const logger = createLogger({
  service: 'test',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const receivedAt = new Date('2026-06-02T12:00:00.000Z');

function reading(station: string, minute: number): Reading {
  return {
    ...ABSENT_MEASUREMENTS,
    station_id: station,
    timestamp: new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString(),
    temperature: 10 + (minute % 20),
    humidity: 50,
    wind_speed: null,
    wind_direction: null,
    wind_gust: null,
    pressure: null,
    precipitation: null,
  };
}

function message(offset: number, readings: Reading[]): InboundMessage {
  return {
    topic: 'weather.readings',
    partition: 3,
    offset: String(offset),
    key: Buffer.from(readings[0]?.station_id ?? ''),
    value: encodeMessage(receivedAt, readings),
    headers: {
      [HEADERS.source]: 'test',
      [HEADERS.traceparent]: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    },
  };
}

/** As drizzle throws it: the driver's error under a wrapper whose message is the statement. */
const failedQuery = (cause: Error) =>
  Object.assign(new Error('Failed query: insert into weather_readings ...\nparams: {...}'), {
    cause,
  });

/**
 * A table in memory with the database's atomicity: a statement with any refused row stores
 * nothing. Rows of `refuse` stations are refused the way a trigger raising an exception would.
 */
function fakeDatabase(refuse: (row: StoredReading) => boolean) {
  const table = new Map<string, StoredReading>();
  const statements: StoredReading[][] = [];
  let outages = 0;
  return {
    table,
    statements,
    failNext(times: number) {
      outages = times;
    },
    store: async (rows: StoredReading[]) => {
      statements.push(rows);
      if (outages > 0) {
        outages--;
        throw failedQuery(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
        );
      }
      const bad = rows.find(refuse);
      if (bad) {
        throw failedQuery(
          Object.assign(new Error(`station ${bad.station_id} is not accepted`), {
            code: 'P0001',
            severity: 'ERROR',
          }),
        );
      }
      let inserted = 0;
      for (const row of rows) {
        const key = readingKey(row);
        if (table.has(key)) continue;
        table.set(key, { ...row });
        inserted++;
      }
      return { inserted };
    },
  };
}

function setup(refuse: (row: StoredReading) => boolean = () => false) {
  const database = fakeDatabase(refuse);
  const letters: DeadLetter[] = [];
  const notified: StoredBatch[] = [];
  const deps: ProcessorDeps = {
    store: database.store,
    deadLetter: async (batch) => void letters.push(...batch),
    notify: async (batch) => void notified.push(batch),
    seen: new SeenKeys(100_000),
    stats: new ConsumerStats(),
    logger,
    retry: { initialMs: 1, maxMs: 2 },
  };
  let stop = false;
  const control = {
    heartbeat: async () => {},
    shouldStop: () => stop,
    stopNow: () => {
      stop = true;
    },
  };
  return { database, letters, notified, deps, control };
}

describe('processChunk with a database that refuses some readings', () => {
  it('stores a clean chunk in one statement on the chunk’s own rows', async () => {
    const { database, letters, deps, control } = setup();
    const messages = [0, 1, 2].map((m) =>
      message(
        m,
        Array.from({ length: 100 }, (_, i) => reading(`ST-${i % 10}`, m * 100 + i)),
      ),
    );
    await processChunk(messages, deps, control);
    expect(database.statements).toHaveLength(1);
    expect(database.statements[0]).toHaveLength(300);
    expect(database.table.size).toBe(300);
    expect(letters).toEqual([]);
    expect(deps.stats.inserted).toBe(300);
    expect(deps.stats.deadLettered).toBe(0);
  });

  it('isolates each refused reading, dead-letters it as a replayable record, and stores every other one once', async () => {
    const { database, letters, notified, deps, control } = setup(
      (row) => row.station_id === 'REFUSED',
    );
    // Five records of 200 readings; three refused readings inside records 0, 2 and 4, and one
    // record that fails validation.
    const messages = [0, 1, 2, 3, 4].map((m) => {
      const readings = Array.from({ length: 200 }, (_, i) => reading(`ST-${i % 20}`, m * 200 + i));
      if (m % 2 === 0) readings[17 + m * 30] = reading('REFUSED', m);
      return message(10 + m, readings);
    });
    messages.splice(2, 0, { ...message(99, [reading('ST-X', 1)]), value: Buffer.from('not JSON') });

    await processChunk(messages, deps, control);

    expect(database.table.size).toBe(997);
    expect([...database.table.keys()].some((k) => k.startsWith('REFUSED'))).toBe(false);
    expect(letters).toHaveLength(4);
    const refused = letters.filter((l) => l.error.startsWith('database refused the reading'));
    expect(refused.map((l) => l.message.offset)).toEqual(['10', '12', '14']);
    for (const [i, letter] of refused.entries()) {
      expect(letter.error).toBe(
        'database refused the reading: station REFUSED is not accepted (SQLSTATE P0001)',
      );
      expect(letter.message).toMatchObject({ topic: 'weather.readings', partition: 3 });
      expect(letter.message.headers?.[HEADERS.source]).toBe('test');
      expect(String(letter.message.key)).toBe('REFUSED');
      const decoded = decodeMessage(letter.message.value);
      expect(decoded).toEqual({
        ok: true,
        receivedAt,
        // As the consumer would store it: with its derived dew point, flagged.
        readings: [withDerived(reading('REFUSED', i * 2))],
      });
    }
    // About 2·log2(1000) statements per refused reading, not one per row.
    expect(database.statements.length).toBeLessThanOrEqual(1 + 3 * 2 * 10);
    expect(deps.stats).toMatchObject({
      received: 1000,
      inserted: 997,
      deadLettered: 4,
      deadLetteredDatabase: 3,
      duplicatesDatabase: 0,
      databaseRetries: 0,
    });
    expect(deps.seen.has(readingKey(reading('REFUSED', 0)))).toBe(false);
    expect(deps.seen.has(readingKey(reading('ST-0', 0)))).toBe(true);
    expect(notified.flatMap((b) => [...b.stations.keys()])).not.toContain('REFUSED');
  });

  it('dead-letters every row when each is refused, in 2n − 1 statements', async () => {
    const { database, letters, deps, control } = setup(() => true);
    await processChunk(
      [
        message(
          0,
          Array.from({ length: 8 }, (_, i) => reading('ST-1', i)),
        ),
      ],
      deps,
      control,
    );
    expect(letters).toHaveLength(8);
    expect(database.statements).toHaveLength(15);
    expect(database.table.size).toBe(0);
    expect(deps.stats.deadLetteredDatabase).toBe(8);
  });

  it('retries an unreachable database without dead-lettering, then stores, and reports the outage briefly', async () => {
    const { database, letters, deps, control } = setup();
    database.failNext(3);
    const seenErrors: (string | null)[] = [];
    const store = deps.store;
    deps.store = async (rows) => {
      seenErrors.push(deps.stats.databaseError);
      return store(rows);
    };
    await processChunk([message(0, [reading('ST-1', 0), reading('ST-2', 0)])], deps, control);
    expect(database.table.size).toBe(2);
    expect(letters).toEqual([]);
    expect(deps.stats.databaseRetries).toBe(3);
    expect(seenErrors.at(-1)).toBe('connection refused (ECONNREFUSED)');
    expect(deps.stats.databaseError).toBeNull();
  });

  it('gives up the chunk during an outage when the partition is taken away, dead-lettering nothing', async () => {
    const { database, letters, deps, control } = setup();
    database.failNext(1_000);
    const running = processChunk([message(0, [reading('ST-1', 0)])], deps, control);
    setTimeout(control.stopNow, 50);
    await expect(running).rejects.toBeInstanceOf(ChunkAbandoned);
    expect(letters).toEqual([]);
    expect(database.table.size).toBe(0);
    expect(deps.seen.size).toBe(0);
  });
});
