/*
 * The partial sums kept per measurement, from which every statistic is computed (SPEC §7, §14):
 * count, sum, min and max of every measurement (of a flag, over `flag::int`, so its average is
 * the share of readings with it set), plus summed unit vectors (sin/cos) of each circular one,
 * and the count of values left out as doubtful (`flagged`). The TimescaleDB rollup views store
 * them, and queries over raw rows compute the same columns, so both paths give the same numbers
 * and coarser buckets combine exactly: avg = sum(sum) / sum(count). The column names and SQL
 * here all derive from the catalogue.
 *
 * A value with a suspect QC flag (SPEC §14: on itself, or `clock` on the reading's time) is not
 * in count, sum, min, max or the vectors: it is counted in `flagged` instead. Queries that are
 * asked to include flagged values compute the same columns from raw rows with every value in.
 */
import { type Catalogue, isFlag, namesOf, withAggregation } from '@weather/core/measurements';
import { QC_TIMESTAMP, SUSPECT_CODES } from '@weather/core/reading';
import { type SQL, sql } from 'drizzle-orm';

export type Part = 'count' | 'sum' | 'min' | 'max' | 'flagged' | 'sin_sum' | 'cos_sum';

const EVERY_MEASUREMENT_PARTS = ['count', 'sum', 'min', 'max', 'flagged'] as const;
const CIRCULAR_PARTS = ['sin_sum', 'cos_sum'] as const;

/** The expression over raw rows, as the text around the column: `sum(sin(radians(x)))`. */
const FROM_ROWS: Record<Part, readonly [string, string]> = {
  count: ['count(', ')'],
  sum: ['sum(', ')'],
  min: ['min(', ')'],
  max: ['max(', ')'],
  flagged: ['count(', ')'],
  sin_sum: ['sum(sin(radians(', ')))'],
  cos_sum: ['sum(cos(radians(', ')))'],
};

/** How rows of partial sums combine into a coarser bucket. */
const COMBINE: Record<Part, 'sum' | 'min' | 'max'> = {
  count: 'sum',
  sum: 'sum',
  min: 'min',
  max: 'max',
  flagged: 'sum',
  sin_sum: 'sum',
  cos_sum: 'sum',
};

export interface PartialColumn<M extends string = string> {
  measurement: M;
  part: Part;
  /** Column name in the views and in raw-row results: `temperature_count`. */
  name: `${M}_${Part}`;
}

/**
 * Whether a row's `measurement` value is doubtful, as SQL text over the row's `doubtful` and
 * `qc` columns: a suspect code on it, or any flag on the reading's time. Rows without doubts
 * (nearly all) stop at the boolean.
 */
export function suspectSql(measurement: string): string {
  const codes = SUSPECT_CODES.map((code) => `'${code}'`).join(', ');
  return `(doubtful and (qc ? '${QC_TIMESTAMP}' or coalesce(qc->'${measurement}' ?| array[${codes}], false)))`;
}

/**
 * The value a rollup view's part is computed over, as SQL text: the value when it is sound, null
 * when doubtful, and for `flagged` the reverse (so `count` counts the doubtful values there).
 */
function partValue(part: Part, measurement: string) {
  const suspect = suspectSql(measurement);
  if (part === 'flagged') return `case when ${suspect} then ${measurement} end`;
  return `case when ${suspect} then null else ${measurement} end`;
}

/**
 * The partial-sum columns of a catalogue, in view order: five per measurement in catalogue
 * order, then the sin/cos sums of the circular ones.
 */
export function partialColumns<C extends Catalogue>(catalogue: C) {
  const column = <M extends keyof C & string>(measurement: M, part: Part): PartialColumn<M> => ({
    measurement,
    part,
    name: `${measurement}_${part}`,
  });
  return [
    ...namesOf(catalogue).flatMap((m) => EVERY_MEASUREMENT_PARTS.map((part) => column(m, part))),
    ...withAggregation(catalogue, 'circular_mean').flatMap((m) =>
      CIRCULAR_PARTS.map((part) => column(m, part)),
    ),
  ];
}

/** Every column of a rollup view of `catalogue`, in order. */
export function rollupColumnNames(catalogue: Catalogue): string[] {
  return ['station_id', 'bucket', 'readings', ...partialColumns(catalogue).map((c) => c.name)];
}

/** A flag's partial sums are over 0/1 (its sum counts the readings where it was set). */
const valueCast = (catalogue: Catalogue, measurement: string) =>
  isFlag(catalogue[measurement] as Catalogue[string]) ? '::int' : '';

/**
 * Raw rows as the partial sums read them, as the select list of an inner query over a table
 * with the readings' columns: `ts`, and per measurement its sound value (null when doubtful,
 * unless `includeFlagged`) and `<m>__flagged`, its doubtful value. Deciding once per row and
 * value, rather than in each of a value's five aggregates, keeps a raw-row query close to the
 * cost it had without QC (rows without doubts stop at `doubtful`).
 */
