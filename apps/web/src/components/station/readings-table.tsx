'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { MEASUREMENT_NAMES, type Measurement } from '@weather/core/measurements';
import { SUSPECT_CODES } from '@weather/core/reading';
import { useState } from 'react';
import { formatDateTime, formatNumber, labelOf, qcWord, unitOf } from '@/lib/chart-data';
import type { stationQueries } from '@/lib/station-range';
import { useTRPC } from '@/trpc/react';
import { errorMessage, retryUnlessClientError } from './query-errors';

export interface ReadingsTableProps {
  queries: ReturnType<typeof stationQueries>;
  /** The measurements the station has (as its charts): one column each. */
  present: ReadonlySet<Measurement>;
  /** Identifies the selected range; when it changes, paging starts again at the first page. */
  rangeKey: string;
  /** Poll interval while the range reaches the present; false for a past range. */
  refetchInterval: number | false;
}

/**
 * The range's raw readings, 50 a page, oldest first. The API's keyset cursor only goes forward,
 * so "Previous" pops a stack of the cursors that led here. The stack belongs to one range: a new
 * range starts at its first page (without remounting, so the old rows stay until the new ones
 * arrive).
 */
export function ReadingsTable({ queries, present, rangeKey, refetchInterval }: ReadingsTableProps) {
  const trpc = useTRPC();
  // Until anything is known of the station, every column.
  const columns =
    present.size > 0 ? MEASUREMENT_NAMES.filter((name) => present.has(name)) : MEASUREMENT_NAMES;
  const [paging, setPaging] = useState<{ rangeKey: string; cursors: string[] }>({
    rangeKey,
    cursors: [],
  });
  const cursors = paging.rangeKey === rangeKey ? paging.cursors : [];
  const setCursors = (next: (stack: string[]) => string[]) =>
    setPaging({ rangeKey, cursors: next(cursors) });
  const cursor = cursors.at(-1);
  const page = useQuery(
    trpc.weather.readings.queryOptions(queries.readings(cursor), {
      refetchInterval,
      placeholderData: keepPreviousData,
      retry: retryUnlessClientError,
    }),
  );
  const readings = page.data?.readings ?? [];
  const nextCursor = page.data?.next_cursor ?? null;
  const pageNumber = cursors.length + 1;
  const firstRow = cursors.length * queries.readings().limit + 1;

  return (
    <section className="panel station-readings" aria-labelledby="readings-title">
      <div className="panel-head">
        <h2 id="readings-title">Raw readings</h2>
        <span className="muted station-readings-meta">
          {readings.length > 0
            ? `Oldest first · rows ${firstRow.toLocaleString('en-US')}–${(firstRow + readings.length - 1).toLocaleString('en-US')} · page ${pageNumber}`
            : `Oldest first · page ${pageNumber}`}
        </span>
      </div>
      {page.error ? (
        <p className="station-error-text" role="alert">
          Could not load readings: {errorMessage(page.error)}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="station-table" data-testid="readings-table" aria-busy={page.isFetching}>
          <thead>
            <tr>
              <th scope="col">
                Time <span className="station-th-unit">UTC</span>
              </th>
              {columns.map((name) => (
                <th scope="col" key={name}>
                  {labelOf(name)} <span className="station-th-unit">{unitOf(name)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.isPending ? (
              <SkeletonRows span={columns.length + 1} />
            ) : readings.length === 0 ? (
              <tr>
                <td colSpan={columns.length + 1} className="station-table-empty">
                  No readings in this range.
                </td>
              </tr>
            ) : (
              readings.map((r) => (
                <tr key={r.timestamp} data-testid="reading-row">
                  <td>
                    <Flagged codes={r.qc?.timestamp}>{formatDateTime(r.timestamp)}</Flagged>
                  </td>
                  {columns.map((name) => (
                    <td key={name}>
                      <Flagged codes={r.qc?.[name]?.filter(isDoubt)}>
                        {formatNumber(name, r[name])}
                      </Flagged>
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav className="station-pager" aria-label="Readings pages">
        <button
          type="button"
          className="station-pager-button"
          data-testid="readings-previous"
          onClick={() => setCursors((stack) => stack.slice(0, -1))}
          disabled={cursors.length === 0}
        >
          ← Previous
        </button>
        <button
          type="button"
          className="station-pager-button"
          data-testid="readings-next"
          onClick={() => {
            if (nextCursor) setCursors((stack) => [...stack, nextCursor]);
          }}
          disabled={!nextCursor || page.isPlaceholderData}
        >
          Next page →
        </button>
      </nav>
    </section>
  );
}

const isDoubt = (code: string) => (SUSPECT_CODES as readonly string[]).includes(code);

/** A cell's text, marked red with its QC reasons when it has doubts (SPEC §14). */
function Flagged({ codes, children }: { codes: readonly string[] | undefined; children: string }) {
  if (!codes?.length) return children;
  const reasons = codes.map(qcWord).join(', ');
  return (
    <span className="qc-flagged" data-testid="flagged-cell" title={`Flagged: ${reasons}`}>
      {children} <span aria-hidden="true">×</span>
      <span className="visually-hidden">(flagged: {reasons})</span>
    </span>
  );
}

function SkeletonRows({ span }: { span: number }) {
  return Array.from({ length: 8 }, (_, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
    <tr key={i}>
      <td colSpan={span}>
        <span className="skeleton station-row-skeleton" />
      </td>
    </tr>
  ));
}
