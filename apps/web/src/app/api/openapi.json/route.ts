import { openApiDocument } from '@weather/api';
import { webEnv } from '@/server/env';
import { onlyMethods } from '@/server/http-errors';

export const dynamic = 'force-dynamic';

/**
 * The REST API's document. Its server is `/api`, relative to wherever the document was read (a
 * host name Next sees internally is not the one the browser used, and "Try it out" would call
 * another origin, which the page's CSP refuses). Security as PUBLIC_READ makes it.
 */
export function GET() {
  return Response.json(openApiDocument('/api', { publicRead: webEnv().PUBLIC_READ }));
}

export const { DELETE, OPTIONS, PATCH, POST, PUT } = onlyMethods('GET');
