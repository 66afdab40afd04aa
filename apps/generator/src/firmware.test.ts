import { startOptionsSchema } from '@weather/contracts/generator';
import { ambientPairs, parseUpload } from '@weather/contracts/station-protocols';
import type { Protocol } from '@weather/core/reading';
import { describe, expect, it } from 'vitest';
import { DailyRainCounter, firmwareFields, firmwareRequest } from './firmware';
import { createRng } from './model/prng';

const values = {
  temperature: 21.37,
  humidity: 63.2,
  wind_speed: 3.41,
  wind_direction: 247,
  wind_gust: 7.9,
  pressure: 1013.6,
  station_pressure: 987.2,
  solar_radiation: 512.4,
  uv_index: 4.2,
  rain_rate: 1.8,
  precipitation: 0.2,
};
const at = Date.UTC(2026, 5, 1, 9, 5, 7);

/** The pairs of a request, read as the collector reads each protocol. */
function pairsOf(protocol: Protocol, request: ReturnType<typeof firmwareRequest>) {
  if (protocol === 'ecowitt') return new URLSearchParams(request.body);
  if (protocol === 'ambient') {
    const rest = request.path.slice('/ambient/'.length);
    return ambientPairs(rest.slice(rest.search(/[/?&]/)));
  }
  return new URLSearchParams(request.path.slice(request.path.indexOf('?') + 1));
}

describe('firmware uploads', () => {
  it.each([
    ['wunderground', 'plain'],
    ['ecowitt', 'plain'],
    ['ambient', 'plain'],
    ['wunderground', 'with quirks'],
    ['ecowitt', 'with quirks'],
    ['ambient', 'with quirks'],
  ] as const)('%s (%s) reads back as what was simulated, within printing', (protocol, mode) => {
    const rng = createRng(7, protocol);
    for (let i = 0; i < 20; i++) {
      const request = firmwareRequest(
        protocol,
        firmwareFields(protocol, values, 12.7),
        { id: 'SIM-001', token: 'wxg_token', timestampMs: at },
        mode === 'plain' ? undefined : rng,
      );
      const parsed = parseUpload(protocol, pairsOf(protocol, request), new Date(at + 1000));
      if (!parsed.ok) throw new Error(parsed.message);
      const { reading } = parsed.upload;
      expect(reading.timestamp).toBe(new Date(at).toISOString());
      expect(reading.temperature).toBeCloseTo(values.temperature, 2);
      expect(reading.humidity).toBeCloseTo(values.humidity, 1);
      expect(reading.wind_speed).toBeCloseTo(values.wind_speed, 2);
      expect(reading.pressure).toBeCloseTo(values.pressure, 1);
      expect(reading.uv_index).toBeCloseTo(values.uv_index, 1);
      expect(reading.rain_counter).toBeCloseTo(12.7, 1);
      expect(parsed.upload.rainCounterKind).toBe('daily');
      expect(parsed.upload.fields.ID).toBe('SIM-001');
      if (protocol !== 'wunderground') {
        expect(reading.rain_rate).toBeCloseTo(values.rain_rate, 1);
        expect(reading.station_pressure).toBeCloseTo(values.station_pressure, 1);
      }
    }
  });

  it('sends each protocol the way its firmware does', () => {
    const fields = firmwareFields('wunderground', values, 0);
    expect(fields.map(([key]) => key)).toContain('UV');
    const wu = firmwareRequest('wunderground', fields, { id: 'S', token: 'T', timestampMs: at });
    expect(wu).toMatchObject({ method: 'GET' });
    expect(wu.path).toMatch(
      /^\/weatherstation\/updateweatherstation\.php\?ID=S&action=updateraw&.*dateutc=2026-06-01\+09%3A05%3A07.*&PASSWORD=T$/,
    );
    const ecowitt = firmwareRequest('ecowitt', [], { id: 'S', token: 'T', timestampMs: at });
    expect(ecowitt).toMatchObject({ method: 'POST', path: '/data/report/T/' });
    expect(ecowitt.body).toMatch(/PASSKEY=/);
    const ambient = firmwareRequest('ambient', [], { id: 'S', token: undefined, timestampMs: at });
    expect(ambient.path).toMatch(/^\/ambient\/S\?ID=S&PASSKEY=/);
  });

  it('keeps a daily rain counter that starts again at midnight UTC', () => {
    const counter = new DailyRainCounter();
    expect(counter.add(Date.UTC(2026, 5, 1, 23, 58), 0.2)).toBeCloseTo(0.2);
    expect(counter.add(Date.UTC(2026, 5, 1, 23, 59), 0.3)).toBeCloseTo(0.5);
    expect(counter.add(Date.UTC(2026, 5, 2, 0, 0), 0.1)).toBeCloseTo(0.1);
    expect(counter.add(Date.UTC(2026, 5, 2, 0, 1), null)).toBeCloseTo(0.1);
  });

  it('refuses faults that only the JSON API can carry, with a firmware protocol', () => {
    const result = startOptionsSchema.safeParse({
      protocols: ['json', 'ecowitt'],
      invalid_percent: 5,
      burst_percent: 1,
      interval: 0.5,
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'burst_percent',
      'interval',
      'invalid_percent',
    ]);
    expect(startOptionsSchema.safeParse({ protocols: ['morse'] }).success).toBe(false);
    expect(startOptionsSchema.safeParse({ protocols: [] }).success).toBe(false);
    expect(startOptionsSchema.parse({}).protocols).toEqual(['json']);
  });
});
