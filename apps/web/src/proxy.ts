import { malformedEncoding, urlTooLong } from '@weather/api/limits';
import { accessVars, parseEnv } from '@weather/core/env';
import { type NextRequest, NextResponse } from 'next/server';
import { z } from 'zod';
import { errorResponse } from './server/http-errors';
import {
  API_CSP,
  CORS_PREFLIGHT_HEADERS,
  isApiPath,
  isCorsPath,
  newNonce,
  pageCsp,
} from './server/security-headers';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

let corsOrigins: Set<string> | undefined;

/** Read on first request, not at import (`next build` loads this file); the server's start checks it too. */
function allowedOrigins() {
  corsOrigins ??= new Set(
    parseEnv(z.object({ CORS_ORIGINS: accessVars.CORS_ORIGINS })).CORS_ORIGINS,
  );
  return corsOrigins;
}

/**
 * CORS for one API request: `Allow-Origin` for a listed origin, nothing for others. `Vary` whenever
 * any origin is listed, so a shared cache never hands one origin's answer to another.
 */
function corsHeaders(request: NextRequest, pathname: string): Record<string, string> {
  const allowed = allowedOrigins();
  if (allowed.size === 0 || !isCorsPath(pathname)) return {};
  const origin = request.headers.get('origin');
  if (!origin || !allowed.has(origin)) return { Vary: 'Origin' };
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/** The proxy's own refusals are JSON answers like the API's, with its headers. */
function refuse(status: number, error: string, message: string, headers: Record<string, string>) {
  return errorResponse(status, error, message, { 'Content-Security-Policy': API_CSP, ...headers });
}

/**
 * Runs before routing, for every request: Next's router answers a path it cannot
 * percent-decode with a bare 500, route handlers answer methods they do not know with an
 * empty 400, and nothing downstream should see an unbounded URL. Then CORS for the API, and a
 * fresh CSP nonce for every page.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = new URL(request.url);
  const cors = corsHeaders(request, pathname);
  if (!METHODS.has(request.method)) {
    const allow = pathname.startsWith('/api/trpc/') ? 'GET, POST, OPTIONS' : 'GET, HEAD, OPTIONS';
    return refuse(405, 'method_not_allowed', `${request.method} is not served here`, {
      allow,
      ...cors,
    });
  }
  const tooLong = urlTooLong(pathname, search);
  if (tooLong) return refuse(414, 'uri_too_long', tooLong, cors);
  const malformed = malformedEncoding(pathname, search);
  if (malformed) return refuse(400, 'malformed_url', malformed, cors);

  if (isApiPath(pathname)) {
    const preflight =
      request.method === 'OPTIONS' && request.headers.has('access-control-request-method');
    if (preflight && cors['Access-Control-Allow-Origin']) {
      return new Response(null, { status: 204, headers: { ...cors, ...CORS_PREFLIGHT_HEADERS } });
    }
    // next.config.ts adds the API's CSP and the common headers.
    return Object.keys(cors).length > 0 ? NextResponse.next({ headers: cors }) : undefined;
  }

  // Next takes the nonce from the request's CSP header and puts it on its scripts; `x-nonce` is
  // for server components that render a <Script> of their own.
  const nonce = newNonce();
  const csp = pageCsp(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}
