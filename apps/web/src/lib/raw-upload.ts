import { MEASUREMENT_NAMES, type Measurement } from '@weather/core/measurements';
import { labelOf } from './chart-data';

/** The station protocols of SPEC §13 by the names their firmware menus use. */
export const PROTOCOL_LABELS: Record<string, string> = {
  wunderground: 'Weather Underground',
  ecowitt: 'Ecowitt',
  ambient: 'Ambient Weather',
};

const QC_WORDS: Record<string, string> = {
  range: 'out of range, dropped',
  derived: 'derived',
  counter_reset: 'across a rain counter reset',
};

/**
 * A reading's QC flags in words, one entry per measurement in catalogue order:
 * "Dew point derived", "Temperature out of range, dropped". Unknown codes stay as they are.
 */
export function qcSummary(qc: Partial<Record<string, readonly string[]>> | null): string[] {
  if (!qc) return [];
  return MEASUREMENT_NAMES.filter((name) => (qc[name]?.length ?? 0) > 0).map(
    (name: Measurement) =>
      `${labelOf(name)} ${(qc[name] ?? []).map((code) => QC_WORDS[code] ?? code).join(', ')}`,
  );
}
