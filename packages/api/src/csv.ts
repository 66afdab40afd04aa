import { type Catalogue, MEASUREMENTS, namesOf } from '@weather/core/measurements';

type Row<Name extends string> = {
  station_id: string;
  timestamp: string;
  received_at: string;
} & Record<Name, number | null>;

/**
 * The readings CSV of a catalogue: one column per measurement, named with its unit as an ASCII
 * suffix (`temperature_c`) so spreadsheets and scripts can name columns safely.
 */
export function csvFor<C extends Catalogue>(catalogue: C) {
  const names = namesOf(catalogue);
  const columns = [
    'station_id',
    'timestamp',
    ...Object.entries(catalogue).map(([name, spec]) => `${name}_${spec.unitSuffix}`),
    'received_at',
  ];
  const header = `${columns.join(',')}\n`;
  return {
    columns,
    header: () => header,
    /** Station ids are restricted to `A-Za-z0-9._:-`, so no field ever needs quoting. */
    row: (row: Row<keyof C & string>) =>
      `${[row.station_id, row.timestamp, ...names.map((name) => row[name] ?? ''), row.received_at].join(',')}\n`,
  };
}

export const csvColumnsFor = (catalogue: Catalogue = MEASUREMENTS) => csvFor(catalogue).columns;

const csv = csvFor(MEASUREMENTS);
export const CSV_COLUMNS = csv.columns;
export const csvHeader = csv.header;
export const csvRow = csv.row;
