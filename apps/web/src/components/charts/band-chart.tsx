'use client';

import { useMemo } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import {
  type BandMeasurement,
  type BandPoint,
  formatBucket,
  formatValue,
  isolatedIndexes,
  niceScale,
} from '@/lib/chart-data';
import {
  CHART_MARGIN,
  GRID_PROPS,
  isolatedDot,
  type TimeFrame,
  TooltipBox,
  timeAxisProps,
  valueAxisProps,
} from './chart-parts';

export interface BandChartProps {
  points: BandPoint[];
  measurement: BandMeasurement;
  frame: TimeFrame;
  width: number;
  height: number;
  /** CSS colour of the line; the band is the same colour, translucent. */
  color: string;
  /** Lower end of the value axis when it has a natural floor (0 for wind speed). */
  floor?: number;
}

const formatRange = (measurement: BandMeasurement, [min, max]: [number, number]) =>
  min === max
    ? formatValue(measurement, min)
    : `${formatValue(measurement, min)} – ${formatValue(measurement, max)}`;

/** The bucket averages as a line over the min–max band; missing buckets are gaps in both. */
export function BandChart({
  points,
  measurement,
  frame,
  width,
  height,
  color,
  floor,
}: BandChartProps) {
  const byTime = useMemo(() => new Map(points.map((p) => [p.t, p])), [points]);
  const scale = useMemo(
    () =>
      niceScale(
        points.flatMap((p) => (p.band ? [...p.band, p.avg ?? p.band[0]] : [])),
        { floor },
      ),
    [points, floor],
  );
  const dot = useMemo(
    () => isolatedDot(isolatedIndexes(points.map((p) => p.avg)), color),
    [points, color],
  );

  const tooltip = ({ label }: Pick<TooltipContentProps, 'label'>) => {
    const point = byTime.get(Number(label));
    if (!point || point.avg === null) return null;
    return (
      <TooltipBox
        title={formatBucket(point.t, frame.intervalMs)}
        rows={[
          { label: 'Average', value: formatValue(measurement, point.avg) },
          { label: 'Range', value: point.band ? formatRange(measurement, point.band) : '–' },
          { label: 'Readings', value: point.count.toLocaleString('en-US') },
        ]}
      />
    );
  };

  return (
    <ComposedChart width={width} height={height} data={points} margin={CHART_MARGIN}>
      <CartesianGrid {...GRID_PROPS} />
      <XAxis {...timeAxisProps(frame, width)} />
      <YAxis {...valueAxisProps(scale)} />
      <Tooltip
        content={tooltip}
        cursor={{ stroke: 'var(--chart-cursor)' }}
        isAnimationActive={false}
      />
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
      <Line
        dataKey="avg"
        type="linear"
        stroke={color}
        strokeWidth={1.75}
        dot={dot}
        activeDot={{ r: 3.5, fill: color, stroke: 'var(--panel)' }}
        connectNulls={false}
        isAnimationActive={false}
      />
    </ComposedChart>
  );
}
