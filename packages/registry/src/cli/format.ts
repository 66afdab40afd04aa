/** Human-readable output of the CLI: plain lines and aligned tables, no colours. */
import type { CredentialInfo, Gateway, RegisteredStation } from '@weather/db';

const NONE = '—';

/** A time to the second, or `absent` when there is none. */
export const when = (time: Date | null, absent = 'never') =>
  time ? time.toISOString().replace(/\.\d{3}Z$/, 'Z') : absent;

export function place(station: RegisteredStation): string {
  const { latitude, longitude, elevation } = station;
  const parts = [];
  if (latitude !== null || longitude !== null)
    parts.push(`${latitude ?? '?'}, ${longitude ?? '?'}`);
  if (elevation !== null) parts.push(`${elevation} m`);
  return parts.length > 0 ? parts.join(', ') : NONE;
}

const tags = (station: RegisteredStation) =>
  station.tags.length > 0 ? station.tags.join(',') : NONE;

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)];
}

/** `key  value` lines with the values aligned. */
function fields(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${key.padEnd(width)}  ${value}`);
}

export function stationDetails(station: RegisteredStation): string[] {
  return fields([
    ['station', station.id],
    ['name', station.name ?? NONE],
    ['description', station.description ?? NONE],
    ['place', place(station)],
    ['timezone', station.timezone],
    ['tags', tags(station)],
    ['interval', station.expectedIntervalS === null ? 'learned' : `${station.expectedIntervalS} s`],
    ['enabled', station.enabled ? 'yes' : 'no'],
    ['gateway', station.gatewayId ?? NONE],
    ['registered', when(station.registeredAt)],
    ['first seen', when(station.firstSeen)],
    ['last seen', when(station.lastSeen)],
  ]);
}

export function stationTable(stations: RegisteredStation[]): string[] {
  if (stations.length === 0) return ['no stations registered'];
  return table(
    ['ID', 'NAME', 'PLACE', 'TIMEZONE', 'TAGS', 'ENABLED', 'GATEWAY', 'LAST SEEN'],
    stations.map((s) => [
      s.id,
      s.name ?? NONE,
      place(s),
      s.timezone,
      tags(s),
      s.enabled ? 'yes' : 'no',
      s.gatewayId ?? NONE,
      when(s.lastSeen),
    ]),
  );
}

export function credentialTable(credentials: CredentialInfo[]): string[] {
  if (credentials.length === 0) return ['no credentials'];
  return table(
    ['PREFIX', 'KIND', 'CREATED', 'LAST USED', 'REVOKED'],
    credentials.map((c) => [
      c.prefix,
      c.kind,
      when(c.createdAt),
      when(c.lastUsedAt),
      c.revokedAt ? `revoked ${when(c.revokedAt)}` : 'no',
    ]),
  );
}

export interface GatewaySummary extends Gateway {
  stations: number;
  activeTokens: number;
}

export function gatewayTable(gateways: GatewaySummary[]): string[] {
  if (gateways.length === 0) return ['no gateways'];
  return table(
    ['ID', 'NAME', 'AUTO-REGISTER', 'STATIONS', 'ACTIVE TOKENS', 'CREATED'],
    gateways.map((g) => [
      g.id,
      g.name ?? NONE,
      g.autoRegister ? 'yes' : 'no',
      String(g.stations),
      String(g.activeTokens),
      when(g.createdAt),
    ]),
  );
}

/** The credential a new token belongs to, for the line above the token. */
export function describeCredential(credential: CredentialInfo): string {
  const owner =
    credential.kind === 'station'
      ? `station ${credential.stationId}`
      : `gateway ${credential.gatewayId}`;
  return `${credential.kind} token ${credential.prefix}… for ${owner}`;
}
