import { type Catalogue, MEASUREMENTS, namesOf } from '@weather/core/measurements';
import type { QcFlags, RainCounterKind } from '@weather/core/reading';
import type { PeriodSummary } from '@weather/db';

type Row<Name extends string> = {
  station_id: string;
  timestamp: string;
  received_at: string;
  qc?: QcFlags | null;
  rain_counter_kind?: RainCounterKind | null;
} & Record<Name, number | boolean | null>;

/** QC flags as one CSV field without commas or quotes: `temperature:range;dew_point:derived`. */
export const qcField = (qc: QcFlags | null | undefined) =>
  qc
    ? Object.entries(qc)
        .flatMap(([name, codes]) => (codes ?? []).map((code) => `${name}:${code}`))
        .join(';')
    : '';

/**
 * The readings CSV of a catalogue: one column per measurement, named with its unit as an ASCII
 * suffix (`temperature_c`) so spreadsheets and scripts can name columns safely, then the rain
 * counter's kind and the QC flags.
 */
export function csvFor<C extends Catalogue>(catalogue: C) {
  const names = namesOf(catalogue);
  const columns = [
    'station_id',
    'timestamp',
    ...Object.entries(catalogue).map(([name, { unitSuffix }]) =>
      unitSuffix ? `${name}_${unitSuffix}` : name,
    ),
    'received_at',
    'rain_counter_kind',
    'qc',
  ];
  const header = `${columns.join(',')}\n`;
  return {
    columns,
    header: () => header,
    /** Station ids are restricted to `A-Za-z0-9._:-`, so no field ever needs quoting. */
    row: (row: Row<keyof C & string>) =>
      `${[row.station_id, row.timestamp, ...names.map((name) => row[name] ?? ''), row.received_at, row.rain_counter_kind ?? '', qcField(row.qc)].join(',')}\n`,
  };
}

export const csvColumnsFor = (catalogue: Catalogue = MEASUREMENTS) => csvFor(catalogue).columns;

const csv = csvFor(MEASUREMENTS);
export const CSV_COLUMNS = csv.columns;
export const csvHeader = csv.header;
export const csvRow = csv.row;

/** A station's daily or monthly summaries as CSV rows, units in the column names. */
export const SUMMARY_CSV_COLUMNS = [
  'station_id',
  'period',
  'start',
  'end',
  'readings',
  'temperature_min_c',
  'temperature_min_at',
  'temperature_max_c',
  'temperature_max_at',
  'temperature_mean_c',
  'rain_total_mm',
  'gust_max_m_s',
  'gust_at',
  'gust_direction_deg',
  'completeness',
  'flagged',
];

export function summariesCsv(stationId: string, summaries: readonly PeriodSummary[]): string {
  const rows = summaries.map((s) =>
    [
      stationId,
      s.period,
      s.start,
      s.end,
      s.readings,
      s.temperature.min,
      s.temperature.min_at,
      s.temperature.max,
      s.temperature.max_at,
      s.temperature.mean,
      s.rain_total,
      s.gust.max,
      s.gust.at,
      s.gust.direction,
      s.completeness,
      s.flagged,
    ]
      .map((v) => v ?? '')
      .join(','),
  );
  return `${[SUMMARY_CSV_COLUMNS.join(','), ...rows].join('\n')}\n`;
}
