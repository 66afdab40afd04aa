/**
 * Service controls behind a shared secret (SPEC §15): with `CONTROL_TOKEN` set, every route of
 * an internal service but liveness, readiness, metrics and its API description needs
 * `Authorization: Bearer <CONTROL_TOKEN>`. The web app sends it; nobody else needs it.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '@weather/core/tokens';
import type { ErrorBody } from './errors';

/** Routes that stay open: they describe and probe the service and reveal no data or secrets. */
const OPEN_ROUTES = new Set(['/health', '/ready', '/metrics', '/openapi.json', '/docs']);

/** Whether a route (its pattern, undefined when none matched) needs the control token. */
export const needsControlToken = (route: string | undefined) =>
  route !== undefined && !OPEN_ROUTES.has(route) && !route.startsWith('/docs/');

/**
 * The token of an `Authorization: Bearer <token>` header (any case of "Bearer"), or undefined
 * for no header, another scheme or a malformed one. One parser for every token we take.
 */
export { bearerToken };

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Checks a request's `Authorization` header against the token: null when it may pass. */
export function controlTokenCheck(token: string) {
  const expected = digest(token);
  return (authorization: string | undefined): ErrorBody | null => {
    const given = bearerToken(authorization);
    if (!given) {
      return {
        error: 'control_token_required',
        message:
          'This route needs the service’s CONTROL_TOKEN: send "Authorization: Bearer <CONTROL_TOKEN>"',
      };
    }
    // Digests of equal length, compared in constant time: the answer says nothing of the token.
    if (!timingSafeEqual(digest(given), expected)) {
      return { error: 'invalid_control_token', message: 'The control token is not this service’s' };
    }
    return null;
  };
}
