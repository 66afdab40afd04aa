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

/** Why a request may not write one of its stations. */
export type Refusal = Exclude<WriteDecision, 'ok' | 'register'>;

/** Why a record is refused, for the per-record report and a single reading's 403. */
export const FORBIDDEN_MESSAGES: Record<Refusal, string> = {
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
     * The stations the principal may not write, by their index in `stationIds` (empty: every
     * one may be written, the common case, at a map lookup per reading). Unknown stations of an
     * auto-registering gateway are registered first (one write per new station, ever); while
     * the database is unreachable that throws, and the request is answered 503.
     */
    async refusedStations(
      principal: Principal | null,
      stationIds: readonly string[],
    ): Promise<Map<number, Refusal>> {
      const refused = new Map<number, Refusal>();
      if (!principal) return refused;
      const view = deps.watcher?.view;
      if (!view) {
        for (let i = 0; i < stationIds.length; i++) refused.set(i, 'forbidden_station');
        return refused;
      }
      const toRegister: number[] = [];
      for (let i = 0; i < stationIds.length; i++) {
        const decision = view.decide(principal, stationIds[i] as string);
        if (decision === 'register') toRegister.push(i);
        else if (decision !== 'ok') refused.set(i, decision);
      }
      if (toRegister.length > 0 && deps.db) {
        const ids = [...new Set(toRegister.map((i) => stationIds[i] as string))];
        const registered = await registerUnderGateway(deps.db, principal.ownerId, ids);
        view.addStations(principal.ownerId, registered);
        deps.logger.info(
          { gateway: principal.ownerId, stations: registered.length },
          'registered new stations of an auto-registering gateway',
        );
      }
      for (const i of toRegister) {
        const decision = view.decide(principal, stationIds[i] as string);
        if (decision !== 'ok') refused.set(i, 'forbidden_station');
      }
      for (const reason of refused.values()) refusals.inc({ status: 403, reason });
      return refused;
    },
  };
}

export type IngestAuth = ReturnType<typeof createIngestAuth>;
