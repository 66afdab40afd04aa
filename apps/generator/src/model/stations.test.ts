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

  it('gives every station a valid IANA time zone within 3 hours of its solar time', () => {
    // January and July: standard and summer time on either hemisphere.
    const dates = [new Date('2026-01-15T12:00:00Z'), new Date('2026-07-15T12:00:00Z')];
    const offsets = new Map<string, number[]>();
    /** The zone's UTC offsets in hours on `dates`; throws for a zone Intl does not know. */
    const offsetsOf = (timeZone: string) => {
      let known = offsets.get(timeZone);
      if (known) return known;
      const format = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' });
      known = dates.map((at) => {
        const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
        const [, sign, hours, minutes] = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name ?? '') ?? [];
        if (sign === undefined) return 0;
        return (sign === '-' ? -1 : 1) * (Number(hours) + Number(minutes) / 60);
      });
      offsets.set(timeZone, known);
      return known;
    };
    for (const seed of [1, 2, 3]) {
      for (const s of createStations(2000, seed)) {
        expect(() => offsetsOf(s.timezone), `${s.id}: ${s.timezone}`).not.toThrow();
        for (const offset of offsetsOf(s.timezone)) {
          const off = Math.abs(offset - s.longitude / 15);
          expect(off, `${s.id} ${s.timezone} at longitude ${s.longitude}`).toBeLessThanOrEqual(3);
        }
      }
    }
    expect(offsets.size).toBeGreaterThan(20);
    expect(offsets.has('UTC')).toBe(false);
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
