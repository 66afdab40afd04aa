import { TRPCError } from '@trpc/server';
import { createCaller, csvHeader, csvRow, describeError, summariesCsv } from '@weather/api';
import { createContext, services } from '@/server/context';
import { errorResponse, onlyMethods } from '@/server/http-errors';
import { handleRest } from '@/server/rest';

export const dynamic = 'force-dynamic';

const FORMATS = ['json', 'csv'];

/** The station id segment of /api/weather/{id}, decoded once (the proxy refused bad escapes). */
function stationIdOf(pathname: string): string {
  const segment = pathname.split('/')[3] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * REST for /api/weather/...; the readings endpoint also streams CSV (`format=csv` or
 * `Accept: text/csv`), page by page through the same procedure, so validation, 404s and bounds
 * are the JSON endpoint's. Any other `format` is refused rather than ignored.
 */
export async function GET(req: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  const url = new URL(req.url);
  const format = url.searchParams.get('format');
  if (format !== null && !FORMATS.includes(format)) {
    return errorResponse(400, 'bad_request', 'format must be json or csv');
  }
  const summaries = path.length === 2 && path[0] === 'summaries';
  if (format === 'csv' && path.length !== 1 && !summaries) {
    return errorResponse(400, 'bad_request', 'format=csv is available for readings and summaries');
  }
  const wantsCsv = format === 'csv' || (req.headers.get('accept') ?? '').includes('text/csv');
  if (summaries && wantsCsv) return summariesCsvResponse(req, url, path[1] ?? '');
  if (path.length !== 1 || !wantsCsv) {
    if (url.searchParams.has('format')) url.searchParams.delete('format');
    return handleRest(new Request(url, req));
  }
  const caller = createCaller(createContext(req.headers));
  const query = {
    station_id: stationIdOf(url.pathname),
    start_time: url.searchParams.get('start_time') ?? undefined,
    end_time: url.searchParams.get('end_time') ?? undefined,
    limit: 5000,
  };
  let page: Awaited<ReturnType<typeof caller.weather.readings>>;
  try {
    page = await caller.weather.readings(query);
  } catch (error) {
    return failedCsv(error);
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
        services().logger.warn(
          {
            station_id: query.station_id,
            code: error instanceof TRPCError ? error.code : undefined,
          },
          'CSV export aborted',
        );
        controller.error(new Error('CSV export aborted'));
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

export const { DELETE, OPTIONS, PATCH, POST, PUT } = onlyMethods('GET');

/** A station's summaries as one CSV file, through the JSON procedure (same checks and errors). */
async function summariesCsvResponse(req: Request, url: URL, stationId: string) {
  const caller = createCaller(createContext(req.headers));
  const param = (name: string) => url.searchParams.get(name) ?? undefined;
  try {
    const result = await caller.weather.summaries({
      station_id: stationId,
      period: param('period') as 'day' | 'month' | undefined,
      from: param('from'),
      to: param('to'),
    });
    return new Response(summariesCsv(result.station_id, result.summaries), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${result.station_id}-${result.period}-summaries.csv"`,
      },
    });
  } catch (error) {
    return failedCsv(error);
  }
}

/** A CSV export refused before its first byte: the JSON endpoint's error answer. */
function failedCsv(error: unknown) {
  if (!(error instanceof TRPCError)) services().logger.error({ err: error }, 'CSV export failed');
  const { status, body } = describeError(
    error instanceof TRPCError
      ? error
      : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error }),
  );
  return Response.json(body, { status });
}
