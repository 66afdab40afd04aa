import { badRequest } from './trpc';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW_STEP_MS = 15_000;

/**
 * The range a query covers: given bounds, or the last `defaultSpanMs` up to now. End before
 * start is a client error. `touchesNow` marks answers that may change without new data
 * arriving for old times (short cache TTL).
 */
export function resolveRange(
  input: { start_time?: string; end_time?: string },
  defaultSpanMs = DAY_MS,
  now = Date.now(),
) {
  // "Now" is rounded up to a 15 s step, so repeated default-range queries share a cache entry;
  // new data still invalidates it through the station's version.
  const end = input.end_time
    ? new Date(input.end_time)
    : new Date(Math.ceil(now / NOW_STEP_MS) * NOW_STEP_MS);
  const start = input.start_time
    ? new Date(input.start_time)
    : new Date(end.getTime() - defaultSpanMs);
  if (end.getTime() <= start.getTime()) {
    throw badRequest(
      `end_time (${end.toISOString()}) must be after start_time (${start.toISOString()})`,
    );
  }
  return { start, end, touchesNow: end.getTime() > now - 5 * 60 * 1000 };
}

/** Cache lifetimes: short while the range reaches the present, long for settled history. */
export const ttlFor = (range: { touchesNow: boolean }) => (range.touchesNow ? 15 : 3600);
