import { errorResponse } from '@/server/http-errors';

export const dynamic = 'force-dynamic';

/** Any path under /api that no route serves: a JSON 404, whatever the method. */
function notFound(req: Request) {
  return errorResponse(404, 'not_found', `No route for ${req.method} ${new URL(req.url).pathname}`);
}

export {
  notFound as DELETE,
  notFound as GET,
  notFound as HEAD,
  notFound as OPTIONS,
  notFound as PATCH,
  notFound as POST,
  notFound as PUT,
};
