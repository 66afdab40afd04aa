'use client';

import { useMemo } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  Line,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import {
  compassPoint,
  type DirectionMeasurement,
  type DirectionPoint,
  formatBucket,
  formatValue,
  isolatedIndexes,
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

export interface DirectionChartProps {
  points: DirectionPoint[];
  measurement: DirectionMeasurement;
  frame: TimeFrame;
  width: number;
  height: number;
  color: string;
}

const COMPASS_TICKS = [0, 90, 180, 270, 360];

/**
 * Mean direction (wind) on a 0–360° axis labelled N/E/S/W. Turns through north leave the chart at
 * one edge and re-enter at the other (see directionSeries) rather than jumping across it.
 */
export function DirectionChart({
  points,
  measurement,
  frame,
  width,
  height,
  color,
}: DirectionChartProps) {
  const byTime = useMemo(
    () => new Map(points.filter((p) => !p.edge).map((p) => [p.t, p])),
    [points],
  );
  const dot = useMemo(
    () => isolatedDot(isolatedIndexes(points.map((p) => p.dir)), color),
    [points, color],
  );

  const tooltip = ({ label }: Pick<TooltipContentProps, 'label'>) => {
    const point = byTime.get(Number(label));
    if (!point || point.dir === null) return null;
    return (
      <TooltipBox
        title={formatBucket(point.t, frame.intervalMs)}
        rows={[{ label: 'Mean direction', value: formatValue(measurement, point.dir) }]}
      />
    );
  };

  return (
    <ComposedChart width={width} height={height} data={points} margin={CHART_MARGIN}>
      <CartesianGrid {...GRID_PROPS} />
      <XAxis {...timeAxisProps(frame, width)} />
      <YAxis
        {...valueAxisProps(null, {
          domain: [0, 360],
          ticks: COMPASS_TICKS,
          tickFormatter: (deg: number) => compassPoint(deg),
          allowDataOverflow: true,
        })}
      />
      <Tooltip
        content={tooltip}
        cursor={{ stroke: 'var(--chart-cursor)' }}
        isAnimationActive={false}
      />
      <Line
        dataKey="dir"
        type="linear"
        stroke={color}
        strokeWidth={1.5}
        dot={dot}
        activeDot={{ r: 3.5, fill: color, stroke: 'var(--panel)' }}
        connectNulls={false}
        isAnimationActive={false}
      />
    </ComposedChart>
  );
}
