'use client';

import { Line } from 'recharts';
import {
  compassPoint,
  type DirectionMeasurement,
  type DirectionPoint,
  formatValue,
} from '@/lib/chart-data';
import { useGapLine, valueAxisProps } from './chart-parts';
import { type SeriesChartProps, TimeChart } from './time-chart';

export type DirectionChartProps = SeriesChartProps<DirectionPoint, DirectionMeasurement>;

const COMPASS_AXIS = valueAxisProps(null, {
  domain: [0, 360],
  ticks: [0, 90, 180, 270, 360],
  tickFormatter: (deg: number) => compassPoint(deg),
  allowDataOverflow: true,
});

/**
 * Mean direction (wind) on a 0–360° axis labelled N/E/S/W. Turns through north leave the chart at
 * one edge and re-enter at the other (see directionSeries) rather than jumping across it; the
 * points added at the edges have no tooltip.
 */
export function DirectionChart({ measurement, color, ...plot }: DirectionChartProps) {
  const line = useGapLine(plot.points, 'dir', color, 1.5);
  const rows = (point: DirectionPoint) =>
    point.edge || point.dir === null
      ? null
      : [{ label: 'Mean direction', value: formatValue(measurement, point.dir) }];

  return (
    <TimeChart {...plot} valueAxis={COMPASS_AXIS} cursor="line" rows={rows}>
      <Line {...line} />
    </TimeChart>
  );
}
