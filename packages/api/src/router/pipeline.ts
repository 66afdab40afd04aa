import { consumerStatsBody } from '@weather/contracts/consumer';
import { readinessBody } from '@weather/contracts/service';
import { approximateReadingCount, pingDatabase } from '@weather/db';
import { z } from 'zod';
import { databaseFailure, safeRemoteText } from '../errors';
import { router, viewerProcedure } from '../trpc';

const TIMEOUT_MS = 2000;

const serviceHealth = z.object({
  name: z.enum(['collector', 'consumer', 'query', 'generator', 'kafka', 'database', 'redis']),
  status: z.enum(['up', 'degraded', 'down']),
  detail: z.string(),
});
type ServiceHealth = z.infer<typeof serviceHealth>;

/** The part of the consumer's /stats the dashboard shows. */
const consumerStats = consumerStatsBody
  .pick({
    received: true,
    inserted: true,
    duplicates_dropped_memory: true,
    duplicates_dropped_database: true,
    dead_lettered: true,
    rows_per_second: true,
    database_error: true,
    rate_history: true,
  })
  .extend({ lag: consumerStatsBody.shape.lag.pick({ total: true }) });

async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch (error) {
    return {
      error:
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS} ms`
          : 'unreachable',
    };
  }
}

/** A service's /ready: up when ready, degraded when it answers but a dependency is down. */
async function readiness(name: 'collector' | 'consumer' | 'query', url: string | undefined) {
  if (!url)
    return {
      health: { name, status: 'down', detail: 'address not configured' } as ServiceHealth,
      kafka: undefined,
    };
  const res = await getJson(`${url}/ready`);
  if ('error' in res)
    return {
      health: { name, status: 'down', detail: res.error } as ServiceHealth,
      kafka: undefined,
    };
  const parsed = readinessBody.safeParse(res.body);
  const checks = parsed.success ? parsed.data.checks : {};
  const failing = Object.entries(checks).filter(([, v]) => v !== 'ok');
  const health: ServiceHealth =
    res.status === 200
      ? { name, status: 'up', detail: 'ready' }
      : {
          name,
          status: 'degraded',
          detail:
            safeRemoteText(failing.map(([k, v]) => `${k}: ${v}`).join('; '), 300) ||
            `HTTP ${res.status}`,
        };
  const kafka = checks.kafka === undefined ? undefined : safeRemoteText(String(checks.kafka));
  return { health, kafka };
}

async function probe(
  name: ServiceHealth['name'],
  check: () => Promise<unknown>,
): Promise<ServiceHealth> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS),
      ),
    ]);
    return { name, status: 'up', detail: 'answering' };
  } catch (error) {
    // A failed query's message is its statement; show the server's own reason instead.
    const detail =
      databaseFailure(error)?.info.message ??
      (error instanceof Error ? error.message : String(error));
    return { name, status: 'down', detail: safeRemoteText(detail) };
  }
}

export const pipelineRouter = router({
  /** Health of every part and the consumer's figures, for the dashboard's overview. */
  status: viewerProcedure
    .output(
      z.object({
        checked_at: z.string(),
        services: z.array(serviceHealth),
        consumer: consumerStats.nullable(),
        stored: z.object({ count: z.number(), exact: z.boolean() }).nullable(),
      }),
    )
    .query(async ({ ctx }) => {
      const [collector, consumer, query, generator, database, redis, stats, stored] =
        await Promise.all([
          readiness('collector', ctx.collectorUrl),
          readiness('consumer', ctx.consumerUrl),
          readiness('query', ctx.queryUrl),
          ctx.generatorUrl
            ? getJson(`${ctx.generatorUrl}/health`).then(
                (r): ServiceHealth =>
                  'error' in r
                    ? { name: 'generator', status: 'down', detail: r.error }
                    : {
                        name: 'generator',
                        status: r.status === 200 ? 'up' : 'degraded',
                        detail: r.status === 200 ? 'answering' : `HTTP ${r.status}`,
                      },
              )
            : Promise.resolve<ServiceHealth>({
                name: 'generator',
                status: 'down',
                detail: 'address not configured',
              }),
          probe('database', () => pingDatabase(ctx.db)),
          probe('redis', () => ctx.cache.ping()),
          ctx.consumerUrl
            ? getJson(
                `${ctx.consumerUrl}/stats`,
                ctx.controlToken ? { authorization: `Bearer ${ctx.controlToken}` } : {},
              )
            : Promise.resolve({ error: 'not configured' }),
          approximateReadingCount(ctx.db).catch(() => null),
        ]);
      // Kafka is seen through the services that use it.
      const kafkaVerdicts = [collector.kafka, consumer.kafka].filter(
        (v): v is string => v !== undefined,
      );
      const kafka: ServiceHealth =
        kafkaVerdicts.length === 0
          ? { name: 'kafka', status: 'down', detail: 'no service could check it' }
          : kafkaVerdicts.every((v) => v === 'ok')
            ? { name: 'kafka', status: 'up', detail: 'reachable from collector and consumer' }
            : {
                name: 'kafka',
                status: 'down',
                detail: kafkaVerdicts.find((v) => v !== 'ok') ?? 'unreachable',
              };
      const parsedStats = 'error' in stats ? null : consumerStats.safeParse(stats.body);
      const consumerFigures = parsedStats?.success ? parsedStats.data : null;
      return {
        checked_at: new Date().toISOString(),
        services: [
          collector.health,
          consumer.health,
          query.health,
          kafka,
          database,
          redis,
          generator,
        ],
        // Whatever the consumer reports, the dashboard never shows a statement or its values.
        consumer: consumerFigures && {
          ...consumerFigures,
          database_error:
            consumerFigures.database_error === null
              ? null
              : safeRemoteText(consumerFigures.database_error),
        },
        stored,
      };
    }),
});
