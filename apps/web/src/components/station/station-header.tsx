'use client';

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import { MEASUREMENTS } from '@weather/core/measurements';
import Link from 'next/link';
import { useSyncExternalStore } from 'react';
import { headlineFor } from '@/lib/catalogue';
import { formatDateTime, formatValue, isDirection, type ReadingRow } from '@/lib/chart-data';
import { formatCoordinates, formatElevation, relativeTime } from '@/lib/format';

export type StationDetails = inferRouterOutputs<AppRouter>['stations']['get'];

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

/**
 * The station: its name, id and place, when it last reported, and its newest values. Until its
 * registry entry has loaded (or when it failed to), the id stands in for the name.
 */
export function StationHeader({
  stationId,
  station,
}: {
  stationId: string;
  station: StationDetails | undefined;
}) {
  const hydrated = useHydrated();
  const latest = station?.latest ?? null;
  return (
    <header className="station-head">
      <nav aria-label="Breadcrumb" className="station-crumbs">
        <Link href="/" className="station-crumbs-link">
          Overview
        </Link>{' '}
        <span aria-hidden="true">/</span> Station
      </nav>
      <h1>{station?.name ?? stationId}</h1>
      {station && <StationFacts station={station} />}
      {station?.description && <p className="station-description">{station.description}</p>}
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

/** Id, place, elevation, time zone, state and tags, in one wrapping line. */
function StationFacts({ station }: { station: StationDetails }) {
  const place = formatCoordinates(station.latitude, station.longitude);
  return (
    <ul className="station-facts-line" aria-label="About this station" data-testid="station-facts">
      {station.name && (
        <li>
          <span className="visually-hidden">Station id </span>
          <code className="station-id">{station.station_id}</code>
        </li>
      )}
      {place && (
        <li>
          <span className="visually-hidden">Coordinates </span>
          {place}
        </li>
      )}
      {station.elevation !== null && (
        <li>
          <span className="visually-hidden">Elevation </span>
          {formatElevation(station.elevation)}
        </li>
      )}
      <li>
        <span className="visually-hidden">Time zone </span>
        {station.timezone}
      </li>
      {!station.enabled && (
        <li>
          <span
            className="badge badge-disabled"
            title="Its readings are refused until it is enabled"
          >
            disabled
          </span>
        </li>
      )}
      {station.tags.length > 0 && (
        <li className="station-tags">
          <span className="visually-hidden">Tags </span>
          {station.tags.map((tag) => (
            <span key={tag} className="chip">
              {tag}
            </span>
          ))}
        </li>
      )}
    </ul>
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
