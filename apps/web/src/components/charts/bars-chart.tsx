'use client';

import { useMemo } from 'react';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
} from 'recharts';
import {
  formatBucket,
  formatValue,
  niceScale,
  type SumMeasurement,
  type SumPoint,
} from '@/lib/chart-data';
import {
  CHART_MARGIN,
  GRID_PROPS,
  type TimeFrame,
  TooltipBox,
  timeAxisProps,
  valueAxisProps,
} from './chart-parts';

export interface BarsChartProps {
  points: SumPoint[];
  measurement: SumMeasurement;
  frame: TimeFrame;
  width: number;
  height: number;
  color: string;
}

/** A total (precipitation) as a bar per bucket: the bucket's sum. */
export function BarsChart({ points, measurement, frame, width, height, color }: BarsChartProps) {
  const byTime = useMemo(() => new Map(points.map((p) => [p.t, p])), [points]);
  const scale = useMemo(
    () =>
      niceScale(
        points.flatMap((p) => (p.sum === null ? [] : [p.sum])),
        { floor: 0 },
      ),
    [points],
  );

  const tooltip = ({ label }: Pick<TooltipContentProps, 'label'>) => {
    const point = byTime.get(Number(label));
    if (!point || point.sum === null) return null;
    return (
      <TooltipBox
        title={formatBucket(point.t, frame.intervalMs)}
        rows={[{ label: 'Total', value: formatValue(measurement, point.sum) }]}
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
        cursor={{ fill: 'var(--chart-cursor-fill)' }}
        isAnimationActive={false}
      />
      {/* A hairline for 0 mm: the bucket has readings, it just did not rain. */}
      <Bar dataKey="sum" fill={color} minPointSize={1} isAnimationActive={false} />
    </ComposedChart>
  );
}
