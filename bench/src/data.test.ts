import { describe, expect, it } from 'vitest';
import { readingAt, type Workload, workloadRequests } from './data';

const workload: Workload = {
  readings: 6,
  stations: 3,
  batchSize: 1,
  prefix: 'ECOWITT',
  start: Date.UTC(2026, 5, 1, 12),
  format: 'ecowitt',
};
const tokens = ['wxs_a', 'wxs_b', 'wxs_c'];
const bodyOf = (request: { body: Buffer } | undefined) => String(request?.body);

describe('Ecowitt workload requests', () => {
  it('posts one form per reading to its station token’s path', () => {
    const { contentType, requests } = workloadRequests(workload, tokens);
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(requests.map((r) => r.path)).toEqual([
      '/data/report/wxs_a',
      '/data/report/wxs_b',
      '/data/report/wxs_c',
      '/data/report/wxs_a',
      '/data/report/wxs_b',
      '/data/report/wxs_c',
    ]);
  });

  it('carries the reading in firmware units, its time as the gateway writes it', () => {
    const { requests } = workloadRequests(workload, tokens);
    const body = bodyOf(requests[4]);
    expect(body).toMatch(
      /^PASSKEY=[0-9A-F]{32}&stationtype=GW2000A_V3\.1\.0&dateutc=2026-06-01\+12:01:00&/,
    );
    const form = new URLSearchParams(body);
    const reading = readingAt(workload, 4);
    expect(((Number(form.get('tempf')) - 32) * 5) / 9).toBeCloseTo(reading.temperature, 1);
    expect(Number(form.get('baromrelin')) * 33.8639).toBeCloseTo(reading.pressure, 0);
    expect(Number(form.get('windspeedmph')) * 0.44704).toBeCloseTo(reading.wind_speed, 1);
    expect(form.get('humidity')).toBe(String(reading.humidity));
    expect(form.get('dailyrainin')).toBe('0.001');
  });

  it('refuses a station without a token', () => {
    expect(() => workloadRequests(workload, tokens.slice(0, 2))).toThrow(/ECOWITT-0002/);
  });
});

describe('JSON workload requests', () => {
  it('sends single readings to /weather-data and batches to /weather-data/batch', () => {
    const single = workloadRequests({ ...workload, format: undefined });
    expect(single.contentType).toBe('application/json');
    expect(single.requests).toHaveLength(6);
    expect(single.requests[0]?.path).toBe('/weather-data');
    expect(JSON.parse(bodyOf(single.requests[0]))).toEqual(readingAt(workload, 0));
    const batch = workloadRequests({ ...workload, format: undefined, batchSize: 4 });
    expect(batch.requests.map((r) => r.path)).toEqual([
      '/weather-data/batch',
      '/weather-data/batch',
    ]);
  });
});
