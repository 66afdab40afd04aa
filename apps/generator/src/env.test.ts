import { EnvError, parseEnv } from '@weather/core/env';
import { describe, expect, it } from 'vitest';
import { envSchema } from './env';

describe('GENERATOR_ALLOWED_TARGETS', () => {
  it('is unset by default (then only COLLECTOR_URL is allowed)', () => {
    expect(parseEnv(envSchema, {}).GENERATOR_ALLOWED_TARGETS).toBeUndefined();
  });

  it('reads a comma-separated list of URLs and origins', () => {
    const env = parseEnv(envSchema, {
      GENERATOR_ALLOWED_TARGETS: 'http://127.0.0.1:8001, https://ingest.example.com/base ,',
    });
    expect(env.GENERATOR_ALLOWED_TARGETS).toEqual([
      'http://127.0.0.1:8001',
      'https://ingest.example.com/base',
    ]);
  });

  it.each(['127.0.0.1:8001', 'ftp://example.com', 'http://a@b.example', ','])(
    'refuses %j naming the variable',
    (value) => {
      expect(() => parseEnv(envSchema, { GENERATOR_ALLOWED_TARGETS: value })).toThrow(EnvError);
      expect(() => parseEnv(envSchema, { GENERATOR_ALLOWED_TARGETS: value })).toThrow(
        /GENERATOR_ALLOWED_TARGETS: must be a comma-separated list of http\(s\) URLs/,
      );
    },
  );
});

describe('GENERATOR_INGEST_TOKEN', () => {
  const token = `wxg_${'A1b2-_'.repeat(5)}xy`;

  it('is optional, and read as given when it is an ingest token', () => {
    expect(parseEnv(envSchema, {}).GENERATOR_INGEST_TOKEN).toBeUndefined();
    expect(
      parseEnv(envSchema, { GENERATOR_INGEST_TOKEN: '' }).GENERATOR_INGEST_TOKEN,
    ).toBeUndefined();
    expect(parseEnv(envSchema, { GENERATOR_INGEST_TOKEN: token }).GENERATOR_INGEST_TOKEN).toBe(
      token,
    );
  });

  it.each(['secret', `wxx_${'a'.repeat(32)}`, `${token}z`, `Bearer ${token}`])(
    'refuses %j naming the variable, without repeating the value',
    (value) => {
      let error: unknown;
      try {
        parseEnv(envSchema, { GENERATOR_INGEST_TOKEN: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EnvError);
      expect((error as Error).message).toMatch(/GENERATOR_INGEST_TOKEN: must be an ingest token/);
      expect((error as Error).message).not.toContain(value);
    },
  );
});
