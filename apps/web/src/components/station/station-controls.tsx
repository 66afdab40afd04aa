'use client';

import { type FormEvent, useId, useState } from 'react';
import { INTERVAL_LABELS, INTERVAL_NAMES, type Interval } from '@/lib/chart-data';
import {
  csvHref,
  fromDatetimeLocal,
  RANGE_KEYS,
  RANGE_PRESETS,
  type RangeKey,
  type ResolvedRange,
  type Selection,
  toDatetimeLocal,
  tooFine,
} from '@/lib/station-range';

export interface StationControlsProps {
  stationId: string;
  selection: Selection;
  range: ResolvedRange;
  /** The interval the server used for the series on screen (what "auto" resolved to). */
  shownInterval: Interval | undefined;
  updating: boolean;
  onChange: (next: Selection) => void;
}

const rangeLabel = (key: RangeKey) => (key === 'custom' ? 'Custom…' : RANGE_PRESETS[key].label);

/** Range and bucket pickers, the custom range form and the CSV export of the range. */
export function StationControls({
  stationId,
  selection,
  range,
  shownInterval,
  updating,
  onChange,
}: StationControlsProps) {
  const id = useId();
  const excluded = tooFine(range.endMs - range.startMs);

  const pickRange = (value: string) => {
    const key = RANGE_KEYS.find((k) => k === value);
    if (!key) return;
    if (key === 'custom') {
      // Start from the range on screen, now fixed, for the user to adjust.
      onChange({
        ...selection,
        range: 'custom',
        from: new Date(range.startMs).toISOString(),
        to: new Date(range.endMs).toISOString(),
      });
      return;
    }
    // A bucket too fine for the longer range would be refused; fall back to automatic.
    const bucket =
      selection.bucket !== 'auto' && tooFine(RANGE_PRESETS[key].ms).has(selection.bucket)
        ? 'auto'
        : selection.bucket;
    onChange({ range: key, bucket });
  };

  return (
    <section className="panel station-controls" aria-label="Time range and buckets">
      <div className="station-field">
        <label htmlFor={`${id}-range`}>Time range</label>
        <select
          id={`${id}-range`}
          data-testid="range-picker"
          value={selection.range}
          onChange={(e) => pickRange(e.target.value)}
        >
          {RANGE_KEYS.map((key) => (
            <option key={key} value={key}>
              {rangeLabel(key)}
            </option>
          ))}
        </select>
      </div>
      <div className="station-field">
        <label htmlFor={`${id}-bucket`}>Buckets</label>
        <select
          id={`${id}-bucket`}
          data-testid="bucket-picker"
          value={selection.bucket}
          onChange={(e) => {
            const bucket = INTERVAL_NAMES.find((i) => i === e.target.value) ?? 'auto';
            onChange({ ...selection, bucket });
          }}
        >
          <option value="auto">
            {selection.bucket === 'auto' && shownInterval
              ? `Auto (${INTERVAL_LABELS[shownInterval]})`
              : 'Auto'}
          </option>
          {INTERVAL_NAMES.map((interval) => (
            <option key={interval} value={interval} disabled={excluded.has(interval)}>
              {INTERVAL_LABELS[interval]}
              {excluded.has(interval) ? ' (too fine)' : ''}
            </option>
          ))}
        </select>
      </div>
      {selection.range === 'custom' && selection.from && selection.to ? (
        <CustomRange
          key={`${selection.from}|${selection.to}`}
          from={selection.from}
          to={selection.to}
          onApply={(from, to) => onChange({ ...selection, range: 'custom', from, to })}
        />
      ) : null}
      <div className="station-controls-end">
        <span className="station-status" aria-live="polite">
          {updating ? (
            'Updating…'
          ) : range.live ? (
            <>
              <span className="station-live-dot" aria-hidden="true" /> Live · every 10 s
            </>
          ) : (
            'Fixed range'
          )}
        </span>
        <a
          className="station-button"
          data-testid="csv-download"
          href={csvHref(stationId, range)}
          download={`${stationId}-readings.csv`}
        >
          Download CSV
        </a>
      </div>
    </section>
  );
}

/** Two UTC datetime inputs applied together, so a half-edited range is never queried. */
function CustomRange({
  from,
  to,
  onApply,
}: {
  from: string;
  to: string;
  onApply: (from: string, to: string) => void;
}) {
  const id = useId();
  const [fromValue, setFromValue] = useState(toDatetimeLocal(from));
  const [toValue, setToValue] = useState(toDatetimeLocal(to));
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const start = fromDatetimeLocal(fromValue);
    const end = fromDatetimeLocal(toValue);
    if (!start || !end) return setProblem('Enter both a start and an end.');
    if (Date.parse(end) <= Date.parse(start)) return setProblem('The end must be after the start.');
    setProblem(null);
    onApply(start, end);
  };

  return (
    <form className="station-custom" onSubmit={submit}>
      <DateTimeField
        id={`${id}-from`}
        label="From (UTC)"
        value={fromValue}
        onChange={setFromValue}
      />
      <DateTimeField id={`${id}-to`} label="To (UTC)" value={toValue} onChange={setToValue} />
      <button type="submit" className="station-button">
        Apply
      </button>
      {problem ? (
        <p className="station-error-text" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

/** A required `datetime-local` input with its label above it. */
function DateTimeField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div className="station-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="datetime-local"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
      />
    </div>
  );
}
