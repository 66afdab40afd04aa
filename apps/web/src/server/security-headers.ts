/**
 * The web app's cross-site safety headers in one place (SPEC §15): next.config.ts sends the
 * static ones, the proxy the per-request page policy and CORS. No `server-only` here: the proxy
 * and next.config.ts import it.
 */

/** On every response, pages and API alike. `X-Frame-Options` is the legacy twin of `frame-ancestors`. */
export const COMMON_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

/** JSON and CSV answers load nothing and may not be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The page policy for one request. Next reads the nonce from this header on the request and puts
 * it on its own scripts; 'strict-dynamic' lets those load the chunks they import. Styles stay
 * 'unsafe-inline': React, Recharts and Swagger UI set `style` attributes, which a nonce cannot
 * cover. `next dev` needs 'unsafe-eval' (React rebuilds server error stacks with eval).
 */
export function pageCsp(nonce: string, development = process.env.NODE_ENV === 'development') {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** 128 random bits, base64: unguessable, fresh for every page request. */
export function newNonce() {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * What a listed origin's scripts may do across sites. No `Allow-Credentials`: cross-origin
 * scripts authenticate with API keys, never with the dashboard's cookies.
 */
export const CORS_PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'authorization, content-type',
  'Access-Control-Max-Age': '600',
};

/** The web API: JSON (and CSV) answers under `/api`. */
export function isApiPath(pathname: string) {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/** The paths CORS opens: the web API, except sign-in (`/api/auth/*`), which stays same-origin. */
export function isCorsPath(pathname: string) {
  return isApiPath(pathname) && pathname !== '/api/auth' && !pathname.startsWith('/api/auth/');
}
