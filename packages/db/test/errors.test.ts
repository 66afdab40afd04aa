import net from 'node:net';
import { ABSENT_MEASUREMENTS } from '@weather/core/reading';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyDatabaseError,
  DATABASE_ERROR_MAX_LENGTH,
  type DatabaseErrorInfo,
  insertReadings,
  type StoredReading,
} from '../src';
import { createTestDatabase } from '../src/testing';

const baseUrl =
  process.env.DATABASE_URL ?? 'postgres://weather:weather@127.0.0.1:5432/weather_test';

const row = (station: string, timestamp: string): StoredReading => ({
  ...ABSENT_MEASUREMENTS,
  station_id: station,
  timestamp,
  temperature: 12.5,
  humidity: 50,
  wind_speed: null,
  wind_direction: null,
  wind_gust: null,
  pressure: null,
  precipitation: null,
  received_at: '2026-06-01T12:00:00.000Z',
});

async function failure(run: () => Promise<unknown>): Promise<DatabaseErrorInfo> {
  try {
    await run();
  } catch (error) {
    return classifyDatabaseError(error);
  }
  throw new Error('expected the statement to fail');
}

/** Nothing in a description may come from the statement or its parameters. */
function expectSafe(info: DatabaseErrorInfo) {
  expect(info.message.length).toBeLessThanOrEqual(DATABASE_ERROR_MAX_LENGTH);
  expect(info.message).not.toMatch(/insert into|unnest|Failed query|params:|12\.5/i);
  expect(info.message).not.toContain('\n');
}

describe('classifyDatabaseError against a real PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    database = await createTestDatabase(baseUrl, 'errors');
    await database.pool.query(`
      create function refuse_station() returns trigger language plpgsql as $$
      begin
        if new.station_id = 'REFUSED' then
          raise exception 'station % is not accepted', new.station_id;
        end if;
        return new;
      end $$`);
    await database.pool.query(
      'create trigger refuse_station before insert on weather_readings for each row execute function refuse_station()',
    );
    await database.pool.query(
      `alter table weather_readings add constraint temperature_not_exactly_42 check (temperature <> 42)`,
    );
  }, 60_000);
  afterAll(() => database.drop());

  it('calls a year-0 timestamp content (22008) and keeps the 2 KB statement out of the message', async () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      row(`ST-${i}`, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()),
    );
    rows.push(row('ST-0', '0000-01-01T00:00:00.000Z'));
    const info = await failure(() => insertReadings(database.db, rows));
    expect(info).toMatchObject({ kind: 'content', code: '22008' });
    expect(info.message).toMatch(/^date\/time field value out of range: .* \(SQLSTATE 22008\)$/);
    expectSafe(info);
  });

  it('calls a trigger raising an exception content (P0001), with the trigger’s own message', async () => {
    const info = await failure(() =>
      insertReadings(database.db, [row('REFUSED', '2026-01-01T00:00:00.000Z')]),
    );
    expect(info).toEqual({
      kind: 'content',
      code: 'P0001',
      message: 'station REFUSED is not accepted (SQLSTATE P0001)',
    });
  });

  it('calls a CHECK constraint violation content (23514)', async () => {
    const reading = { ...row('ST-1', '2026-01-01T00:00:00.000Z'), temperature: 42 };
    const info = await failure(() => insertReadings(database.db, [reading]));
    expect(info).toMatchObject({ kind: 'content', code: '23514' });
    expect(info.message).toContain('temperature_not_exactly_42');
    expectSafe(info);
  });

  it('calls a read-only server transient (25006): the rows are fine, the server is not', async () => {
    const client = await database.pool.connect();
    try {
      await client.query('set default_transaction_read_only = on');
      const info = await failure(() =>
        client.query('insert into stations (id) values ($1)', ['X']),
      );
      expect(info).toEqual({
        kind: 'transient',
        code: '25006',
        message: 'cannot execute INSERT in a read-only transaction (SQLSTATE 25006)',
      });
    } finally {
      await client.query('reset default_transaction_read_only');
      client.release();
    }
  });

  it('calls a terminated connection unavailable (57P01)', async () => {
    const victim = new pg.Client({ connectionString: database.url });
    await victim.connect();
    victim.on('error', () => {});
    try {
      const pid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid as number;
      const running = failure(() => victim.query('select pg_sleep(30)'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await database.pool.query('select pg_terminate_backend($1)', [pid]);
      const info = await running;
      expect(info).toMatchObject({ kind: 'unavailable', code: '57P01' });
      expectSafe(info);
    } finally {
      await victim.end().catch(() => {});
    }
  });

  it('calls a database that refuses connections unavailable (55000)', async () => {
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    const other = await createTestDatabase(baseUrl, 'errors_closed');
    try {
      await admin.query(`alter database "${other.name}" allow_connections false`);
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
        [other.name],
      );
      // A pooled connection terminated a moment ago may answer first (57P01): unavailable too.
      const attempts: DatabaseErrorInfo[] = [];
      while (attempts.at(-1)?.code !== '55000' && attempts.length < 5) {
        attempts.push(
          await failure(() => insertReadings(other.db, [row('ST-1', '2026-01-01T00:00:00.000Z')])),
        );
      }
      expect(attempts.every((a) => a.kind === 'unavailable')).toBe(true);
      expect(attempts.at(-1)).toEqual({
        kind: 'unavailable',
        code: '55000',
        message: `database "${other.name}" is not currently accepting connections (SQLSTATE 55000)`,
      });
    } finally {
      await admin.query(`alter database "${other.name}" allow_connections true`);
      await admin.end();
      await other.drop();
    }
  });

  it('calls a refused TCP connection unavailable, described without the address', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'weather', database: 'x' });
    const info = await failure(() => client.connect());
    expect(info).toEqual({
      kind: 'unavailable',
      code: 'ECONNREFUSED',
      message: 'connection refused (ECONNREFUSED)',
    });
  });
});

