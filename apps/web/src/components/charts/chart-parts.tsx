'use client';

import { type ReactNode, useMemo } from 'react';
import type { XAxisProps, YAxisProps } from 'recharts';
import { formatTick, isolatedIndexes, timeTicks, type ValueScale } from '@/lib/chart-data';

/** What every time chart is given: the UTC span it covers and the width of a bucket. */
export interface TimeFrame {
  start: number;
  end: number;
  intervalMs: number;
}

export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 } as const;

const AXIS_TICK = { fill: 'var(--chart-axis)', fontSize: 11 } as const;
const AXIS_LINE = { stroke: 'var(--chart-grid)' } as const;

/** Horizontal room a tick label needs; sets how many ticks a chart of a given width gets. */
const TICK_ROOM_PX = 64;
/** Even a wide chart gets no more ticks than this (a 7-day axis shows days, not half-days). */
const MAX_TIME_TICKS = 10;

/** A UTC time axis over the whole frame, with round ticks spaced for the chart's width. */
export function timeAxisProps(frame: TimeFrame, width: number): XAxisProps {
  const maxTicks = Math.min(MAX_TIME_TICKS, Math.max(2, Math.floor(width / TICK_ROOM_PX)));
  const { ticks, step } = timeTicks(frame.start, frame.end, maxTicks);
  return {
    dataKey: 't',
    type: 'number',
    scale: 'time',
    domain: [frame.start, frame.end],
    allowDataOverflow: true,
    ticks,
    tickFormatter: (t: number) => formatTick(t, step),
    tick: AXIS_TICK,
    axisLine: AXIS_LINE,
    tickLine: AXIS_LINE,
    minTickGap: 8,
  };
}

/**
 * A value axis from a computed scale: round ticks with just enough decimals (the unit is in the
 * card title and the tooltip).
 */
export function valueAxisProps(scale: ValueScale | null, overrides: YAxisProps = {}): YAxisProps {
  return {
    width: 48,
    tick: AXIS_TICK,
    axisLine: false,
    tickLine: false,
    ...(scale
      ? {
          domain: scale.domain,
          ticks: scale.ticks,
          tickFormatter: (value: number) => value.toFixed(scale.decimals),
        }
      : {}),
    ...overrides,
  };
}

export const GRID_PROPS = {
  stroke: 'var(--chart-grid)',
  strokeDasharray: '3 4',
  vertical: false,
} as const;

export interface TooltipRow {
  label: string;
  value: ReactNode;
}

/** The tooltip box: the bucket's time, then label/value rows. */
export function TooltipBox({ title, rows }: { title: string; rows: TooltipRow[] }) {
  return (
    <div className="chart-tooltip">
      <div className="chart-tooltip-title">{title}</div>
      <dl>
        {rows.map((row) => (
          <div key={row.label} className="chart-tooltip-row">
            <dt>{row.label}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/**
 * Props of a `Line` over `key` that breaks at gaps (nulls) and marks with a dot each point it
 * cannot draw because it has no neighbour to join.
 */
export function useGapLine<K extends string>(
  points: readonly Readonly<Record<K, number | null>>[],
  key: K,
  color: string,
  strokeWidth: number,
) {
  const dot = useMemo(
    () => isolatedDot(isolatedIndexes(points.map((p) => p[key])), color),
    [points, key, color],
  );
  return {
    dataKey: key,
    type: 'linear',
    stroke: color,
    strokeWidth,
    dot,
    activeDot: { r: 3.5, fill: color, stroke: 'var(--panel)' },
    connectNulls: false,
    isAnimationActive: false,
  } as const;
}

/**
 * A dot only where a line cannot show the value: a point with gaps on both sides. Recharts
 * calls this for every point, so it must return an (empty) element for the others.
 */
function isolatedDot(isolated: ReadonlySet<number>, color: string) {
  return ({ cx, cy, index }: { cx?: number | string; cy?: number | string; index: number }) => {
    if (!isolated.has(index) || typeof cx !== 'number' || typeof cy !== 'number') {
      return <g key={`dot-${index}`} />;
    }
    return (
      <circle
        key={`dot-${index}`}
        className="chart-point"
        cx={cx}
        cy={cy}
        r={2.5}
        fill={color}
        stroke="none"
      />
    );
  };
}
