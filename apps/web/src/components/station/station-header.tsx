'use client';

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@weather/api';
import { MEASUREMENTS, type Measurement } from '@weather/core/measurements';
import Link from 'next/link';
import { Fragment, useSyncExternalStore } from 'react';
import { formatDateTime } from '@/lib/chart-data';
import { formatCoordinates, formatElevation, relativeTime } from '@/lib/format';
import { type LatestValue, latestValues, type QcMark } from '@/lib/latest-values';

export type StationDetails = inferRouterOutputs<AppRouter>['stations']['get'];

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
  const values = latest ? latestValues(latest) : null;
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
      {latest && values ? (
        <p className="station-latest" data-testid="station-latest">
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
          <LatestValues values={values.headline} />
        </p>
      ) : null}
      {values && values.more.length > 0 ? (
        <p className="station-latest station-latest-more" data-testid="station-latest-more">
          <span className="muted">Also:</span> <LatestValues values={values.more} />
        </p>
      ) : null}
    </header>
  );
}

/** "temperature 21.3 °C · humidity 45%": values in words, each with its QC marks. */
function LatestValues({ values }: { values: LatestValue[] }) {
  return values.map((v, i) => (
    <Fragment key={v.name}>
      {i > 0 ? ' · ' : null}
      <span className="latest-value" data-testid={`latest-${v.name}`}>
        {v.label ? `${v.label} ` : null}
        {v.value ?? '–'}
        {v.marks.map((mark) => (
          <QcBadge key={mark} mark={mark} name={v.name} />
        ))}
      </span>
    </Fragment>
  ));
}

/** A QC flag beside a value (SPEC §14): short text, the reason in its title. */
function QcBadge({ mark, name }: { mark: QcMark; name: Measurement }) {
  const { min, max, unit } = MEASUREMENTS[name];
  const badge = {
    derived: {
      text: 'derived',
      title: 'Computed at ingest from other measurements; the station did not send it',
    },
    out_of_range: {
      text: 'out of range, dropped',
      title: `The station sent a value outside the accepted range (${min} … ${max}${unit ? ` ${unit}` : ''}); it was stored as missing`,
    },
    counter_reset: {
      text: 'counter reset',
      title: 'Rain across a rain counter reset that was not due (the counter went down)',
    },
  }[mark];
  return (
    <span className={`qc-mark qc-${mark.replaceAll('_', '-')}`} title={badge.title}>
      {badge.text}
    </span>
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
