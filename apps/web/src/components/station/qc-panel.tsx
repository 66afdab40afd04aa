'use client';

import { MEASUREMENTS, type Measurement } from '@weather/core/measurements';
import {
  formatDateTime,
  formatNumber,
  labelOf,
  type QcFlagRow,
  qcWord,
  unitOf,
} from '@/lib/chart-data';
import { errorMessage, type QueryError } from './query-errors';

/** Rows shown before "and N more". */
const SHOWN = 25;

const isMeasurement = (name: string): name is Measurement => Object.hasOwn(MEASUREMENTS, name);

/**
 * The QC flags of the range (SPEC §14): what was flagged, when and why, and the choice to put
 * flagged values back into the figures and chart lines (`include_flagged`).
 */
export function QcPanel({
  result,
  error,
  includeFlagged,
  onIncludeFlagged,
}: {
  result: { total: number; flags: QcFlagRow[] } | undefined;
  error: QueryError | null;
  includeFlagged: boolean;
  onIncludeFlagged: (include: boolean) => void;
}) {
  const flags = result?.flags ?? [];
  const total = result?.total ?? 0;
  return (
    <section className="panel station-qc" aria-labelledby="qc-title" data-testid="qc-panel">
      <div className="panel-head">
        <h2 id="qc-title">Quality control</h2>
        <label className="qc-include">
          <input
            type="checkbox"
            checked={includeFlagged}
            onChange={(event) => onIncludeFlagged(event.target.checked)}
            data-testid="include-flagged"
          />{' '}
          Include flagged values in the figures
        </label>
      </div>
      {error ? (
        <p className="station-error-text" role="alert">
          Could not load the flags: {errorMessage(error)}
        </p>
      ) : !result ? (
        <p className="muted">Loading flags…</p>
      ) : total === 0 ? (
        <p className="muted" data-testid="qc-none">
          No flags in this range: every value passed the range, spike, stuck-sensor and clock
          checks.
        </p>
      ) : (
        <>
          <p className="muted" data-testid="qc-summary">
            {total.toLocaleString('en-US')} {total === 1 ? 'reading' : 'readings'} flagged in this
            range.{' '}
            {includeFlagged
              ? 'Their values are included in the figures and chart lines above.'
              : 'Their values are left out of the figures and chart lines, and marked × on the charts and in the raw readings.'}
          </p>
          <div className="table-scroll">
            <table className="station-table qc-table" data-testid="qc-table">
              <thead>
                <tr>
                  <th scope="col">
                    Time <span className="station-th-unit">UTC</span>
                  </th>
                  <th scope="col">What</th>
                  <th scope="col">Value</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {flags.slice(0, SHOWN).map((f) => (
                  <tr key={`${f.timestamp}/${f.measurement}`} data-testid="qc-row">
                    <td>{formatDateTime(f.timestamp)}</td>
                    <td>{isMeasurement(f.measurement) ? labelOf(f.measurement) : 'Time'}</td>
                    <td>
                      {isMeasurement(f.measurement)
                        ? `${formatNumber(f.measurement, f.value)} ${unitOf(f.measurement)}`
                        : '–'}
                    </td>
                    <td>{f.codes.map(qcWord).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {flags.length > SHOWN || total > flags.length ? (
            <p className="muted">
              The first {Math.min(SHOWN, flags.length)} of the range’s flagged values; all of them
              via <code>/api/weather/flags/…</code>.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
