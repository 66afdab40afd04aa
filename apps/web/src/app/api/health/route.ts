import { onlyMethods } from '@/server/http-errors';

export const dynamic = 'force-dynamic';

/** Liveness of the web app itself (no dependency checks). */
export function GET() {
  return Response.json({ status: 'ok', service: 'web', uptime_s: process.uptime() });
}

export const { DELETE, OPTIONS, PATCH, POST, PUT } = onlyMethods('GET');
