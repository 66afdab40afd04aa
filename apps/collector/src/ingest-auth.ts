/**
 * Who may ingest (SPEC §12): every ingest request carries a token — `Authorization: Bearer`,
 * or a path segment for firmware that can only set a URL — which the registry's in-memory view
 * turns into a principal, the rate limits budget, and each reading's station must be one the
 * principal may write. One mechanism for every ingest route.
 */
import type { Logger } from '@weather/core/logger';
import { type Database, registerUnderGateway } from '@weather/db';
import type { CredentialUsage, Principal, RegistryWatcher, WriteDecision } from '@weather/registry';
import { Counter, type Registry } from 'prom-client';
import type { LimitedBy, RateLimits } from './rate-limits';

export type IngestAuthMode = 'required' | 'off';

/** A refused request: its status, body and headers. */
export interface Refused {
  status: 401 | 429 | 503;
  body: { error: string; message: string };
  headers?: Record<string, string>;
}

const MESSAGES = {
  missing_token:
    'An ingest token is required: send "Authorization: Bearer <token>" (tokens come from `npm run stations -- token <station>`)',
  malformed_token: 'The token is not one this system issues (wxs_… or wxg_…)',
  unknown_token: 'The token is unknown or has been revoked',
} as const;

/** What a request may do with one of its stations. */
export type Decision = Exclude<WriteDecision, 'register'>;

/** Why a record is refused, for the per-record report and a single reading's 403. */
export const FORBIDDEN_MESSAGES: Record<Exclude<Decision, 'ok'>, string> = {
  forbidden_station: 'This token may not write this station',
  station_disabled: 'This station is disabled',
};

export interface IngestAuthDeps {
  mode: IngestAuthMode;
  watcher: RegistryWatcher | null;
  limits: RateLimits | null;
  usage: CredentialUsage | null;
  db: Database | null;
  logger: Logger;
  registry: Registry;
}

export type Authenticated = { principal: Principal | null } | { refused: Refused };

export function createIngestAuth(deps: IngestAuthDeps) {
  const refusals = new Counter({
    name: 'collector_ingest_refused_total',
    help: 'Ingest requests or readings refused by authentication, authorisation or rate limits',
    labelNames: ['status', 'reason'] as const,
    registers: [deps.registry],
  });
  const refuse = (refused: Refused, reason: string): { refused: Refused } => {
    refusals.inc({ status: refused.status, reason });
    return { refused };
  };

  const spend = async (principal: Principal, kind: LimitedBy, points: number) => {
    const over = await deps.limits?.consume(kind, principal.credentialId, principal.limits, points);
    if (!over) return null;
    return refuse(
      {
        status: 429,
        body: {
          error: 'rate_limited',
          message: `Too many ${kind} for this token; retry after ${over.retryAfterSeconds} s`,
        },
        headers: { 'retry-after': String(over.retryAfterSeconds) },
      },
      `rate_limited_${kind}`,
    );
  };

  return {
    mode: deps.mode,

    /**
     * The principal of a request's token, with one request of its budget spent; `principal:
     * null` when authentication is off. Runs before the body is read.
     */
    async authenticate(token: string | undefined): Promise<Authenticated> {
      if (deps.mode === 'off') return { principal: null };
      const view = deps.watcher?.view;
      if (!view) {
        return refuse(
          {
            status: 503,
            body: {
              error: 'registry_unavailable',
              message: 'Ingest tokens cannot be checked yet (the registry is unreachable); retry',
            },
            headers: { 'retry-after': '5' },
          },
          'registry_unavailable',
        );
      }
      const principal = view.authenticate(token);
      if ('error' in principal) {
        return refuse(
          {
            status: 401,
            body: { error: principal.error, message: MESSAGES[principal.error] },
            headers: { 'www-authenticate': 'Bearer realm="ingest"' },
          },
          principal.error,
        );
      }
      const over = await spend(principal, 'requests', 1);
      if (over) return over;
      deps.usage?.used(principal.credentialId);
      return { principal };
    },

    /** Spends `readings` of the principal's reading budget; a refusal when it ran out. */
    async spendReadings(principal: Principal | null, readings: number) {
      if (!principal) return null;
      return (await spend(principal, 'readings', readings))?.refused ?? null;
    },

    /**
     * What the principal may do with each station: 'ok', or why not. Unknown stations of an
     * auto-registering gateway are registered first (one write per new station, ever); while
     * the database is unreachable that throws, and the request is answered 503.
     */
    async decide(principal: Principal | null, stationIds: string[]): Promise<Decision[]> {
      if (!principal) return stationIds.map(() => 'ok');
      const view = deps.watcher?.view;
      if (!view) return stationIds.map(() => 'forbidden_station');
      let decisions = stationIds.map((id) => view.decide(principal, id));
      const unknown = [...new Set(stationIds.filter((_, i) => decisions[i] === 'register'))];
      if (unknown.length > 0 && deps.db) {
        const registered = await registerUnderGateway(deps.db, principal.ownerId, unknown);
        view.addStations(principal.ownerId, registered);
        deps.logger.info(
          { gateway: principal.ownerId, stations: registered.length },
          'registered new stations of an auto-registering gateway',
        );
        decisions = stationIds.map((id) => view.decide(principal, id));
      }
      const refused = decisions.map((d): Decision => (d === 'register' ? 'forbidden_station' : d));
      for (const d of refused) if (d !== 'ok') refusals.inc({ status: 403, reason: d });
      return refused;
    },
  };
}

export type IngestAuth = ReturnType<typeof createIngestAuth>;

/**
 * The token of `Authorization: Bearer <token>` (any case of "Bearer"); another scheme or shape
 * gives the header itself, which no token matches (so: malformed).
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] ?? header;
}
