/**
 * Request bounds of the web API, shared by the server and the dashboard's tRPC client (which
 * must stay within them). Kept free of server imports so client components can read it.
 */
import { isWellEncoded } from '@weather/core/url';

/** Calls in one tRPC batch; a longer batch is refused (400) before any call runs. */
export const MAX_BATCH_SIZE = 10;

/** Longest request target (path and query) the web app serves; longer ones get 414. */
export const MAX_URL_LENGTH = 8 * 1024;

/** Why a request target is too long (414), or undefined. */
export function urlTooLong(pathname: string, search: string): string | undefined {
  if (pathname.length + search.length <= MAX_URL_LENGTH) return undefined;
  return `The URL is longer than ${MAX_URL_LENGTH} bytes; send fewer or shorter parameters`;
}

/**
 * Why a request target cannot be decoded (a bad `%` escape, or escapes that are not UTF-8, such
 * as `%C0%AF`), naming the part; undefined when every path segment and query field decodes.
 */
export function malformedEncoding(pathname: string, search: string): string | undefined {
  if (!pathname.split('/').every(isWellEncoded))
    return 'Malformed percent-encoding in the URL path';
  const query = search.startsWith('?') ? search.slice(1) : search;
  for (const field of query ? query.split('&') : []) {
    const [key = '', value = ''] = field.replaceAll('+', ' ').split(/=(.*)/s);
    if (!isWellEncoded(key)) return 'Malformed percent-encoding in a query parameter name';
    if (!isWellEncoded(value)) {
      return `Malformed percent-encoding in query parameter "${decodeURIComponent(key).slice(0, 64)}"`;
    }
  }
  return undefined;
}
