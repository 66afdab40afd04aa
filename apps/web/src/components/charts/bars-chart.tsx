'use client';

import { useMemo } from 'react';
import { Bar } from 'recharts';
import { formatValue, niceScale, type SumMeasurement, type SumPoint } from '@/lib/chart-data';
import { valueAxisProps } from './chart-parts';
import { type SeriesChartProps, TimeChart } from './time-chart';

export type BarsChartProps = SeriesChartProps<SumPoint, SumMeasurement>;

/** A total (precipitation) as a bar per bucket: the bucket's sum. */
export function BarsChart({ measurement, color, ...plot }: BarsChartProps) {
  const { points } = plot;
  const scale = useMemo(
    () =>
      niceScale(
        points.flatMap((p) => (p.sum === null ? [] : [p.sum])),
        { floor: 0 },
      ),
    [points],
  );
  const rows = (point: SumPoint) =>
    point.sum === null ? null : [{ label: 'Total', value: formatValue(measurement, point.sum) }];

  return (
    <TimeChart {...plot} valueAxis={valueAxisProps(scale)} cursor="column" rows={rows}>
      {/* A hairline for 0 mm: the bucket has readings, it just did not rain. */}
      <Bar dataKey="sum" fill={color} minPointSize={1} isAnimationActive={false} />
    </TimeChart>
  );
}
