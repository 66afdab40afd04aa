import { randomBytes } from 'node:crypto';
import type { Logger } from '@weather/core/logger';
import { bearerToken, TOKEN_PATTERN } from '@weather/core/tokens';
import type { Database } from '@weather/db';
import type { Redis } from 'ioredis';
import { type Identity, isSameOrigin, type RequestAccess } from './access';
import { type Auth, COOKIE_PREFIX, createAuth, trustedOriginsOf } from './auth';
import { verifyApiKey } from './operators';

export interface AccessOptions {
  auth: Auth;
  db: Database;
  /** PUBLIC_READ: anyone may read; otherwise a session or an API key must. */
  publicRead: boolean;
  /** Origins besides the request's own whose pages may make changes with a session cookie. */
  trustedOrigins: readonly string[];
  /** PUBLIC_URL's scheme (`https:`), the one the request's own origin must have. */
  scheme?: string;
}

const SESSION_COOKIE = `${COOKIE_PREFIX}.session_token=`;

/** Builds each request's access from its headers; nothing is looked up until it is needed. */
export function accessResolver(options: AccessOptions) {
  return (headers: Headers): RequestAccess => {
    let identity: Promise<Identity> | undefined;
    return {
      publicRead: options.publicRead,
      presentsCredentials:
        isBearer(headers.get('authorization')) ||
        (headers.get('cookie') ?? '').includes(SESSION_COOKIE),
      sameOrigin: isSameOrigin(headers, options.trustedOrigins, options.scheme),
      identify: () => {
        identity ??= identify(options, headers);
        return identity;
      },
    };
  };
}

export type AccessResolver = ReturnType<typeof accessResolver>;

/** An `Authorization: Bearer …` header, well formed or not (other schemes are not ours). */
const isBearer = (value: string | null) => value !== null && /^bearer\b/i.test(value.trim());

/**
 * `Authorization: Bearer` is an API key (and only that: an ingest token is refused by name);
 * otherwise the session cookie, checked against the session store. An expired or unknown
 * cookie is simply no session. Another scheme (`Basic` from a reverse proxy's own login) is
 * not ours to judge and is passed over.
 */
async function identify({ auth, db }: AccessOptions, headers: Headers): Promise<Identity> {
  const authorization = headers.get('authorization');
  if (isBearer(authorization)) {
    const token = bearerToken(authorization);
    if (!token) {
      return refused('invalid_authorization', 'Authorization must be "Bearer <API key>"');
    }
    if (TOKEN_PATTERN.test(token)) {
      return refused(
        'ingest_token_not_api_key',
        'This is an ingest token: it sends readings to the collector and opens no API. Use an API key (dashboard → API keys, or npm run admin -- api-key create).',
      );
    }
    const key = await verifyApiKey(db, token);
    if (!key) return refused('invalid_api_key', 'The API key is unknown or revoked');
    return { principal: { kind: 'api_key', role: key.role, keyId: key.id, name: key.name } };
  }
  const session = await auth.api.getSession({ headers });
  if (!session) return { principal: null };
  const { user } = session;
  return {
    principal: {
      kind: 'session',
      role: user.role === 'admin' ? 'admin' : 'viewer',
      userId: user.id,
      email: user.email,
      name: user.name,
    },
  };
}

const refused = (error: NonNullable<Identity['failure']>['error'], message: string): Identity => ({
  principal: null,
  failure: { error, message },
});

/**
 * What a server that answers the APIs holds for access (the web app, the query service): the
 * Better Auth instance and the resolver of each request's access, from its environment.
 */
export function accessServices(options: {
  db: Database;
  env: {
    PUBLIC_READ: boolean;
    AUTH_SECRET?: string;
    PUBLIC_URL: string;
    TRUSTED_ORIGINS: string[];
  };
  logger?: Logger;
  /** Counts failed sign-ins across instances (the web app, which serves sign-in). */
  redis?: Redis;
  namespace?: string;
}) {
  const { db, env, logger, redis, namespace } = options;
  let secret = env.AUTH_SECRET;
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    logger?.warn(
      'AUTH_SECRET is not set: sessions last until this process restarts; set it (the same on every instance)',
    );
  }
  const authOptions = {
    db,
    secret,
    publicUrl: env.PUBLIC_URL,
    trustedOrigins: env.TRUSTED_ORIGINS,
    logger,
    redis,
    namespace,
  };
  const auth = createAuth(authOptions);
  const access = accessResolver({
    auth,
    db,
    publicRead: env.PUBLIC_READ,
    trustedOrigins: trustedOriginsOf(authOptions),
    scheme: new URL(env.PUBLIC_URL).protocol,
  });
  return { auth, access };
}
