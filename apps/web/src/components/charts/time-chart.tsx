'use client';

import { type ReactNode, useMemo } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  Tooltip,
  type TooltipContentProps,
  XAxis,
  YAxis,
  type YAxisProps,
} from 'recharts';
import { formatBucket } from '@/lib/chart-data';
import {
  CHART_MARGIN,
  GRID_PROPS,
  type TimeFrame,
  TooltipBox,
  type TooltipRow,
  timeAxisProps,
} from './chart-parts';

/** What a measurement's chart is given: its series, the span it covers, its size and colour. */
export interface SeriesChartProps<P, M> {
  points: P[];
  measurement: M;
  frame: TimeFrame;
  width: number;
  height: number;
  /** CSS colour of the series. */
  color: string;
}

export interface TimeChartProps<P extends { t: number }> {
  points: P[];
  frame: TimeFrame;
  width: number;
  height: number;
  /** The value axis, usually from `valueAxisProps`. */
  valueAxis: YAxisProps;
  /** A line at the hovered time (for lines), or a shaded column behind the hovered bar. */
  cursor: 'line' | 'column';
  /** The tooltip's rows for a point, or null where it has nothing to show (a gap). */
  rows: (point: P) => TooltipRow[] | null;
  /** The series drawn over `points`: Recharts `Line`, `Area` and `Bar` elements. */
  children: ReactNode;
}

const CURSORS = {
  line: { stroke: 'var(--chart-cursor)' },
  column: { fill: 'var(--chart-cursor-fill)' },
} as const;

/**
 * The plot every measurement chart draws in: grid, UTC time axis over the whole frame, value axis,
 * and a tooltip headed by the hovered bucket.
 */
export function TimeChart<P extends { t: number }>({
  points,
  frame,
  width,
  height,
  valueAxis,
  cursor,
  rows,
  children,
}: TimeChartProps<P>) {
  const atTime = useMemo(() => groupByTime(points), [points]);

  const tooltip = ({ label }: Pick<TooltipContentProps, 'label'>) => {
    for (const point of atTime.get(Number(label)) ?? []) {
      const shown = rows(point);
      if (shown) {
        return <TooltipBox title={formatBucket(point.t, frame.intervalMs)} rows={shown} />;
      }
    }
    return null;
  };

  return (
    <ComposedChart width={width} height={height} data={points} margin={CHART_MARGIN}>
      <CartesianGrid {...GRID_PROPS} />
      <XAxis {...timeAxisProps(frame, width)} />
      <YAxis {...valueAxis} />
      <Tooltip content={tooltip} cursor={CURSORS[cursor]} isAnimationActive={false} />
      {children}
    </ComposedChart>
  );
}

/** The points at each time: a direction series has several where its line crosses north. */
function groupByTime<P extends { t: number }>(points: readonly P[]): Map<number, P[]> {
  const groups = new Map<number, P[]>();
  for (const point of points) {
    const group = groups.get(point.t);
    if (group) group.push(point);
    else groups.set(point.t, [point]);
  }
  return groups;
}