export function soundRowsSql(catalogue: Catalogue, options: { includeFlagged?: boolean } = {}) {
  return sql.raw(
    [
      'ts',
      ...namesOf(catalogue).flatMap((m) => {
        const suspect = suspectSql(m);
        return [
          options.includeFlagged
            ? m
            : `case when not doubtful then ${m} when ${suspect} then null else ${m} end as ${m}`,
          `case when not doubtful then null when ${suspect} then ${m} end as ${m}__flagged`,
        ];
      }),
    ].join(',\n'),
  );
}

/**
 * The partial sums over rows of `soundRowsSql` (select from it under any alias), for a grouped
 * select: the same columns the rollup views store.
 */
export function partialsFromRows(catalogue: Catalogue): SQL {
  return sql.raw(
    [
      'count(*) as readings',
      ...partialColumns(catalogue).map((c) => {
        const [open, close] = FROM_ROWS[c.part];
        const v = c.part === 'flagged' ? `${c.measurement}__flagged` : c.measurement;
        return `${open}${v}${valueCast(catalogue, c.measurement)}${close} as ${c.name}`;
      }),
    ].join(',\n'),
  );
}

/** The same partial sums, combined from rows of a rollup view. */
export function partialsFromRollups(catalogue: Catalogue): SQL {
  return sql.join(
    [
      sql`sum(readings) as readings`,
      ...partialColumns(catalogue).map(
        (c) =>
          sql`${sql.raw(COMBINE[c.part])}(${sql.identifier(c.name)}) as ${sql.identifier(c.name)}`,
      ),
    ],
    sql`,\n`,
  );
}

/** The SELECT columns of a rollup view, as migration SQL text. */
export function rollupColumnsSql(catalogue: Catalogue): string {
  const byMeasurement = new Map<string, string[]>();
  for (const c of partialColumns(catalogue)) {
    const [open, close] = FROM_ROWS[c.part];
    const key = c.part === 'sin_sum' || c.part === 'cos_sum' ? c.name : c.measurement;
    const value = partValue(c.part, c.measurement);
    byMeasurement.set(key, [
      ...(byMeasurement.get(key) ?? []),
      `${open}(${value})${valueCast(catalogue, c.measurement)}${close} AS ${c.name}`,
    ]);
  }
  return ['count(*) AS readings', ...[...byMeasurement.values()].map((parts) => parts.join(', '))]
    .map((line) => `  ${line}`)
    .join(',\n');
}

export interface RollupView {
  name: string;
  bucket: string;
  /** The refresh policy's window and schedule, as PostgreSQL intervals. */
  policy: { start: string; end: string; every: string };
}

/** The rollup views the TimescaleDB migrations create, finest first. */
export const ROLLUP_VIEWS = [
  {
    name: 'weather_readings_hourly',
    bucket: '1 hour',
    policy: { start: '3 days', end: '1 hour', every: '15 minutes' },
  },
  {
    name: 'weather_readings_daily',
    bucket: '1 day',
    policy: { start: '32 days', end: '1 day', every: '1 hour' },
  },
] as const satisfies readonly RollupView[];

/** A TimescaleDB continuous aggregate over `weather_readings` for a catalogue, as migration SQL. */
export function rollupViewSql(catalogue: Catalogue, view: Pick<RollupView, 'name' | 'bucket'>) {
  return `CREATE MATERIALIZED VIEW ${view.name}
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
  station_id,
  time_bucket(INTERVAL '${view.bucket}', ts) AS bucket,
${rollupColumnsSql(catalogue)}
FROM weather_readings
GROUP BY station_id, bucket
WITH NO DATA;`;
}

/** The refresh policy of a rollup view, as migration SQL. */
export function rollupPolicySql({ name, policy }: RollupView) {
  return `SELECT add_continuous_aggregate_policy('${name}',
  start_offset => INTERVAL '${policy.start}',
  end_offset => INTERVAL '${policy.end}',
  schedule_interval => INTERVAL '${policy.every}');`;
}

/**
 * The body of a TimescaleDB migration that rebuilds the rollup views for `catalogue`: continuous
 * aggregates cannot gain columns, so they are dropped (with their policies) and recreated. The
 * committed 0000 migration stays as applied; after adding a measurement, run
 * `npm run generate -w @weather/db` (the column) and `npm run generate:timescale -w @weather/db`,
 * and fill the new custom migration with this. The views come back empty; until the policies
 * (recent days) or a refresh materialise a bucket, real-time aggregation computes it from raw
 * rows (`rollup-rebuild.test.ts`), so history older than the raw rows' retention is lost.
 */
export function rebuildRollupsSql(catalogue: Catalogue): string {
  return [
    `DROP MATERIALIZED VIEW IF EXISTS ${ROLLUP_VIEWS.map((v) => v.name).join(', ')};`,
    ...ROLLUP_VIEWS.map((view) => rollupViewSql(catalogue, view)),
    ...ROLLUP_VIEWS.map(rollupPolicySql),
  ].join('\n--> statement-breakpoint\n');
}
