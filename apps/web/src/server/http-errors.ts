import type { ErrorBody } from '@weather/api';

/** An error in the API's one shape, `{ error, message }` (SPEC §8). */
export function errorResponse(
  status: number,
  error: string,
  message: string,
  headers?: Record<string, string>,
): Response {
  return Response.json({ error, message } satisfies ErrorBody, { status, headers });
}

/**
 * Handlers for a route that serves only `allowed`: every other method gets 405 with `Allow` and
 * a JSON body (Next's own 405 has neither), OPTIONS names what is allowed. A route exports the
 * ones it does not implement itself; Next answers HEAD wherever GET is exported.
 */
export function onlyMethods(...allowed: ('GET' | 'POST')[]) {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  const refuse = (req: Request) =>
    errorResponse(
      405,
      'method_not_allowed',
      `${req.method} is not allowed here; use ${allowed.join(' or ')}`,
      { allow },
    );
  const options = () => new Response(null, { status: 204, headers: { allow } });
  return {
    GET: refuse,
    POST: refuse,
    PUT: refuse,
    PATCH: refuse,
    DELETE: refuse,
    OPTIONS: options,
  };
}
