'use client';

import { Bar } from 'recharts';
import type { ShareMeasurement, SharePoint } from '@/lib/chart-data';
import { valueAxisProps } from './chart-parts';
import { type SeriesChartProps, TimeChart } from './time-chart';

export type ShareChartProps = SeriesChartProps<SharePoint, ShareMeasurement>;

/** Every share chart has the same axis: 0 to 100 % of readings. */
const SCALE = { domain: [0, 100] as [number, number], ticks: [0, 25, 50, 75, 100], decimals: 0 };

/** A flag (battery low) as a bar per bucket: the share of its readings with the flag set. */
export function ShareChart({ measurement: _measurement, color, ...plot }: ShareChartProps) {
  const rows = (point: SharePoint) =>
    point.percent === null
      ? null
      : [{ label: 'Share of readings', value: `${Math.round(point.percent)}%` }];
  return (
    <TimeChart {...plot} valueAxis={valueAxisProps(SCALE)} cursor="column" rows={rows}>
      {/* A hairline for 0 %: the bucket has readings, none with the flag set. */}
      <Bar dataKey="percent" fill={color} minPointSize={1} isAnimationActive={false} />
    </TimeChart>
  );
}
