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
