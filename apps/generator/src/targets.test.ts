import { describe, expect, it } from 'vitest';
import { allowedTargets } from './targets';

describe('allowedTargets', () => {
  const targets = allowedTargets(['http://127.0.0.1:8001', 'https://ingest.example.com/stations/']);

  it.each([
    'http://127.0.0.1:8001',
    'http://127.0.0.1:8001/',
    'http://127.0.0.1:8001/weather-data/batch',
    'http://127.0.0.1:8001/any/base',
    'https://ingest.example.com/stations',
    'https://ingest.example.com/stations/weather-data',
    'HTTPS://INGEST.example.com:443/stations',
  ])('allows %s', (url) => {
    expect(targets.allows(url)).toBe(true);
  });

  it.each([
    'http://127.0.0.1:8002',
    'https://127.0.0.1:8001',
    'http://localhost:8001',
    'http://169.254.169.254/latest/meta-data',
    'http://127.0.0.1:8001@169.254.169.254/',
    'http://user:pass@127.0.0.1:8001',
    'http://127.0.0.1:8001/?redirect=elsewhere',
    'http://127.0.0.1:8001/#x',
    'https://ingest.example.com/other',
    'https://ingest.example.com/stations-evil',
    'ftp://127.0.0.1:8001',
    'not a url',
  ])('refuses %s', (url) => {
    expect(targets.allows(url)).toBe(false);
  });

  it('refuses to build from an entry that is not an http(s) URL', () => {
    expect(() => allowedTargets(['127.0.0.1:8001'])).toThrow(/not an http\(s\) URL/);
  });
});
