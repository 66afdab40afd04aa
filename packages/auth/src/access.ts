/**
 * Who a request is, and whether it may do what it asks (SPEC §15). Types only here and in
 * `identify`'s result, so `@weather/api` can declare procedure access without Better Auth.
 */
import type { Role } from '@weather/db';

export type { Role };

/** The password rule (SPEC §15), here so that forms can say it before the server refuses. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** A signed-in operator (session cookie) or a script (API key). */
export type Principal =
  | { kind: 'session'; role: Role; userId: string; email: string; name: string }
  | { kind: 'api_key'; role: Role; keyId: number; name: string };

/** Why presented credentials were refused (401): a request that presents none is anonymous. */
export type CredentialFailure = {
  error: 'invalid_api_key' | 'ingest_token_not_api_key' | 'invalid_authorization';
  message: string;
};

export type Identity = { principal: Principal | null; failure?: CredentialFailure };

/** What a procedure declares it needs: anyone, a reader (anyone while PUBLIC_READ), an admin. */
export type AccessLevel = 'public' | 'viewer' | 'admin';

/**
 * One request's access, given to the API's procedures and REST handler. `identify` runs at most
 * once per request, and only when something needs it: a public read of a cached answer never
 * touches the session store.
 */
export interface RequestAccess {
  publicRead: boolean;
  /** Whether the request presents credentials (a session cookie or an Authorization header). */
  presentsCredentials: boolean;
  identify(): Promise<Identity>;
  /**
   * Whether the request comes from a page of ours (its `Origin`), which a change made with a
   * session cookie must (cross-site request forgery); API keys are not sent by browsers on
   * their own, so they need no such check.
   */
  sameOrigin: boolean;
}

/** Access for in-process callers acting as a given principal (scripts, tests). */
export function trustedAccess(principal: Principal | null, publicRead = true): RequestAccess {
  return {
    publicRead,
    presentsCredentials: principal !== null,
    identify: async () => ({ principal }),
    sameOrigin: true,
  };
}

/**
 * The request's own origin (its Host, in `scheme`, PUBLIC_URL's) or a trusted one. A request
 * without `Origin` passes only when the browser's fetch metadata says it is same-origin;
 * `Origin: null` (sandboxed frames, some redirects) never does.
 */
export function isSameOrigin(
  headers: Headers,
  trustedOrigins: readonly string[],
  scheme = 'http:',
): boolean {
  const origin = headers.get('origin');
  if (origin === null) return headers.get('sec-fetch-site') === 'same-origin';
  return [...trustedOrigins, ...ownOrigin(scheme, headers.get('host'))].includes(origin);
}

/** The origin of a request addressed to `host` (its Host header), in `scheme` (`https:`). */
export const ownOrigin = (scheme: string, host: string | null) =>
  host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? [`${scheme}//${host}`] : [];
