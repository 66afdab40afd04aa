import { MEASUREMENT_NAMES, type Measurement } from '@weather/core/measurements';
import { labelOf, QC_WORDS } from './chart-data';

/** The station protocols of SPEC §13 by the names their firmware menus use. */
export const PROTOCOL_LABELS: Record<string, string> = {
  wunderground: 'Weather Underground',
  ecowitt: 'Ecowitt',
  ambient: 'Ambient Weather',
};

/**
 * A reading's QC flags in words, one entry per measurement in catalogue order:
 * "Dew point derived", "Temperature out of range, dropped". Unknown codes stay as they are.
 */
export function qcSummary(qc: Partial<Record<string, readonly string[]>> | null): string[] {
  if (!qc) return [];
  const words = (codes: readonly string[]) =>
    codes.map((code) => QC_WORDS[code] ?? code).join(', ');
  return [
    ...(qc.timestamp?.length ? [`Time: ${words(qc.timestamp)}`] : []),
    ...MEASUREMENT_NAMES.filter((name) => (qc[name]?.length ?? 0) > 0).map(
      (name: Measurement) => `${labelOf(name)} ${words(qc[name] ?? [])}`,
    ),
  ];
}
