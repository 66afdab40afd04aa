import { STATION_ID_PATTERN } from '@weather/core/reading';
import { describe, expect, it } from 'vitest';
import { createStations, stationId } from './stations';

describe('createStations', () => {
  it('names stations SIM-001 … with valid ids, places and climates', () => {
    const stations = createStations(1200, 5);
    expect(stations[0]?.id).toBe('SIM-001');
    expect(stations[1199]?.id).toBe('SIM-1200');
    expect(new Set(stations.map((s) => s.id)).size).toBe(1200);
    for (const s of stations) {
      expect(s.id).toMatch(STATION_ID_PATTERN);
      expect(s.name.length).toBeGreaterThan(3);
      expect(Math.abs(s.latitude)).toBeLessThanOrEqual(90);
      expect(Math.abs(s.longitude)).toBeLessThanOrEqual(180);
      expect(s.elevation).toBeGreaterThanOrEqual(0);
    }
  });

  it('spreads a few stations over different climates', () => {
    const kinds = new Set(createStations(8, 1).map((s) => s.climate.kind));
    expect(kinds.size).toBe(8);
  });

  it('is the same for the same seed, the first stations unchanged when adding more', () => {
    expect(createStations(5, 9)).toEqual(createStations(5, 9));
    expect(createStations(10, 9).slice(0, 5)).toEqual(createStations(5, 9));
    expect(createStations(5, 9)).not.toEqual(createStations(5, 10));
    expect(stationId(41)).toBe('SIM-042');
  });
});
