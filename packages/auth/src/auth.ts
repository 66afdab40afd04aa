import type { Logger } from '@weather/core/logger';
import { hashToken } from '@weather/core/tokens';
import {
  accounts,
  authRateLimits,
  type Database,
  sessions,
  users,
  verifications,
} from '@weather/db';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware, isAPIError } from 'better-auth/api';
import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, ownOrigin } from './access';

export interface AuthOptions {
  db: Database;
  /** Signs session cookies (AUTH_SECRET): at least 32 characters, the same on every instance. */
  secret: string;
  /**
   * Where people open the dashboard (PUBLIC_URL). Its scheme decides the cookies' `Secure`
   * attribute; its origin is trusted for sign-in and for cookie-authenticated changes.
   */
  publicUrl: string;
  /** Further origins the dashboard is served from (TRUSTED_ORIGINS). */
  trustedOrigins?: string[];
  logger?: Logger;
  /** Where failed sign-ins are counted, so the limit holds across instances (else in memory). */
  redis?: Redis;
  /** Separates deployments that share one Redis (the database's name). */
  namespace?: string;
}

/** Sign-in attempts one client address may make per window (wrong or right). */
export const SIGN_IN_LIMIT = { window: 60, max: 10 };

/**
 * Failed sign-ins one account may have per window, from any address (an address can be spoofed
 * or shared; an account cannot): then its sign-in waits, right password or not, until the window
 * ends. Unknown emails count the same, so the answers tell no account from none.
 */
export const ACCOUNT_FAILURE_LIMIT = { window: 15 * 60, max: 10 };

function failureCounter(redis: Redis | undefined, namespace = ''): RateLimiterAbstract {
  const limits = {
    points: ACCOUNT_FAILURE_LIMIT.max,
    duration: ACCOUNT_FAILURE_LIMIT.window,
    keyPrefix: `weather:v1:${namespace}:sign-in-failures`,
  };
  const memory = new RateLimiterMemory(limits);
  return redis
    ? new RateLimiterRedis({ ...limits, storeClient: redis, insuranceLimiter: memory })
    : memory;
}

/** The account's counter key: a digest, so Redis holds no email addresses. */
const accountKey = (body: unknown) => {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? hashToken(email.trim().toLowerCase()) : undefined;
};

/**
 * Better Auth endpoints we do not offer: accounts are made, renamed and removed by admins
 * (`users.*`, `npm run admin`), there is no mail, no social sign-in. What stays: sign-in,
 * sign-out, the session, changing one's own password, ending one's own sessions.
 */
export const DISABLED_AUTH_PATHS = [
  '/sign-up/email',
  '/sign-in/social',
  '/update-user',
  '/change-email',
  '/delete-user',
  '/delete-user/callback',
  '/request-password-reset',
  '/reset-password',
  '/send-verification-email',
  '/verify-email',
  '/verify-password',
  '/link-social',
  '/unlink-account',
  '/list-accounts',
  '/account-info',
  '/get-access-token',
  '/refresh-token',
  '/update-session',
];

/** Session lifetime: a week, extended by use at most once a day. */
export const SESSION_EXPIRES_S = 7 * 24 * 3600;

/** The cookie prefix: `weather.session_token`, or `__Secure-weather.…` over HTTPS. */
export const COOKIE_PREFIX = 'weather';

/**
 * The Better Auth instance (SPEC §15): email and password sign-in with sessions in PostgreSQL,
 * passwords hashed with scrypt (memory-hard; Better Auth's default), sign-in attempts limited per
 * client address in the database (so the limit holds across instances and restarts). There is no
 * self sign-up: admins create users (`users.create`, `npm run admin`). `role` is a user field
 * Better Auth carries but never lets a request set.
 */
export function createAuth(options: AuthOptions) {
  const { db, logger } = options;
  const failures = failureCounter(options.redis, options.namespace);
  return betterAuth({
    hooks: {
      // Counted before the password is checked (atomically, so concurrent guesses cannot all
      // slip under the limit); a successful sign-in clears the account's count.
      before: createAuthMiddleware(async (ctx) => {
        const account = ctx.path === '/sign-in/email' ? accountKey(ctx.body) : undefined;
        if (!account) return;
        const refused = await failures.consume(account).then(
          () => undefined,
          (state: unknown) => (state instanceof Error ? undefined : (state as RateLimiterRes)),
        );
        if (refused) {
          const seconds = Math.ceil(refused.msBeforeNext / 1000);
          throw new APIError(
            'TOO_MANY_REQUESTS',
            {
              code: 'TOO_MANY_FAILED_SIGN_INS',
              message: `Too many failed sign-ins for this account; try again in ${Math.ceil(seconds / 60)} min`,
            },
            { 'retry-after': String(seconds), 'x-retry-after': String(seconds) },
          );
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const account = ctx.path === '/sign-in/email' ? accountKey(ctx.body) : undefined;
        if (account && !isAPIError(ctx.context.returned)) {
          await failures.delete(account).catch(() => {});
        }
      }),
    },
    appName: 'Weather pipeline',
    disabledPaths: DISABLED_AUTH_PATHS,
    secret: options.secret,
    baseURL: options.publicUrl,
    basePath: '/api/auth',
    // The request's own host is trusted too (the dashboard opened as localhost, by its LAN name),
    // with PUBLIC_URL's scheme only: a page's Origin equals the origin it was served from exactly
    // when it is our page, and a plain-http page must not vouch for the https dashboard.
    trustedOrigins: (request) => [
      ...trustedOriginsOf(options),
      ...ownOrigin(new URL(options.publicUrl).protocol, request?.headers.get('host') ?? null),
    ],
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: {
        user: users,
        session: sessions,
        account: accounts,
        verification: verifications,
        rateLimit: authRateLimits,
      },
    }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
    },
    user: {
      additionalFields: {
        role: { type: 'string', required: false, defaultValue: 'viewer', input: false },
      },
    },
    session: { expiresIn: SESSION_EXPIRES_S, updateAge: 24 * 3600 },
    rateLimit: {
      enabled: true,
      storage: 'database',
      window: 60,
      max: 100,
      customRules: { '/sign-in/email': SIGN_IN_LIMIT },
    },
    advanced: {
      cookiePrefix: COOKIE_PREFIX,
      // The client address comes from X-Forwarded-For, which Next.js sets only when the request
      // has none: behind a reverse proxy that overwrites it, the per-address limit holds; served
      // directly, a client can name any address, and the per-account limit above is what holds.
      ipAddress: { trustedProxies: ['127.0.0.1', '::1'] },
    },
    telemetry: { enabled: false },
    logger: {
      level: 'warn',
      log: (level, message) => {
        if (!logger) return;
        if (level === 'error') logger.error({ auth: true }, message);
        else logger.warn({ auth: true }, message);
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** PUBLIC_URL's origin and TRUSTED_ORIGINS. */
export const trustedOriginsOf = (options: Pick<AuthOptions, 'publicUrl' | 'trustedOrigins'>) => [
  new URL(options.publicUrl).origin,
  ...(options.trustedOrigins ?? []),
];
