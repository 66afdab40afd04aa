import { describe, expect, it } from 'vitest';
import { acceptsGzip } from './rest';

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, GZIP;q=0.5', true],
    ['*', true],
    ['gzip;q=0', false],
    ['gzip; q=0.0', false],
    ['identity', false],
    ['deflate, br', false],
    ['', false],
    [null, false],
    ['gzipx, xgzip', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
