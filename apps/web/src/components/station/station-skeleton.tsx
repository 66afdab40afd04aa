import { AggregateSkeleton } from './aggregate-panel';
import { StationChartsSkeleton } from './station-charts';

/** The page's shape before the client view renders. */
export function StationSkeleton() {
  return (
    <div className="station-page" aria-busy="true">
      <div className="skeleton station-head-skeleton" />
      <div className="panel skeleton station-controls-skeleton" />
      <AggregateSkeleton />
      <StationChartsSkeleton />
    </div>
  );
}
