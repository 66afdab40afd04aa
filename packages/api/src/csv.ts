import { MEASUREMENT_NAMES, MEASUREMENTS } from '@weather/core/reading';

type Row = { station_id: string; timestamp: string; received_at: string } & Record<
  (typeof MEASUREMENT_NAMES)[number],
  number | null
>;

/** Units as ASCII suffixes, so spreadsheets and scripts can name columns safely. */
const UNIT_SUFFIX: Record<string, string> = {
  '°C': 'c',
  '%': 'pct',
  'm/s': 'm_s',
  '°': 'deg',
  hPa: 'hpa',
  mm: 'mm',
};

export const CSV_COLUMNS = [
  'station_id',
  'timestamp',
  ...MEASUREMENT_NAMES.map((m) => `${m}_${UNIT_SUFFIX[MEASUREMENTS[m].unit] ?? 'value'}`),
  'received_at',
];

export const csvHeader = () => `${CSV_COLUMNS.join(',')}\n`;

/** Station ids are restricted to `A-Za-z0-9._:-`, so no field ever needs quoting. */
export const csvRow = (row: Row) =>
  `${[row.station_id, row.timestamp, ...MEASUREMENT_NAMES.map((m) => row[m] ?? ''), row.received_at].join(',')}\n`;
