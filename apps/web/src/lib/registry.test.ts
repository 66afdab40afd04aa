import { describe, expect, it } from 'vitest';
import {
  credentialRows,
  type Registry,
  type RegistryCredential,
  type RegistryStation,
  stationsPerGateway,
  tokenSummary,
} from './registry';

const credential = (prefix: string, revoked = false): RegistryCredential => ({
  prefix,
  kind: prefix.startsWith('wxg_') ? 'gateway' : 'station',
  created_at: '2026-06-01T10:00:00.000Z',
  last_used_at: null,
  revoked_at: revoked ? '2026-06-01T11:00:00.000Z' : null,
});

const station = (id: string, fields: Partial<RegistryStation> = {}): RegistryStation => ({
  station_id: id,
  name: null,
  description: null,
  latitude: null,
  longitude: null,
  elevation: null,
  timezone: 'UTC',
  tags: [],
  enabled: true,
  gateway_id: null,
  first_seen: null,
  last_seen: null,
  expected_interval_s: null,
  registered_at: '2026-06-01T09:00:00.000Z',
  credentials: [],
  ...fields,
});

const registry: Registry = {
  stations: [
    station('ST-1', {
      name: 'Roof',
      credentials: [credential('wxs_aaaaaaaa'), credential('wxs_bbbbbbbb', true)],
    }),
    station('ST-2', { gateway_id: 'GW-1', credentials: [credential('wxs_cccccccc')] }),
    station('ST-3', { gateway_id: 'GW-1' }),
  ],
  gateways: [
    {
      gateway_id: 'GW-1',
      name: null,
      auto_register: false,
      created_at: '2026-06-01T09:00:00.000Z',
      credentials: [credential('wxg_dddddddd')],
    },
  ],
};

describe('credentialRows', () => {
  it('lists stations’ credentials, then gateways’, each with its owner named', () => {
    expect(credentialRows(registry).map((r) => [r.prefix, r.owner])).toEqual([
      ['wxs_aaaaaaaa', { kind: 'station', id: 'ST-1', label: 'Roof' }],
      ['wxs_bbbbbbbb', { kind: 'station', id: 'ST-1', label: 'Roof' }],
      ['wxs_cccccccc', { kind: 'station', id: 'ST-2', label: 'ST-2' }],
      ['wxg_dddddddd', { kind: 'gateway', id: 'GW-1', label: 'GW-1' }],
    ]);
  });
});

describe('tokenSummary and stationsPerGateway', () => {
  it('counts active and revoked tokens', () => {
    expect(tokenSummary(registry.stations[0]?.credentials ?? [])).toBe('1 active · 1 revoked');
    expect(tokenSummary([credential('wxs_x', true)])).toBe('1 revoked');
    expect(tokenSummary([credential('wxs_x'), credential('wxs_y')])).toBe('2 active');
    expect(tokenSummary([])).toBe('none');
  });

  it('counts the stations registered under each gateway', () => {
    expect(stationsPerGateway(registry.stations)).toEqual(new Map([['GW-1', 2]]));
  });
});
