import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';

/** How stations are registered from a shell (admins can also do it on the stations page). */
export const CLI_EXAMPLE =
  'npm run stations -- add ST-001 --name "Roof" --lat 52.52 --lon 13.40 --token';

/** The stations page's data: registered stations and gateways with their credentials. */
export type Registry = inferRouterOutputs<AppRouter>['stations']['registry'];
export type RegistryStation = Registry['stations'][number];
export type RegistryCredential = RegistryStation['credentials'][number];

/** A credential with what it belongs to, for the one credentials table of the page. */
export interface CredentialRow extends RegistryCredential {
  owner: { kind: 'station' | 'gateway'; id: string; label: string };
}

/**
 * Every credential, stations' first then gateways', each owner's oldest first; the owner is
 * named as the page names it (its name, else its id).
 */
export function credentialRows(registry: Registry): CredentialRow[] {
  const rows: CredentialRow[] = [];
  for (const s of registry.stations) {
    const owner = { kind: 'station' as const, id: s.station_id, label: s.name ?? s.station_id };
    for (const c of s.credentials) rows.push({ ...c, owner });
  }
  for (const g of registry.gateways) {
    const owner = { kind: 'gateway' as const, id: g.gateway_id, label: g.name ?? g.gateway_id };
    for (const c of g.credentials) rows.push({ ...c, owner });
  }
  return rows;
}

/** "1 active · 1 revoked", "2 active", "none" for an owner's credentials. */
export function tokenSummary(credentials: readonly RegistryCredential[]): string {
  const revoked = credentials.filter((c) => c.revoked_at !== null).length;
  const active = credentials.length - revoked;
  const parts = [active > 0 && `${active} active`, revoked > 0 && `${revoked} revoked`];
  return parts.filter(Boolean).join(' · ') || 'none';
}

/** How many registered stations each gateway forwards for. */
export function stationsPerGateway(stations: readonly RegistryStation[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of stations) {
    if (s.gateway_id !== null) counts.set(s.gateway_id, (counts.get(s.gateway_id) ?? 0) + 1);
  }
  return counts;
}
