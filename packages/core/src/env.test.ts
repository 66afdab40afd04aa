import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

describe('NAME_FILE', () => {
  const schema = z.object({ CONTROL_TOKEN: sharedVars.CONTROL_TOKEN });
  const folder = mkdtempSync(path.join(os.tmpdir(), 'env-file-'));
  const file = path.join(folder, 'control-token');
  writeFileSync(file, 'generated-token-0123456789\n');

  it('reads an unset variable from the file NAME_FILE names, trimmed', () => {
    expect(parseEnv(schema, { CONTROL_TOKEN_FILE: file })).toEqual({
      CONTROL_TOKEN: 'generated-token-0123456789',
    });
    // Empty counts as unset, as everywhere.
    expect(parseEnv(schema, { CONTROL_TOKEN: '', CONTROL_TOKEN_FILE: file }).CONTROL_TOKEN).toBe(
      'generated-token-0123456789',
    );
  });

  it('lets a value set directly win over the file', () => {
    expect(
      parseEnv(schema, { CONTROL_TOKEN: 'from-the-environment-1234', CONTROL_TOKEN_FILE: file }),
    ).toEqual({ CONTROL_TOKEN: 'from-the-environment-1234' });
  });

  it('names the _FILE variable and the path it cannot read, never a content', () => {
    const missing = path.join(folder, 'missing');
    expect(() => parseEnv(schema, { CONTROL_TOKEN_FILE: missing })).toThrow(
      new RegExp(`CONTROL_TOKEN_FILE: cannot read ${missing} \\(ENOENT\\)`),
    );
    // The file's content is validated like the variable's.
    writeFileSync(file, 'short');
    expect(() => parseEnv(schema, { CONTROL_TOKEN_FILE: file })).toThrow(/CONTROL_TOKEN: must be/);
  });
});
