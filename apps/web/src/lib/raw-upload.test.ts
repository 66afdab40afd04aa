import { describe, expect, it } from 'vitest';
import { PROTOCOL_LABELS, qcSummary } from './raw-upload';

describe('qcSummary', () => {
  it('says each flagged measurement’s flags in words, in catalogue order', () => {
    expect(
      qcSummary({
        dew_point: ['derived'],
        temperature: ['range'],
        precipitation: ['counter_reset'],
      }),
    ).toEqual([
      'Temperature out of range, dropped',
      'Precipitation across a rain counter reset',
      'Dew point derived',
    ]);
  });

  it('is empty without flags', () => {
    expect(qcSummary(null)).toEqual([]);
    expect(qcSummary({})).toEqual([]);
  });
});

describe('PROTOCOL_LABELS', () => {
  it('names the three station protocols as their firmware menus do', () => {
    expect(PROTOCOL_LABELS).toEqual({
      wunderground: 'Weather Underground',
      ecowitt: 'Ecowitt',
      ambient: 'Ambient Weather',
    });
  });
});
