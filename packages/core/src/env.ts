import { z } from 'zod';
import { infrastructure, localUrl } from './services';

/** Thrown when the environment does not satisfy an app's schema; the message names every bad variable. */
export class EnvError extends Error {
  constructor(readonly issues: { variable: string; problem: string }[]) {
    super(
      `Invalid environment:\n${issues.map((i) => `  ${i.variable}: ${i.problem}`).join('\n')}\nSee .env.example for every variable and its default.`,
    );
    this.name = 'EnvError';
  }
}

/**
 * Validates `source` (default `process.env`) against a zod object schema whose keys are
 * variable names. Empty strings count as unset so that `FOO=` falls back to the default. An unset
 * `FOO` is read from the file `FOO_FILE` names, when it does (Docker's convention for secrets:
 * compose mounts generated ones as files), its content trimmed.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const fileProblems: { variable: string; problem: string }[] = [];
  const cleaned = Object.fromEntries(
    Object.keys(schema.shape).map((key) => {
      const value = source[key] === '' ? undefined : source[key];
      const file = source[`${key}_FILE`];
      if (value !== undefined || !file) return [key, value];
      try {
        return [key, readSecretFile(file) || undefined];
      } catch (error) {
        const code = (error as { code?: string }).code ?? String(error);
        fileProblems.push({ variable: `${key}_FILE`, problem: `cannot read ${file} (${code})` });
        return [key, undefined];
      }
    }),
  );
  if (fileProblems.length > 0) throw new EnvError(fileProblems);
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(root)'),
      problem: issue.message,
    })),
  );
}

/** node:fs only when a `_FILE` variable is used, so bundles for other runtimes never load it. */
function readSecretFile(file: string): string {
  const fs = process.getBuiltinModule?.('node:fs') as typeof import('node:fs') | undefined;
  if (!fs) throw new Error('no file system here');
  return fs.readFileSync(file, 'utf8').trim();
}

/** Helpers for the variables every service shares, so each is validated the same way. */
export const envVars = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),

  url: (fallback: string, protocols: readonly string[]) =>
    z
      .string()
      .default(fallback)
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        { message: `must be a URL with scheme ${protocols.join(' or ')}` },
      ),

  /** Comma-separated `host:port` list, e.g. `127.0.0.1:9092,127.0.0.1:9094`. */
  brokers: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .transform((value) => value.split(',').map((b) => b.trim()))
      .refine((list) => list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), {
        message: 'must be a comma-separated list of host:port',
      }),

  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),

  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
};

/**
 * Defaults for local development, from the service manifest (`services.json`); `.env.example`
 * lists the same values (tests/compose checks it).
 */
export const defaults = {
  DATABASE_URL: infrastructure.DATABASE_URL,
  REDIS_URL: infrastructure.REDIS_URL,
  KAFKA_BROKERS: infrastructure.KAFKA_BROKERS,
  COLLECTOR_URL: localUrl('collector'),
  CONSUMER_URL: localUrl('consumer'),
  GENERATOR_URL: localUrl('generator'),
  QUERY_URL: localUrl('query'),
};

/** Variables several apps read; an app's schema picks the ones it needs. */
export const sharedVars = {
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: envVars.logLevel(),
  SHUTDOWN_TIMEOUT_MS: envVars.positiveInt(10_000),
  DATABASE_URL: envVars.url(defaults.DATABASE_URL, ['postgres', 'postgresql']),
  REDIS_URL: envVars.url(defaults.REDIS_URL, ['redis', 'rediss']),
  KAFKA_BROKERS: envVars.brokers(defaults.KAFKA_BROKERS),
  KAFKA_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a valid Kafka topic name')
    .default('weather.readings'),
  KAFKA_TOPIC_PARTITIONS: envVars.positiveInt(6),
  COLLECTOR_URL: envVars.url(defaults.COLLECTOR_URL, ['http', 'https']),
  CONSUMER_URL: envVars.url(defaults.CONSUMER_URL, ['http', 'https']),
  GENERATOR_URL: envVars.url(defaults.GENERATOR_URL, ['http', 'https']),
  QUERY_URL: envVars.url(defaults.QUERY_URL, ['http', 'https']),
  /** Server-side limit of every API query, in ms (the web app, the query service). */
  QUERY_TIMEOUT_MS: envVars.positiveInt(5000),
  /**
   * The shared secret of the internal services' controls (generator, consumer `/stats`; SPEC
   * §15); empty or unset: open. `npm start` sets a random one per run.
   */
  CONTROL_TOKEN: z
    .string()
    .optional()
    .transform((value) => value || undefined)
    .pipe(
      z
        .string()
        .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16–256 printable characters without spaces')
        .optional(),
    ),
};

/** A comma-separated list of origins (`https://host[:port]`), each checked. */
const originList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .refine(
    (list) =>
      list.every((o) => {
        try {
          const url = new URL(o);
          return /^https?:$/.test(url.protocol) && url.origin === o;
        } catch {
          return false;
        }
      }),
    { message: 'must be a comma-separated list of origins such as https://weather.example.org' },
  );

/** Operators and access (SPEC §15): the web app and the query service read these. */
export const accessVars = {
  /** Anyone may read the dashboard and the APIs; `false`: a session or an API key must. */
  PUBLIC_READ: envVars.boolean(true),
  /**
   * Signs session cookies; the same on every web and query instance. Unset: a random one per
   * process (sessions end at a restart, and the query service cannot read the web app's).
   */
  AUTH_SECRET: z
    .string()
    .optional()
    .transform((value) => value || undefined)
    .pipe(
      z.string().min(32, 'must be at least 32 characters (openssl rand -base64 32)').optional(),
    ),
  /** Where people open the dashboard; `https://…` makes session cookies `Secure`. */
  PUBLIC_URL: envVars.url('http://localhost:3000', ['http', 'https']),
  /** Further origins whose pages may sign in and make changes (the dashboard's other names). */
  TRUSTED_ORIGINS: originList,
  /** Origins whose scripts may read the APIs from a browser (CORS); none by default. */
  CORS_ORIGINS: originList,
};

/**
 * What every service reads about its own running (collector, consumer, generator): where it
 * listens, how much it logs, how long its shutdown may take.
 */
export const serviceVars = {
  HOST: sharedVars.HOST,
  LOG_LEVEL: sharedVars.LOG_LEVEL,
  SHUTDOWN_TIMEOUT_MS: sharedVars.SHUTDOWN_TIMEOUT_MS,
};

/** Where the pipeline's readings topic is, for the services that produce or consume it. */
export const kafkaVars = {
  KAFKA_BROKERS: sharedVars.KAFKA_BROKERS,
  KAFKA_TOPIC: sharedVars.KAFKA_TOPIC,
  KAFKA_TOPIC_PARTITIONS: sharedVars.KAFKA_TOPIC_PARTITIONS,
};

/** Those variables as a service's parsed environment holds them. */
export type KafkaEnv = z.output<z.ZodObject<typeof kafkaVars>>;

/** For a service's entry point: parse, or print which variables are wrong and exit 2. */
export function loadEnvOrExit<S extends z.ZodObject>(schema: S): z.infer<S> {
  try {
    return parseEnv(schema);
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
