import { createHash } from 'node:crypto';
import type { IngestViewData } from '@weather/db';
import { describe, expect, it } from 'vitest';
import {
  hashToken,
  IngestView,
  issueToken,
  PREFIX_LENGTH,
  type Principal,
  TOKEN_PATTERN,
} from '../src';

describe('ingest tokens', () => {
  it('issues tokens of the published shape, with a kind marker', () => {
    const station = issueToken('station');
    const gateway = issueToken('gateway');
    expect(station.token).toMatch(TOKEN_PATTERN);
    expect(gateway.token).toMatch(TOKEN_PATTERN);
    expect(station.token).toMatch(/^wxs_/);
    expect(gateway.token).toMatch(/^wxg_/);
    // 32 base64url characters: 192 random bits (SPEC §12 asks for at least 128).
    expect(station.token.length - 'wxs_'.length).toBe(32);
  });

  it('names a token by its first characters and stores the SHA-256 of all of it', () => {
    const issued = issueToken('station');
    expect(issued.prefix).toBe(issued.token.slice(0, PREFIX_LENGTH));
    expect(issued.prefix).toHaveLength(PREFIX_LENGTH);
    expect(issued.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.hash).toBe(createHash('sha256').update(issued.token).digest('hex'));
    expect(hashToken(issued.token)).toBe(issued.hash);
    expect(issued.hash).not.toContain(issued.token);
  });

  it('never issues the same token, prefix or hash twice', () => {
    const issued = Array.from({ length: 200 }, () => issueToken('gateway'));
    expect(new Set(issued.map((t) => t.token)).size).toBe(200);
    expect(new Set(issued.map((t) => t.prefix)).size).toBe(200);
    expect(new Set(issued.map((t) => t.hash)).size).toBe(200);
  });

  it('accepts only the issued shape', () => {
    const { token } = issueToken('station');
    expect(TOKEN_PATTERN.test(token)).toBe(true);
    for (const bad of [
      token.slice(0, -1),
      `${token}x`,
      `wxx_${token.slice(4)}`,
      `${token.slice(0, 10)}+${token.slice(11)}`,
      ` ${token}`,
      '',
    ]) {
      expect([bad, TOKEN_PATTERN.test(bad)]).toEqual([bad, false]);
    }
  });
});

const stationToken = issueToken('station');
const otherStationToken = issueToken('station');
const disabledToken = issueToken('station');
const gatewayToken = issueToken('gateway');
const plainGatewayToken = issueToken('gateway');

const data: IngestViewData = {
  credentials: [
    { id: 1, hash: stationToken.hash, kind: 'station', stationId: 'ST-1', gatewayId: null },
    { id: 2, hash: otherStationToken.hash, kind: 'station', stationId: 'ST-2', gatewayId: null },
    { id: 3, hash: disabledToken.hash, kind: 'station', stationId: 'ST-OFF', gatewayId: null },
    { id: 4, hash: gatewayToken.hash, kind: 'gateway', stationId: null, gatewayId: 'GW-AUTO' },
    {
      id: 5,
      hash: plainGatewayToken.hash,
      kind: 'gateway',
      stationId: null,
      gatewayId: 'GW-PLAIN',
    },
  ],
  stations: [
    { id: 'ST-1', enabled: true, gatewayId: null, requestsPerSecond: 2, readingsPerSecond: 50 },
    {
      id: 'ST-2',
      enabled: true,
      gatewayId: null,
      requestsPerSecond: null,
      readingsPerSecond: null,
    },
    {
      id: 'ST-OFF',
      enabled: false,
      gatewayId: null,
      requestsPerSecond: null,
      readingsPerSecond: null,
    },
    {
      id: 'GW-AUTO-1',
      enabled: true,
      gatewayId: 'GW-AUTO',
      requestsPerSecond: null,
      readingsPerSecond: null,
    },
    {
      id: 'GW-AUTO-OFF',
      enabled: false,
      gatewayId: 'GW-AUTO',
      requestsPerSecond: null,
      readingsPerSecond: null,
    },
    {
      id: 'GW-PLAIN-1',
      enabled: true,
      gatewayId: 'GW-PLAIN',
      requestsPerSecond: null,
      readingsPerSecond: null,
    },
  ],
  gateways: [
    { id: 'GW-AUTO', autoRegister: true, requestsPerSecond: 10, readingsPerSecond: null },
    { id: 'GW-PLAIN', autoRegister: false, requestsPerSecond: null, readingsPerSecond: 1000 },
  ],
};

/** The principal of a token the view must know. */
function principalOf(view: IngestView, token: string): Principal {
  const result = view.authenticate(token);
  if ('error' in result) throw new Error(`expected a principal, got ${result.error}`);
  return result;
}

