import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { databaseFailure, describeError, safeRemoteText } from './errors';

/** What drizzle throws: its message is the statement and every parameter; the driver's error is the cause. */
function failedQuery(cause: unknown) {
  return Object.assign(
    new Error('Failed query: select * from weather_readings where station_id = $1\nparams: ST-1'),
    { cause },
  );
}
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('describeError', () => {
  it('answers an unexpected failure with a generic message, never its text', () => {
    const error = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: failedQuery(undefined) });
    expect(error.message).toMatch(/Failed query/);
    expect(describeError(error)).toEqual({
      status: 500,
      body: { error: 'internal_error', message: 'Internal error; see the service log.' },
    });
  });

  it('lists each invalid field with its reason and nothing else of the validator', () => {
    const parsed = z.object({ limit: z.number().max(5) }).safeParse({ limit: 7 });
    const error = new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
    const { status, body } = describeError(error);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'validation_failed',
      message: expect.stringMatching(/^Invalid input: limit: /),
      issues: [{ path: ['limit'], message: expect.any(String) }],
    });
  });

  it('keeps the message and derives the reason of errors we raise', () => {
    expect(
      describeError(new TRPCError({ code: 'NOT_FOUND', message: 'Unknown station "X"' })),
    ).toEqual({ status: 404, body: { error: 'not_found', message: 'Unknown station "X"' } });
    expect(describeError(new TRPCError({ code: 'CONFLICT', message: 'busy' })).body.error).toBe(
      'conflict',
    );
  });
});

describe('databaseFailure', () => {
  it.each([
    [
      'connection refused',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a broken connection (08006)', pgError('08006', 'connection failure')],
    ['a server shutting down (57P01)', pgError('57P01', 'terminating connection')],
    [
      'a database not accepting connections (55000)',
      pgError('55000', 'database "x" is not currently accepting connections'),
    ],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['the pool timing out', new Error('timeout exceeded when trying to connect')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
  ])('makes %s a 503 database_unavailable', (_name, cause) => {
    const failure = databaseFailure(failedQuery(cause));
    expect(failure && describeError(failure.error)).toEqual({
      status: 503,
      body: { error: 'database_unavailable', message: expect.stringMatching(/unavailable/) },
    });
    expect(failure?.info.message).not.toMatch(/select|params/i);
  });

  it('makes a statement timeout 503 database_timeout and a value PostgreSQL cannot take 400', () => {
    const timeout = databaseFailure(failedQuery(pgError('57014', 'canceling statement')));
    expect(timeout && describeError(timeout.error).body.error).toBe('database_timeout');
    const range = databaseFailure(
      failedQuery(pgError('22008', 'date/time field value out of range')),
    );
    expect(range && describeError(range.error)).toMatchObject({
      status: 400,
      body: { error: 'bad_request' },
    });
  });

  it('makes any other database error a generic 500, and leaves errors of ours alone', () => {
    const missing = databaseFailure(failedQuery(pgError('42P01', 'relation does not exist')));
    expect(missing && describeError(missing.error).status).toBe(500);
    expect(databaseFailure(new TypeError('x is undefined'))).toBeUndefined();
  });
});

describe('safeRemoteText', () => {
  it("cuts a failed statement and its parameters out of another service's error text", () => {
    const text = `database: last database error: Failed query: insert into weather_readings select * from unnest($1::text[])\nparams: ${'ST-1,'.repeat(2000)}`;
    const safe = safeRemoteText(text);
    expect(safe).toBe("database: last database error: a statement failed (see that service's log)");
  });

  it('keeps one line of at most the given length', () => {
    expect(safeRemoteText(`${'x'.repeat(500)}\nsecond line`, 200)).toHaveLength(200);
  });
});
