import { malformedEncoding, urlTooLong } from '@weather/api/limits';
import type { NextRequest } from 'next/server';
import { errorResponse } from './server/http-errors';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Runs before routing, for every request: Next's router answers a path it cannot
 * percent-decode with a bare 500, route handlers answer methods they do not know with an
 * empty 400, and nothing downstream should see an unbounded URL.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = new URL(request.url);
  if (!METHODS.has(request.method)) {
    const allow = pathname.startsWith('/api/trpc/') ? 'GET, POST, OPTIONS' : 'GET, HEAD, OPTIONS';
    return errorResponse(405, 'method_not_allowed', `${request.method} is not served here`, {
      allow,
    });
  }
  const tooLong = urlTooLong(pathname, search);
  if (tooLong) return errorResponse(414, 'uri_too_long', tooLong);
  const malformed = malformedEncoding(pathname, search);
  if (malformed) return errorResponse(400, 'malformed_url', malformed);
  return undefined;
}
