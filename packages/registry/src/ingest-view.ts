/**
 * A collector's in-memory view of the registry: which token may write which station. Built from
 * one `loadIngestView` read and replaced whole on every reload, so a request never waits for
 * the database and never sees half a change.
 */

import { hashToken, TOKEN_PATTERN } from '@weather/core/tokens';
import type { IngestViewData, RateLimitSettings } from '@weather/db';

export interface Principal {
  credentialId: number;
  kind: 'station' | 'gateway';
  /** The station (station token) or gateway (gateway token) the credential belongs to. */
  ownerId: string;
  /** The owner's own limits; null fields fall back to the collector's defaults. */
  limits: RateLimitSettings;
}

export type AuthFailure = { error: 'missing_token' | 'malformed_token' | 'unknown_token' };

/** May this principal write this station: yes, yes after registering it, or why not. */
export type WriteDecision = 'ok' | 'register' | 'forbidden_station' | 'station_disabled';

type StationEntry = IngestViewData['stations'][number];
type GatewayEntry = IngestViewData['gateways'][number];

export class IngestView {
  private readonly byHash = new Map<string, Principal>();
  private readonly stations = new Map<string, StationEntry>();
  private readonly gateways = new Map<string, GatewayEntry>();

  constructor(
    data: IngestViewData,
    /** When it was read (epoch ms), for readiness and logs. */
    readonly loadedAt = Date.now(),
  ) {
    for (const s of data.stations) this.stations.set(s.id, s);
    for (const g of data.gateways) this.gateways.set(g.id, g);
    for (const c of data.credentials) {
      const ownerId = (c.kind === 'station' ? c.stationId : c.gatewayId) as string;
      const owner = c.kind === 'station' ? this.stations.get(ownerId) : this.gateways.get(ownerId);
      this.byHash.set(c.hash, {
        credentialId: c.id,
        kind: c.kind,
        ownerId,
        limits: {
          requestsPerSecond: owner?.requestsPerSecond ?? null,
          readingsPerSecond: owner?.readingsPerSecond ?? null,
        },
      });
    }
  }

  get size() {
    return { credentials: this.byHash.size, stations: this.stations.size };
  }

  /** The principal of a bearer token; revoked tokens are absent from the view, so unknown. */
  authenticate(token: string | undefined): Principal | AuthFailure {
    if (token === undefined || token === '') return { error: 'missing_token' };
    if (!TOKEN_PATTERN.test(token)) return { error: 'malformed_token' };
    return this.byHash.get(hashToken(token)) ?? { error: 'unknown_token' };
  }

  decide(principal: Principal, stationId: string): WriteDecision {
    const station = this.stations.get(stationId);
    if (principal.kind === 'station') {
      if (stationId !== principal.ownerId || !station) return 'forbidden_station';
      return station.enabled ? 'ok' : 'station_disabled';
    }
    if (!station) {
      return this.gateways.get(principal.ownerId)?.autoRegister ? 'register' : 'forbidden_station';
    }
    if (station.gatewayId !== principal.ownerId) return 'forbidden_station';
    return station.enabled ? 'ok' : 'station_disabled';
  }

  /** Stations just registered under a gateway, known here before the next reload. */
  addStations(gatewayId: string, stationIds: string[]) {
    for (const id of stationIds) {
      if (!this.stations.has(id)) {
        this.stations.set(id, {
          id,
          enabled: true,
          gatewayId,
          requestsPerSecond: null,
          readingsPerSecond: null,
        });
      }
    }
  }
}
