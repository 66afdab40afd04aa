'use client';

import Link from 'next/link';
import { useSyncExternalStore } from 'react';
import { formatDateTime, formatValue, type ReadingRow } from '@/lib/chart-data';
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
          {[
            latest.temperature !== null && formatValue('temperature', latest.temperature),
            latest.humidity !== null && `${formatValue('humidity', latest.humidity)} humidity`,
            latest.wind_speed !== null &&
              `wind ${formatValue('wind_speed', latest.wind_speed)}${
                latest.wind_direction !== null
                  ? ` from ${formatValue('wind_direction', latest.wind_direction)}`
                  : ''
              }`,
            latest.pressure !== null && formatValue('pressure', latest.pressure),
          ]
            .filter((part): part is string => typeof part === 'string')
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