describe('classifyDatabaseError by SQLSTATE', () => {
  const pgError = (code: string, message = 'something happened') =>
    Object.assign(new Error(message), { code, severity: 'ERROR' });
  // How drizzle wraps the driver's error: its own message is the statement and every parameter.
  const wrapped = (cause: unknown) =>
    Object.assign(new Error(`Failed query: insert into t values ($1)\nparams: secret`), { cause });

  it.each([
    ['22008', 'content'],
    ['22P02', 'content'],
    ['23502', 'content'],
    ['23505', 'content'],
    ['23503', 'content'],
    ['21000', 'content'],
    ['54000', 'content'],
    ['P0001', 'content'],
    ['P0004', 'content'],
    ['08006', 'unavailable'],
    ['08001', 'unavailable'],
    ['53300', 'unavailable'],
    ['53100', 'unavailable'],
    ['57P01', 'unavailable'],
    ['57P03', 'unavailable'],
    ['57014', 'timeout'],
    ['28P01', 'unavailable'],
    ['3D000', 'unavailable'],
    ['55000', 'unavailable'],
    ['40001', 'transient'],
    ['40P01', 'transient'],
    ['55P03', 'transient'],
    ['25006', 'transient'],
    ['42501', 'transient'],
    ['42804', 'transient'],
    ['42P01', 'transient'],
    ['XX000', 'transient'],
  ])('%s is %s', (code, kind) => {
    expect(classifyDatabaseError(wrapped(pgError(code)))).toEqual({
      kind,
      code,
      message: `something happened (SQLSTATE ${code})`,
    });
  });

  it('never uses the wrapper’s message, even when there is no cause', () => {
    expect(classifyDatabaseError(wrapped(undefined))).toEqual({
      kind: 'unknown',
      code: undefined,
      message: 'database error',
    });
  });

  it('reads the code of the first member of an AggregateError (a host with several addresses)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(classifyDatabaseError(new AggregateError([refused], ''))).toMatchObject({
      kind: 'unavailable',
      message: 'connection refused (ECONNREFUSED)',
    });
  });

  it('does not take a Node error code for a SQLSTATE', () => {
    const info = classifyDatabaseError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(info).toEqual({
      kind: 'unavailable',
      code: 'EPIPE',
      message: 'connection closed (EPIPE)',
    });
  });

  it('keeps errors without a code on one line and at most 200 characters', () => {
    const info = classifyDatabaseError(
      new Error(`Connection terminated unexpectedly${'!'.repeat(300)}\nsecond line`),
    );
    expect(info.kind).toBe('unavailable');
    expect(info.message.length).toBe(DATABASE_ERROR_MAX_LENGTH);
    expect(info.message).toMatch(/^Connection terminated unexpectedly!+…$/);
    expect(classifyDatabaseError('a string')).toEqual({
      kind: 'unknown',
      code: undefined,
      message: 'database error',
    });
  });

  it('shortens a long server message so that it still ends with its SQLSTATE', () => {
    const info = classifyDatabaseError(pgError('P0001', 'x'.repeat(500)));
    expect(info.message.length).toBe(DATABASE_ERROR_MAX_LENGTH);
    expect(info.message).toMatch(/x… \(SQLSTATE P0001\)$/);
  });
});
