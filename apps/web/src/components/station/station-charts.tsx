'use client';

import { MEASUREMENTS, type Measurement } from '@weather/core/measurements';
import { useMemo } from 'react';
import { BandChart } from '@/components/charts/band-chart';
import { BarsChart } from '@/components/charts/bars-chart';
import { ChartFrame, ChartSkeleton } from '@/components/charts/chart-frame';
import type { TimeFrame } from '@/components/charts/chart-parts';
import { DirectionChart } from '@/components/charts/direction-chart';
import { ShareChart } from '@/components/charts/share-chart';
import { type ChartEntry, chartLayout, chartsFor } from '@/lib/catalogue';
import {
  bandSeries,
  colorOf,
  directionSeries,
  fillGaps,
  flaggedSeries,
  INTERVAL_MS,
  labelOf,
  type QcFlagRow,
  type Slot,
  shareSeries,
  sumSeries,
  type TimeseriesResult,
  unitOf,
} from '@/lib/chart-data';

/** The page's charts, in the catalogue's chart order (temperature leads across the full width). */
const CHARTS = chartsFor(MEASUREMENTS);

const HEIGHT = 200;
const WIDE_HEIGHT = 240;

const testIdOf = (m: string) => `chart-${m}`;
const heightOf = (spec: ChartEntry) => (spec.wide ? WIDE_HEIGHT : HEIGHT);

/** Skeleton cards of the charts' sizes, so the page does not jump when the series arrives. */
export function StationChartsSkeleton({ present }: { present?: ReadonlySet<Measurement> }) {
  // Before anything is known of the station, a few cards stand in.
  const shown = present?.size ? present : new Set(CHARTS.slice(0, 5).map((c) => c.name));
  return (
    <div className="chart-grid" aria-busy="true">
      <span className="visually-hidden">Loading charts…</span>
      {chartLayout(CHARTS, shown).map((spec) => (
        <div key={spec.name} className={spec.wide ? 'chart-wide' : undefined}>
          <ChartSkeleton testId={testIdOf(spec.name)} height={heightOf(spec)} />
        </div>
      ))}
    </div>
  );
}

/**
 * One chart per measurement the station has (`present`) over the series' whole range, gaps left
 * open; no empty cards for measurements it does not send.
 */
export function StationCharts({
  series,
  present,
  flags = [],
}: {
  series: TimeseriesResult;
  present: ReadonlySet<Measurement>;
  /** The QC flags of the range, whose values are marked on the charts. */
  flags?: readonly QcFlagRow[];
}) {
  const frame: TimeFrame = useMemo(
    () => ({
      start: Date.parse(series.start),
      end: Date.parse(series.end),
      intervalMs: INTERVAL_MS[series.interval],
    }),
    [series.start, series.end, series.interval],
  );
  const slots = useMemo(
    () => fillGaps(series.buckets, frame, frame.intervalMs),
    [series.buckets, frame],
  );

  const charts = useMemo(() => chartLayout(CHARTS, present), [present]);

  return (
    <div className="chart-grid">
      {charts.map((spec) => (
        <div key={spec.name} className={spec.wide ? 'chart-wide' : undefined}>
          <MeasurementChart spec={spec} slots={slots} frame={frame} flags={flags} />
        </div>
      ))}
    </div>
  );
}

function MeasurementChart({
  spec,
  slots,
  frame,
  flags,
}: {
  spec: ChartEntry;
  slots: Slot[];
  frame: TimeFrame;
  flags: readonly QcFlagRow[];
}) {
  const color = colorOf(spec.name);
  const height = heightOf(spec);
  const flagged = useMemo(
    () => (spec.kind === 'band' ? flaggedSeries(flags, spec.name) : []),
    [flags, spec],
  );
  const hasValues =
    flagged.length > 0 || slots.some((s) => (s.bucket?.[spec.name]?.count ?? 0) > 0);
  const label = labelOf(spec.name);
  return (
    <ChartFrame
      testId={testIdOf(spec.name)}
      title={
        spec.kind === 'bars'
          ? `${label} per bucket`
          : spec.kind === 'share'
            ? `${label}, share of readings`
            : label
      }
      unit={spec.kind === 'share' ? '%' : unitOf(spec.name)}
      color={color}
      height={height}
      empty={hasValues ? undefined : `No ${label.toLowerCase()} readings in this range`}
      note={
        flagged.length > 0
          ? `× ${flagged.length.toLocaleString('en-US')} flagged, left out of the line`
          : undefined
      }
    >
      {(width) => {
        const common = { frame, width, height, color };
        if (spec.kind === 'bars') {
          return (
            <BarsChart points={sumSeries(slots, spec.name)} measurement={spec.name} {...common} />
          );
        }
        if (spec.kind === 'share') {
          return (
            <ShareChart
              points={shareSeries(slots, spec.name)}
              measurement={spec.name}
              {...common}
            />
          );
        }
        if (spec.kind === 'direction') {
          return (
            <DirectionChart
              points={directionSeries(slots, spec.name)}
              measurement={spec.name}
              {...common}
            />
          );
        }
        return (
          <BandChart
            points={bandSeries(slots, spec.name)}
            measurement={spec.name}
            floor={spec.floor}
            flagged={flagged}
            {...common}
          />
        );
      }}
    </ChartFrame>
  );
}
