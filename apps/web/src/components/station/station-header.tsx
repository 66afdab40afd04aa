'use client';

import { MEASUREMENTS } from '@weather/core/measurements';
import Link from 'next/link';
import { useSyncExternalStore } from 'react';
import { headlineFor } from '@/lib/catalogue';
import { formatDateTime, formatValue, isDirection, type ReadingRow } from '@/lib/chart-data';

const HEADLINE = headlineFor(MEASUREMENTS);

/** "wind 3.3 m/s from NNE 22°": a headline value in words, with the one shown beside it. */
function headlineText(latest: ReadingRow, column: (typeof HEADLINE)[number]): string | null {
  const value = latest[column.name];
  if (value === null) return null;
  const text = `${column.label.toLowerCase()} ${formatValue(column.name, value)}`;
  const beside = column.with ? latest[column.with] : null;
  if (!column.with || beside === null) return text;
  return `${text}${isDirection(column.with) ? ' from' : ''} ${formatValue(column.with, beside)}`;
}

import { relativeTime } from '@/lib/format';

/** The station, when it last reported, and its newest values. */
export function StationHeader({
  stationId,
  latest,
}: {
  stationId: string;
  latest: ReadingRow | null;
}) {
  const hydrated = useHydrated();
  return (
    <header className="station-head">
      <nav aria-label="Breadcrumb" className="station-crumbs">
        <Link href="/" className="station-crumbs-link">
          Overview
        </Link>{' '}
        <span aria-hidden="true">/</span> Station
      </nav>
      <h1>{stationId}</h1>
      {latest ? (
        <p className="station-latest">
          <span className="muted">
            Latest reading{' '}
            <time dateTime={latest.timestamp} title={`${formatDateTime(latest.timestamp)} UTC`}>
              {/* "42 s ago" depends on the clock: the server's and the browser's differ. */}
              {hydrated
                ? relativeTime(latest.timestamp)
                : `at ${formatDateTime(latest.timestamp)} UTC`}
            </time>
            :
          </span>{' '}
          {HEADLINE.map((column) => headlineText(latest, column))
            .filter((part) => part !== null)
            .join(' · ')}
        </p>
      ) : null}
    </header>
  );
}

const noSubscription = () => () => {};

/** False while rendering on the server and hydrating, true afterwards. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