describe('IngestView.authenticate', () => {
  const view = new IngestView(data, 1_700_000_000_000);

  it('knows how much it holds and when it was read', () => {
    expect(view.size).toEqual({ credentials: 5, stations: 6 });
    expect(view.loadedAt).toBe(1_700_000_000_000);
  });

  it('answers missing_token without a token', () => {
    expect(view.authenticate(undefined)).toEqual({ error: 'missing_token' });
    expect(view.authenticate('')).toEqual({ error: 'missing_token' });
  });

  it('answers malformed_token for anything not shaped like a token', () => {
    for (const token of [
      'secret',
      'Bearer x',
      stationToken.token.slice(0, -1),
      stationToken.hash,
    ]) {
      expect(view.authenticate(token)).toEqual({ error: 'malformed_token' });
    }
  });

  it('answers unknown_token for a well-formed token it does not hold', () => {
    expect(view.authenticate(issueToken('station').token)).toEqual({ error: 'unknown_token' });
    expect(view.authenticate(issueToken('gateway').token)).toEqual({ error: 'unknown_token' });
  });

  it("names a station token's station and its limits", () => {
    expect(view.authenticate(stationToken.token)).toEqual({
      credentialId: 1,
      kind: 'station',
      ownerId: 'ST-1',
      limits: { requestsPerSecond: 2, readingsPerSecond: 50 },
    });
    expect(view.authenticate(otherStationToken.token)).toEqual({
      credentialId: 2,
      kind: 'station',
      ownerId: 'ST-2',
      limits: { requestsPerSecond: null, readingsPerSecond: null },
    });
  });

  it("names a gateway token's gateway and its limits", () => {
    expect(view.authenticate(gatewayToken.token)).toEqual({
      credentialId: 4,
      kind: 'gateway',
      ownerId: 'GW-AUTO',
      limits: { requestsPerSecond: 10, readingsPerSecond: null },
    });
    expect(view.authenticate(plainGatewayToken.token)).toEqual({
      credentialId: 5,
      kind: 'gateway',
      ownerId: 'GW-PLAIN',
      limits: { requestsPerSecond: null, readingsPerSecond: 1000 },
    });
  });

  it('knows nothing of a credential left out of its data (a revoked one)', () => {
    const revoked = new IngestView({
      ...data,
      credentials: data.credentials.filter((c) => c.id !== 1),
    });
    expect(revoked.authenticate(stationToken.token)).toEqual({ error: 'unknown_token' });
    expect(principalOf(revoked, otherStationToken.token).ownerId).toBe('ST-2');
  });
});

describe('IngestView.decide', () => {
  const view = new IngestView(data);

  it('lets a station token write its own station only', () => {
    const principal = principalOf(view, stationToken.token);
    expect(view.decide(principal, 'ST-1')).toBe('ok');
    expect(view.decide(principal, 'ST-2')).toBe('forbidden_station');
    expect(view.decide(principal, 'GW-AUTO-1')).toBe('forbidden_station');
    expect(view.decide(principal, 'UNKNOWN')).toBe('forbidden_station');
  });

  it("refuses a disabled station's own token as station_disabled", () => {
    expect(view.decide(principalOf(view, disabledToken.token), 'ST-OFF')).toBe('station_disabled');
  });

  it("lets a gateway token write its gateway's stations only", () => {
    const principal = principalOf(view, gatewayToken.token);
    expect(view.decide(principal, 'GW-AUTO-1')).toBe('ok');
    expect(view.decide(principal, 'GW-AUTO-OFF')).toBe('station_disabled');
    // A station of another gateway, or of none, even with auto_register.
    expect(view.decide(principal, 'GW-PLAIN-1')).toBe('forbidden_station');
    expect(view.decide(principal, 'ST-1')).toBe('forbidden_station');
  });

  it('registers an unknown station id for a gateway with auto_register only', () => {
    expect(view.decide(principalOf(view, gatewayToken.token), 'NEW-1')).toBe('register');
    expect(view.decide(principalOf(view, plainGatewayToken.token), 'NEW-1')).toBe(
      'forbidden_station',
    );
  });

  it('knows stations added under a gateway before the next reload', () => {
    const fresh = new IngestView(data);
    const principal = principalOf(fresh, gatewayToken.token);
    expect(fresh.decide(principal, 'NEW-2')).toBe('register');
    fresh.addStations('GW-AUTO', ['NEW-2', 'NEW-3']);
    expect(fresh.decide(principal, 'NEW-2')).toBe('ok');
    expect(fresh.decide(principal, 'NEW-3')).toBe('ok');
    expect(fresh.size.stations).toBe(8);
    // Another gateway's token may not write them.
    expect(fresh.decide(principalOf(fresh, plainGatewayToken.token), 'NEW-2')).toBe(
      'forbidden_station',
    );
    // A station already known keeps its owner and state.
    fresh.addStations('GW-AUTO', ['GW-PLAIN-1', 'ST-OFF']);
    expect(fresh.decide(principal, 'GW-PLAIN-1')).toBe('forbidden_station');
    expect(fresh.decide(principalOf(fresh, disabledToken.token), 'ST-OFF')).toBe(
      'station_disabled',
    );
    expect(fresh.size.stations).toBe(8);
  });
});
