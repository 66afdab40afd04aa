'use client';

import { useMemo } from 'react';
import { Area, Line, Scatter } from 'recharts';
import {
  type BandMeasurement,
  type BandPoint,
  type FlaggedPoint,
  formatValue,
  niceScale,
} from '@/lib/chart-data';
import { useGapLine, valueAxisProps } from './chart-parts';
import { type SeriesChartProps, TimeChart } from './time-chart';

export interface BandChartProps extends SeriesChartProps<BandPoint, BandMeasurement> {
  /** Lower end of the value axis when it has a natural floor (0 for wind speed). */
  floor?: number;
  /** Values left out as doubtful (QC flags), marked where they are. */
  flagged?: FlaggedPoint[];
}

const formatRange = (measurement: BandMeasurement, [min, max]: [number, number]) =>
  min === max
    ? formatValue(measurement, min)
    : `${formatValue(measurement, min)} – ${formatValue(measurement, max)}`;

/**
 * The bucket averages as a line over the min–max band (the same colour, translucent); missing
 * buckets are gaps in both. Flagged values, which the figures leave out, are crosses at their
 * own time and value, and the axis reaches them.
 */
export function BandChart({ measurement, color, floor, flagged = [], ...plot }: BandChartProps) {
  const { points } = plot;
  const scale = useMemo(
    () =>
      niceScale(
        [
          ...points.flatMap((p) => (p.band ? [...p.band, p.avg ?? p.band[0]] : [])),
          ...flagged.map((f) => f.flagged),
        ],
        { floor },
      ),
    [points, flagged, floor],
  );
  const line = useGapLine(points, 'avg', color, 1.75);
  const rows = (point: BandPoint) =>
    point.avg === null
      ? null
      : [
          { label: 'Average', value: formatValue(measurement, point.avg) },
          { label: 'Range', value: point.band ? formatRange(measurement, point.band) : '–' },
          { label: 'Readings', value: point.count.toLocaleString('en-US') },
        ];

  return (
    <TimeChart {...plot} valueAxis={valueAxisProps(scale)} cursor="line" rows={rows}>
      <Area
        dataKey="band"
        type="linear"
        stroke="none"
        fill={color}
        fillOpacity={0.22}
        connectNulls={false}
        isAnimationActive={false}
        activeDot={false}
      />
      <Line {...line} />
      {flagged.length > 0 ? (
        <Scatter
          data={flagged}
          dataKey="flagged"
          name="Flagged"
          fill="var(--flagged)"
          shape="cross"
          isAnimationActive={false}
          className="flagged-points"
        />
      ) : null}
    </TimeChart>
  );
}
