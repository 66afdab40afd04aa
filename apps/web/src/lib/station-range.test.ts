import { describe, expect, it } from 'vitest';
import {
  anchorFor,
  csvHref,
  fromDatetimeLocal,
  parseSelection,
  resolveRange,
  selectionToParams,
  stationQueries,
  toDatetimeLocal,
  tooFine,
} from './station-range';

const NOW = Date.parse('2026-11-28T06:51:27.500Z');
const ANCHOR = anchorFor(NOW);
const HOUR = 3_600_000;

describe('parseSelection and selectionToParams', () => {
  it('defaults to the last 24 hours with automatic buckets', () => {
    expect(parseSelection(new URLSearchParams())).toEqual({ range: '24h', bucket: 'auto' });
    expect(selectionToParams({ range: '24h', bucket: 'auto' }).toString()).toBe('');
  });

  it('round-trips presets, buckets and custom ranges through the URL', () => {
    for (const selection of [
      { range: '7d', bucket: '1h' },
      { range: '1h', bucket: 'auto' },
      {
        range: 'custom',
        bucket: '15m',
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-02T12:00:00.000Z',
      },
    ] as const) {
      expect(parseSelection(selectionToParams(selection))).toEqual(selection);
    }
  });

  it('reads the record form that server components receive', () => {
    expect(parseSelection({ range: ['6h', '7d'], bucket: '5m' })).toEqual({
      range: '6h',
      bucket: '5m',
    });
  });

  it('falls back to the defaults for unknown values and incomplete or reversed custom ranges', () => {
    expect(parseSelection({ range: '2y', bucket: '2m' })).toEqual({ range: '24h', bucket: 'auto' });
    expect(parseSelection({ range: 'custom', from: '2026-11-01T00:00:00Z' }).range).toBe('24h');
    expect(
      parseSelection({ range: 'custom', from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' })
        .range,
    ).toBe('24h');
    expect(parseSelection({ range: 'custom', from: 'yesterday', to: 'today' }).range).toBe('24h');
  });
});

describe('resolveRange', () => {
  it('ends a preset at the rounded "now" and leaves end_time to the server, so it stays live', () => {
    expect(ANCHOR).toBe(Date.parse('2026-11-28T06:51:00Z'));
    const range = resolveRange({ range: '6h', bucket: 'auto' }, ANCHOR);
    expect(range).toEqual({
      startMs: ANCHOR - 6 * HOUR,
      endMs: ANCHOR,
      start_time: '2026-11-28T00:51:00.000Z',
      live: true,
    });
  });

  it('is live for a custom range only when it reaches past now', () => {
    const past = { range: 'custom', bucket: 'auto', from: '2026-11-01T00:00:00.000Z' } as const;
    expect(resolveRange({ ...past, to: '2026-11-02T00:00:00.000Z' }, ANCHOR)).toMatchObject({
      end_time: '2026-11-02T00:00:00.000Z',
      live: false,
    });
    expect(resolveRange({ ...past, to: '2026-12-01T00:00:00.000Z' }, ANCHOR).live).toBe(true);
  });
});

describe('stationQueries', () => {
  it('omits interval for automatic buckets and passes a chosen one', () => {
    const auto = stationQueries('SHOT-1', { range: '24h', bucket: 'auto' }, ANCHOR);
    expect(auto.timeseries).toEqual({
      station_id: 'SHOT-1',
      start_time: '2026-11-27T06:51:00.000Z',
    });
    const fixed = stationQueries('SHOT-1', { range: '24h', bucket: '15m' }, ANCHOR);
    expect(fixed.timeseries).toMatchObject({ interval: '15m' });
  });

  it('pages readings 50 at a time, with the cursor only when there is one', () => {
    const q = stationQueries('SHOT-1', { range: '1h', bucket: 'auto' }, ANCHOR);
    expect(q.readings()).toEqual({
      station_id: 'SHOT-1',
      start_time: '2026-11-28T05:51:00.000Z',
      limit: 50,
    });
    expect(q.readings('abc')).toMatchObject({ cursor: 'abc', limit: 50 });
  });
});

describe('csvHref', () => {
  it('links the CSV export of exactly the selected range', () => {
    const custom = resolveRange(
      {
        range: 'custom',
        bucket: 'auto',
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-02T00:00:00.000Z',
      },
      ANCHOR,
    );
    expect(csvHref('ST:1', custom)).toBe(
      '/api/weather/ST%3A1?start_time=2026-11-01T00%3A00%3A00.000Z&end_time=2026-11-02T00%3A00%3A00.000Z&format=csv',
    );
    const live = new URL(
      csvHref('SHOT-1', resolveRange({ range: '1h', bucket: 'auto' }, ANCHOR)),
      'http://x',
    );
    expect(live.searchParams.get('start_time')).toBe('2026-11-28T05:51:00.000Z');
    // Both bounds always, so the file and the range's figures can be compared; a live range
    // reaches past every reading stored so far.
    expect(live.searchParams.get('end_time')).toBe('2026-11-28T06:52:00.000Z');
  });
});

describe('tooFine', () => {
  it('rules out intervals that would give the server more than 10,000 buckets', () => {
    expect([...tooFine(24 * HOUR)]).toEqual([]);
    expect([...tooFine(7 * 24 * HOUR)]).toEqual(['1m']);
    expect([...tooFine(30 * 24 * HOUR)]).toEqual(['1m']);
    expect([...tooFine(60 * 24 * HOUR)]).toEqual(['1m', '5m']);
  });
});

describe('datetime-local inputs (UTC)', () => {
  it('converts both ways without the browser time zone', () => {
    expect(toDatetimeLocal('2026-11-28T06:21:42.000Z')).toBe('2026-11-28T06:21');
    expect(fromDatetimeLocal('2026-11-28T06:21')).toBe('2026-11-28T06:21:00.000Z');
    expect(fromDatetimeLocal('')).toBeUndefined();
    expect(fromDatetimeLocal('2026-13-45T99:00')).toBeUndefined();
  });
});
