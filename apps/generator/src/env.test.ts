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
