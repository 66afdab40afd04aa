import {
  type Aggregation,
  type Catalogue,
  type ChartSpec,
  type MEASUREMENTS,
  namesOf,
} from '@weather/core/measurements';

/*
 * What the dashboard draws and lists, derived from the measurement catalogue (SPEC §14), as
 * functions of a catalogue so that a new entry shows up without touching a component.
 */

type Names<C extends Catalogue> = keyof C & string;

/** Names of `C` whose chart is of `kind`. */
export type NamesWithChart<C extends Catalogue, Kind extends ChartSpec['kind']> = {
  [N in Names<C>]: C[N]['chart']['kind'] extends Kind ? N : never;
}[Names<C>];

/** Names of `C` that aggregate as `kind`. */
export type NamesWithAggregation<C extends Catalogue, Kind extends Aggregation> = {
  [N in Names<C>]: C[N]['aggregation'] extends Kind ? N : never;
}[Names<C>];

/** One chart of the station page: which measurement, how it is drawn, and its layout. */
export type ChartEntry<C extends Catalogue = typeof MEASUREMENTS> = {
  [N in Names<C>]: {
    name: N;
    kind: C[N]['chart']['kind'];
    /** Across the full width of the grid. */
    wide: boolean;
    /** A value the value axis must include (0 for wind). */
    floor?: number;
  };
}[Names<C>];

/** The station page's charts, in the catalogue's chart order. */
export function chartsFor<C extends Catalogue>(catalogue: C): ChartEntry<C>[] {
  return Object.entries(catalogue)
    .sort(([, a], [, b]) => a.chart.order - b.chart.order)
    .map(([name, { chart }]) => {
      const entry = { name, kind: chart.kind, wide: chart.kind === 'band' && chart.wide === true };
      return (
        chart.kind === 'band' && chart.floor !== undefined
          ? { ...entry, floor: chart.floor }
          : entry
      ) as ChartEntry<C>;
    });
}

/** Names whose chart is of `kind`, in catalogue order. */
export const namesWithChart = <C extends Catalogue, Kind extends ChartSpec['kind']>(
  catalogue: C,
  kind: Kind,
) =>
  namesOf(catalogue).filter((name) => catalogue[name]?.chart.kind === kind) as NamesWithChart<
    C,
    Kind
  >[];

/** Names that aggregate as `kind`, in catalogue order. */
export const namesWithAggregation = <C extends Catalogue, Kind extends Aggregation>(
  catalogue: C,
  kind: Kind,
) =>
  namesOf(catalogue).filter(
    (name) => catalogue[name]?.aggregation === kind,
  ) as NamesWithAggregation<C, Kind>[];

/** Decimals shown per measurement. */
export const decimalsFor = <C extends Catalogue>(catalogue: C) =>
  Object.fromEntries(Object.entries(catalogue).map(([name, spec]) => [name, spec.precision])) as {
    [N in Names<C>]: number;
  };

/** A column of a station's headline values: a measurement, and maybe one shown beside it. */
export interface HeadlineColumn<Name extends string = Names<typeof MEASUREMENTS>> {
  name: Name;
  label: string;
  with?: Name;
}

/** The overview table's measurement columns (and the station header's values), in order. */
export function headlineFor<C extends Catalogue>(catalogue: C): HeadlineColumn<Names<C>>[] {
  return Object.entries(catalogue)
    .flatMap(([name, { label, headline }]) =>
      headline ? [{ ...headline, name, label: headline.label ?? label }] : [],
    )
    .sort((a, b) => a.order - b.order)
    .map(
      ({ name, label, with: beside }) =>
        ({
          name,
          label,
          ...(beside !== undefined && beside in catalogue ? { with: beside } : {}),
        }) as HeadlineColumn<Names<C>>,
    );
}

/**
 * The measurements a station has, for its page: those with a value in a bucket of the range, or
 * in its newest reading (a sensor that has only just started reporting). Decided from data the
 * page has loaded anyway, so it costs no query.
 */
export function measurementsPresent<Name extends string>(
  names: readonly Name[],
  buckets: readonly Partial<Record<Name, { count: number } | null>>[],
  latest?: Partial<Record<Name, number | boolean | null>> | null,
): Set<Name> {
  return new Set(
    names.filter(
      (name) => (latest?.[name] ?? null) !== null || buckets.some((b) => (b[name]?.count ?? 0) > 0),
    ),
  );
}

/**
 * The charts of the measurements present, in order. A half-width chart that would stand alone
 * in its row (before a wide one, or last) spans the row instead, so the grid has no holes.
 */
export function chartLayout<Entry extends { name: string; wide: boolean }>(
  charts: readonly Entry[],
  present: ReadonlySet<string>,
): Entry[] {
  const shown = charts.filter((chart) => present.has(chart.name));
  let column = 0;
  return shown.map((chart, i) => {
    if (chart.wide) {
      column = 0;
      return chart;
    }
    const next = shown[i + 1];
    if (column === 0 && (next === undefined || next.wide)) return { ...chart, wide: true };
    column = 1 - column;
    return chart;
  });
}
