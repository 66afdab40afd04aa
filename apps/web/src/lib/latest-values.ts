import { MEASUREMENT_NAMES, MEASUREMENTS, type Measurement } from '@weather/core/measurements';
import { headlineFor } from './catalogue';
import {
  flagText,
  formatValue,
  isDirection,
  isFlagMeasurement,
  type ReadingRow,
} from './chart-data';

/** What a latest value's QC flags say about it, as marks beside it (SPEC §14). */
export type QcMark = 'derived' | 'out_of_range' | 'counter_reset';

/** One of a station's newest values: "wind 3.3 m/s from NNE 22°", with its QC marks. */
export interface LatestValue {
  name: Measurement;
  /** "temperature", "wind": lower case, as the value reads in a sentence; empty for a flag, whose value says it. */
  label: string;
  /** The value with its unit (and the one shown beside it); null when the reading has none. */
  value: string | null;
  marks: QcMark[];
}

const HEADLINE = headlineFor(MEASUREMENTS);
const BESIDE = new Set(HEADLINE.flatMap((column) => (column.with ? [column.with] : [])));
/** Every other measurement, in catalogue order: shown after the headline when the reading has it. */
const OTHERS = MEASUREMENT_NAMES.filter(
  (name) => !BESIDE.has(name) && !HEADLINE.some((column) => column.name === name),
);

const MARKS: Record<string, QcMark> = {
  derived: 'derived',
  range: 'out_of_range',
  counter_reset: 'counter_reset',
};

function marksOf(latest: ReadingRow, name: Measurement): QcMark[] {
  return (latest.qc?.[name] ?? []).flatMap((code) => (MARKS[code] ? [MARKS[code]] : []));
}

/** "Temperature" → "temperature", but "UV index" stays. */
const inSentence = (label: string) =>
  /^\p{Lu}{2}/u.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);

function valueText(latest: ReadingRow, name: Measurement, beside?: Measurement): string | null {
  const value = latest[name];
  if (value === null) return null;
  // A flag says itself in words: "battery low", "battery OK".
  if (typeof value === 'boolean') return flagText(name, value);
  let text = formatValue(name, value);
  // The counter's kind says what it counts since (its day, its year, ever).
  if (name === 'rain_counter' && latest.rain_counter_kind) text += ` (${latest.rain_counter_kind})`;
  const other = beside ? latest[beside] : null;
  if (!beside || other === null) return text;
  return `${text}${isDirection(beside) ? ' from' : ''} ${formatValue(beside, other)}`;
}

/**
 * A reading's values for the station header: the headline measurements (the overview's columns),
 * then every other measurement it has. A value is left out when the reading has none, unless a
 * QC flag says why (sent out of range and dropped): then it shows as missing, with the mark.
 */
export function latestValues(latest: ReadingRow): { headline: LatestValue[]; more: LatestValue[] } {
  const item = (name: Measurement, label: string, beside?: Measurement): LatestValue => ({
    name,
    label: isFlagMeasurement(name) ? '' : inSentence(label),
    value: valueText(latest, name, beside),
    marks: marksOf(latest, name),
  });
  const shown = (v: LatestValue) => v.value !== null || v.marks.length > 0;
  return {
    headline: HEADLINE.map((column) => item(column.name, column.label, column.with)).filter(shown),
    more: OTHERS.map((name) => item(name, MEASUREMENTS[name].label)).filter(shown),
  };
}
