'use client';

import { type ReactNode, type RefObject, useEffect, useRef, useState } from 'react';

export interface ChartFrameProps {
  testId: string;
  title: string;
  unit: string;
  /** Colour swatch of the plotted series (a CSS colour, usually a variable). */
  color: string;
  height: number;
  /** Shown instead of the chart, e.g. when the measurement has no values in the range. */
  empty?: string;
  /** A short remark after the title (how many flagged values are marked). */
  note?: string;
  /** The chart, drawn at the measured width of the frame. */
  children: (width: number) => ReactNode;
}

/** A chart card: title with unit, a fixed-height body measured for the chart, or a message. */
export function ChartFrame({
  testId,
  title,
  unit,
  color,
  height,
  empty,
  note,
  children,
}: ChartFrameProps) {
  const body = useRef<HTMLDivElement>(null);
  const width = useWidth(body);
  return (
    <figure className="chart-card" data-testid={testId}>
      <figcaption className="chart-card-head">
        <span className="chart-card-title">
          <span className="chart-swatch" style={{ background: color }} aria-hidden="true" />
          {title} {unit && <span className="chart-unit">({unit})</span>}
        </span>
        {note ? (
          <span className="chart-card-note" data-testid={`${testId}-note`}>
            {note}
          </span>
        ) : null}
      </figcaption>
      <div className="chart-card-body" ref={body} style={{ height }}>
        {empty ? <p className="chart-card-empty">{empty}</p> : width > 0 ? children(width) : null}
      </div>
    </figure>
  );
}

/** The element's content width, following resizes (charts are drawn at an exact pixel width). */
function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(Math.floor(element.getBoundingClientRect().width));
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/** A shimmering block of a chart card's size, while the series loads. */
export function ChartSkeleton({ testId, height }: { testId: string; height: number }) {
  return (
    <div className="chart-card" data-testid={testId} aria-busy="true">
      <div className="chart-card-head">
        <span className="skeleton chart-skeleton-title" />
      </div>
      <div className="skeleton chart-skeleton-body" style={{ height }} />
    </div>
  );
}
