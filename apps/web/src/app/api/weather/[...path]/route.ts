import { TRPCError } from '@trpc/server';
import { createCaller, csvHeader, csvRow } from '@weather/api';
import { createContext } from '@/server/context';
import { handleRest } from '@/server/rest';

export const dynamic = 'force-dynamic';

/**
 * REST for /api/weather/...; the readings endpoint also streams CSV (`format=csv` or
 * `Accept: text/csv`), page by page through the same procedure, so validation, 404s and bounds
 * are the JSON endpoint's.
 */
export async function GET(req: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  const url = new URL(req.url);
  const wantsCsv =
    url.searchParams.get('format') === 'csv' ||
    (req.headers.get('accept') ?? '').includes('text/csv');
  if (path.length !== 1 || !wantsCsv) {
    if (url.searchParams.has('format')) url.searchParams.delete('format');
    return handleRest(new Request(url, req));
  }
  const caller = createCaller(createContext());
  const query = {
    station_id: decodeURIComponent(path[0] ?? ''),
    start_time: url.searchParams.get('start_time') ?? undefined,
    end_time: url.searchParams.get('end_time') ?? undefined,
    limit: 5000,
  };
  let page: Awaited<ReturnType<typeof caller.weather.readings>>;
  try {
    page = await caller.weather.readings(query);
  } catch (error) {
    if (error instanceof TRPCError) {
      const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'BAD_REQUEST' ? 400 : 500;
      return Response.json({ message: error.message, code: error.code }, { status });
    }
    throw error;
  }
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(csvHeader()));
        for (;;) {
          controller.enqueue(encoder.encode(page.readings.map(csvRow).join('')));
          if (!page.next_cursor) break;
          page = await caller.weather.readings({ ...query, cursor: page.next_cursor });
        }
        controller.close();
      } catch (error) {
        // Headers are gone by now: abort the body so the client sees a failed, not a short, file.
        controller.error(error);
      }
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${query.station_id}-readings.csv"`,
    },
  });
}
