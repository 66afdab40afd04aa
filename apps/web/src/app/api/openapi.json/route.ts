import { openApiDocument } from '@weather/api';
import { onlyMethods } from '@/server/http-errors';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return Response.json(openApiDocument(`${new URL(req.url).origin}/api`));
}

export const { DELETE, OPTIONS, PATCH, POST, PUT } = onlyMethods('GET');
