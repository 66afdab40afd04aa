import { describe, expect, it } from 'vitest';
import {
  ambientPairs,
  PROTOCOL_FIELDS,
  parseDateutc,
  parseUpload,
  UNITS,
} from './station-protocols';

const received = new Date('2026-06-01T12:00:00.000Z');

describe('parseDateutc', () => {
  it.each([
    ['2026-06-01 10:32:35', '2026-06-01T10:32:35.000Z'],
    ['2016-1-4 21:2:35', '2016-01-04T21:02:35.000Z'],
    ['2024-02-08 10: 36: 28', '2024-02-08T10:36:28.000Z'],
    [' 2026-06-01  10:32:35 ', '2026-06-01T10:32:35.000Z'],
    ['2026-06-01T10:32:35', '2026-06-01T10:32:35.000Z'],
    ['now', received.toISOString()],
    ['NOW', received.toISOString()],
    ['', received.toISOString()],
    [undefined, received.toISOString()],
  ])('reads %j', (text, iso) => {
    expect((parseDateutc(text, received) as Date).toISOString()).toBe(iso);
  });

  it.each([
    ['yesterday', /not a UTC time/],
    ['2026-02-30 10:00:00', /not a real date/],
    ['2026-06-01 24:00:00', /not a real date/],
    ['2026-06-01 10:60:00', /not a real date/],
    ['1899-12-31 23:59:59', /before 1900/],
    ['2026-06-01 12:06:00', /future/],
    ['1717236000', /not a UTC time/],
  ])('refuses %j', (text, message) => {
    expect(parseDateutc(text, received)).toMatch(message);
  });
});

describe('ambientPairs', () => {
  it.each(['?', '?&', '&', '/', '/?', '//?&'])('reads the pairs after %j', (glue) => {
    const pairs = ambientPairs(`${glue}tempf=70&dateutc=2026-06-01+12:00:00`);
    expect(Object.fromEntries(pairs)).toEqual({ tempf: '70', dateutc: '2026-06-01 12:00:00' });
  });

  it('reads a stray ? between pairs as a separator', () => {
    expect(Object.fromEntries(ambientPairs('&tempf=70?humidity=40'))).toEqual({
      tempf: '70',
      humidity: '40',
    });
  });
});

describe('parseUpload', () => {
  it('converts with the exact factors, stored unrounded', () => {
    const { upload } = parseUpload(
      'ecowitt',
      new URLSearchParams('tempf=122&windspeedmph=1&baromrelin=30&rainratein=1&totalrainin=1'),
      received,
    ) as { ok: true; upload: { reading: Record<string, unknown> } };
    expect(upload.reading).toMatchObject({
      temperature: 50,
      wind_speed: 0.44704,
      pressure: 30 * 33.8639,
      rain_rate: 25.4,
      rain_counter: 25.4,
    });
  });

  it('removes PASSWORD and PASSKEY in any case from the raw fields', () => {
    const result = parseUpload(
      'wunderground',
      new URLSearchParams('ID=A&PASSWORD=s3cret&passkey=abc&PassKey=def&tempf=50'),
      received,
    );
    expect(result.ok && result.upload.fields).toEqual({ ID: 'A', tempf: '50' });
  });

  it('bounds the raw fields: at most 400, keys up to 64 and values up to 256 characters', () => {
    const many = Array.from({ length: 450 }, (_, i) => `k${i}=v`).join('&');
    const long = `${'k'.repeat(65)}=1&big=${'x'.repeat(300)}`;
    const result = parseUpload('ecowitt', new URLSearchParams(`${long}&${many}`), received);
    if (!result.ok) throw new Error(result.message);
    expect(Object.keys(result.upload.fields)).toHaveLength(400);
    expect(result.upload.fields.big).toHaveLength(256);
    expect(result.upload.fields).not.toHaveProperty('k'.repeat(65));
  });

  it('flags a value that is not a number as dropped, not stored', () => {
    const result = parseUpload('ecowitt', new URLSearchParams('tempf=warm&humidity='), received);
    if (!result.ok) throw new Error(result.message);
    expect(result.upload.reading).not.toHaveProperty('temperature');
    expect(result.upload.dropped).toEqual({
      tempf: 'not a number: "warm"',
      humidity: 'not a number: ""',
    });
  });

  describe('batteries', () => {
    const battery = (protocol: 'wunderground' | 'ecowitt' | 'ambient', query: string) => {
      const result = parseUpload(protocol, new URLSearchParams(`tempf=50&${query}`), received);
      if (!result.ok) throw new Error(result.message);
      return { low: result.upload.reading.battery_low, dropped: result.upload.dropped };
    };

    it('reads each protocol in its own polarity: Ecowitt and WU 1 = low, Ambient 1 = OK', () => {
      expect(battery('ecowitt', 'wh65batt=0').low).toBe(false);
      expect(battery('ecowitt', 'wh65batt=1').low).toBe(true);
      expect(battery('ecowitt', 'batt3=1').low).toBe(true);
      expect(battery('ambient', 'battout=1').low).toBe(false);
      expect(battery('ambient', 'battout=0').low).toBe(true);
      // Ambient's batt1 is the opposite of Ecowitt's batt1.
      expect(battery('ambient', 'batt1=1').low).toBe(false);
      expect(battery('wunderground', 'lowbatt=1').low).toBe(true);
      expect(battery('wunderground', 'lowbatt=0').low).toBe(false);
    });

    it('reads Ecowitt levels 0–5 as low at 1 or less', () => {
      expect(battery('ecowitt', 'wh57batt=1').low).toBe(true);
      expect(battery('ecowitt', 'wh57batt=0').low).toBe(true);
      expect(battery('ecowitt', 'pm25batt2=2').low).toBe(false);
      expect(battery('ecowitt', 'co2_batt=5').low).toBe(false);
    });

    it('is low when any sensor is low, and absent when no battery was sent', () => {
      expect(battery('ecowitt', 'wh65batt=0&batt1=0&wh57batt=1&batt2=0').low).toBe(true);
      expect(battery('ecowitt', 'wh65batt=0&batt1=0&wh57batt=4').low).toBe(false);
      expect(battery('ecowitt', 'humidity=50').low).toBeUndefined();
    });

    it('drops a value outside its encoding, naming the encoding, and keeps voltages raw', () => {
      const { low, dropped } = battery('ecowitt', 'wh65batt=2&wh57batt=9&wh80batt=2.62&batt1=0');
      expect(low).toBe(false);
      expect(dropped).toEqual({
        wh65batt: 'not a battery state (1 = low, 0 = OK): "2"',
        wh57batt: 'not a battery state (level 0–5, 1 or less = low): "9"',
        wh80batt: 'battery voltage, kept raw: when it is low depends on the sensor model',
      });
      expect(battery('ambient', 'battout=ok').dropped).toEqual({ battout: 'not a number: "ok"' });
    });
  });

  it('maps every key to a catalogue measurement or a counter, with a unit that round-trips', () => {
    for (const table of Object.values(PROTOCOL_FIELDS)) {
      for (const [key, mapping] of Object.entries(table)) {
        expect(key).toBe(key.toLowerCase());
        if ('unit' in mapping) {
          const unit = UNITS[mapping.unit];
          expect(unit.fromSi(unit.toSi(42.5))).toBeCloseTo(42.5, 10);
        }
      }
    }
  });
});
