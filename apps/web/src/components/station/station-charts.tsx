'use client';

import type { Measurement } from '@weather/core/reading';
import { useMemo } from 'react';
import { BandChart } from '@/components/charts/band-chart';
import { ChartFrame, ChartSkeleton } from '@/components/charts/chart-frame';
import type { TimeFrame } from '@/components/charts/chart-parts';
import { DirectionChart } from '@/components/charts/direction-chart';
import { PrecipitationChart } from '@/components/charts/precipitation-chart';
import {
  type BandMeasurement,
  bandSeries,
  colorOf,
  directionSeries,
  fillGaps,
  INTERVAL_MS,
  labelOf,
  precipitationSeries,
  type Slot,
  type TimeseriesResult,
  unitOf,
} from '@/lib/chart-data';

type ChartSpec =
  | { key: BandMeasurement; kind: 'band'; floor?: number; wide?: boolean }
  | { key: 'precipitation'; kind: 'bars' }
  | { key: 'wind_direction'; kind: 'direction' };

/** The page's charts, in reading order; temperature leads across the full width. */
const CHARTS: ChartSpec[] = [
  { key: 'temperature', kind: 'band', wide: true },
  { key: 'humidity', kind: 'band' },
  { key: 'pressure', kind: 'band' },
  { key: 'wind_speed', kind: 'band', floor: 0 },
  { key: 'wind_gust', kind: 'band', floor: 0 },
  { key: 'wind_direction', kind: 'direction' },
  { key: 'precipitation', kind: 'bars' },
];

const HEIGHT = 200;
const WIDE_HEIGHT = 240;

const testIdOf = (m: Measurement) => `chart-${m}`;
const heightOf = (spec: ChartSpec) => (spec.kind === 'band' && spec.wide ? WIDE_HEIGHT : HEIGHT);
const isWide = (spec: ChartSpec) => spec.kind === 'band' && spec.wide === true;

/** Skeleton cards of the charts' sizes, so the page does not jump when the series arrives. */
export function StationChartsSkeleton() {
  return (
    <div className="chart-grid" aria-busy="true">
      <span className="visually-hidden">Loading charts…</span>
      {CHARTS.map((spec) => (
        <div key={spec.key} className={isWide(spec) ? 'chart-wide' : undefined}>
          <ChartSkeleton testId={testIdOf(spec.key)} height={heightOf(spec)} />
        </div>
      ))}
    </div>
  );
}

/** One chart per measurement over the series' whole range, gaps left open. */
export function StationCharts({ series }: { series: TimeseriesResult }) {
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

  return (
    <div className="chart-grid">
      {CHARTS.map((spec) => (
        <div key={spec.key} className={isWide(spec) ? 'chart-wide' : undefined}>
          <MeasurementChart spec={spec} slots={slots} frame={frame} />
        </div>
      ))}
    </div>
  );
}

function MeasurementChart({
  spec,
  slots,
  frame,
}: {
  spec: ChartSpec;
  slots: Slot[];
  frame: TimeFrame;
}) {
  const color = colorOf(spec.key);
  const height = heightOf(spec);
  const hasValues = slots.some((s) => (s.bucket?.[spec.key]?.count ?? 0) > 0);
  const label = labelOf(spec.key);
  return (
    <ChartFrame
      testId={testIdOf(spec.key)}
      title={spec.kind === 'bars' ? `${label} per bucket` : label}
      unit={unitOf(spec.key)}
      color={color}
      height={height}
      empty={hasValues ? undefined : `No ${label.toLowerCase()} readings in this range`}
    >
      {(width) => {
        const common = { frame, width, height, color };
        if (spec.kind === 'bars') {
          return <PrecipitationChart points={precipitationSeries(slots)} {...common} />;
        }
        if (spec.kind === 'direction') {
          return <DirectionChart points={directionSeries(slots)} {...common} />;
        }
        return (
          <BandChart
            points={bandSeries(slots, spec.key)}
            measurement={spec.key}
            floor={spec.floor}
            {...common}
          />
        );
      }}
    </ChartFrame>
  );
}
