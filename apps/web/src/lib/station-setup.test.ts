import { describe, expect, it } from 'vitest';
import { stationSetup } from './station-setup';

describe('stationSetup', () => {
  const guides = stationSetup('wxs_abc', 'ST-1', {
    host: 'weather.lan',
    port: 8001,
    timestamp: '2026-06-01T10:00:00Z',
  });

  it('covers the JSON API and the three firmware protocols', () => {
    expect(guides.map((g) => g.protocol)).toEqual(['json', 'wunderground', 'ecowitt', 'ambient']);
  });

  it('gives each firmware the settings its screen asks for, the token where it goes', () => {
    const byProtocol = Object.fromEntries(
      guides.map((g) => [g.protocol, Object.fromEntries(g.settings)]),
    );
    expect(byProtocol.wunderground).toEqual({
      'Server / host': 'weather.lan',
      Port: '8001',
      Path: '/weatherstation/updateweatherstation.php',
      'Station ID': 'ST-1',
      'Station key / password': 'wxs_abc',
    });
    expect(byProtocol.ecowitt?.Path).toBe('/data/report/wxs_abc');
    expect(byProtocol.ambient?.Path).toBe('/ambient/wxs_abc');
    expect(byProtocol.json?.Header).toBe('Authorization: Bearer wxs_abc');
  });

  it('has a request to try for each, against the collector', () => {
    for (const guide of guides) expect(guide.example).toContain('http://weather.lan:8001/');
    expect(guides[1]?.example).toContain('ID=ST-1&PASSWORD=wxs_abc');
    expect(guides[0]?.example).toContain('"station_id":"ST-1","timestamp":"2026-06-01T10:00:00Z"');
  });
});
