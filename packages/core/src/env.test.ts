import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnvError, envVars, parseEnv, sharedVars } from './env';

const schema = z.object({
  PORT: envVars.port(8001),
  KAFKA_BROKERS: sharedVars.KAFKA_BROKERS,
  DATABASE_URL: sharedVars.DATABASE_URL,
  LOG_LEVEL: sharedVars.LOG_LEVEL,
});

describe('parseEnv', () => {
  it('applies defaults when variables are unset or empty', () => {
    const env = parseEnv(schema, { PORT: '', LOG_LEVEL: undefined });
    expect(env).toEqual({
      PORT: 8001,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      DATABASE_URL: 'postgres://weather:weather@127.0.0.1:5432/weather',
      LOG_LEVEL: 'info',
    });
  });

  it('parses and coerces valid values', () => {
    const env = parseEnv(schema, {
      PORT: '9000',
      KAFKA_BROKERS: 'a:9092, b:9093',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      LOG_LEVEL: 'debug',
    });
    expect(env.PORT).toBe(9000);
    expect(env.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(env.LOG_LEVEL).toBe('debug');
  });

  it('names every bad variable and says what is wrong', () => {
    const attempt = () =>
      parseEnv(schema, { PORT: '70000', KAFKA_BROKERS: 'nohost', DATABASE_URL: 'mysql://x' });
    expect(attempt).toThrow(EnvError);
    try {
      attempt();
    } catch (error) {
      const envError = error as EnvError;
      expect(envError.issues.map((i) => i.variable).sort()).toEqual([
        'DATABASE_URL',
        'KAFKA_BROKERS',
        'PORT',
      ]);
      expect(envError.message).toContain(
        'KAFKA_BROKERS: must be a comma-separated list of host:port',
      );
      expect(envError.message).toContain(
        'DATABASE_URL: must be a URL with scheme postgres or postgresql',
      );
      expect(envError.message).toMatch(/PORT: .*65535/);
    }
  });

  it('rejects an unknown log level by name', () => {
    expect(() => parseEnv(schema, { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: /);
  });

  it('parses booleans strictly', () => {
    const flags = z.object({ FLAG: envVars.boolean(false) });
    expect(parseEnv(flags, { FLAG: 'true' }).FLAG).toBe(true);
    expect(parseEnv(flags, { FLAG: '0' }).FLAG).toBe(false);
    expect(parseEnv(flags, {}).FLAG).toBe(false);
    expect(() => parseEnv(flags, { FLAG: 'yes' })).toThrow(/FLAG: /);
  });
});

describe('CONTROL_TOKEN', () => {
  const schema = z.object({ CONTROL_TOKEN: sharedVars.CONTROL_TOKEN });
  it('is unset when missing or empty, and kept when long enough', () => {
    expect(parseEnv(schema, {}).CONTROL_TOKEN).toBeUndefined();
    expect(parseEnv(schema, { CONTROL_TOKEN: '' }).CONTROL_TOKEN).toBeUndefined();
    expect(parseEnv(schema, { CONTROL_TOKEN: 'a'.repeat(16) }).CONTROL_TOKEN).toBe('a'.repeat(16));
  });

  it.each(['short', 'has spaces in the middle', 'x'.repeat(257)])('refuses %j', (value) => {
    expect(() => parseEnv(schema, { CONTROL_TOKEN: value })).toThrow(EnvError);
  });
});
