import { MAX_FORWARD_SKEW_SECONDS } from '@weather/contracts/generator';
import { isFlag } from '@weather/core/measurements';
import { MEASUREMENT_NAMES, MEASUREMENTS, type Measurement } from '@weather/core/reading';
import type { Rng } from './model/prng';
import type { Measurements } from './model/weather';

/** A reading as a station puts it on the wire. */
export type WireReading = { station_id: string; timestamp: string } & Partial<
  Record<Measurement, number | boolean | null>
>;

export const reading = (
  stationId: string,
  timestampMs: number,
  values: Measurements,
): WireReading => ({
  station_id: stationId,
  timestamp: new Date(timestampMs).toISOString(),
  ...values,
});

/** Ways a reading is made invalid; each breaks one rule of SPEC §3 the collector enforces. */
export const INVALID_KINDS = [
  'out_of_range',
  'bad_timestamp',
  'future_timestamp',
  'no_measurements',
  'bad_station_id',
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** A broken copy of `valid` that the collector must refuse with 422. */
export function makeInvalid(
  valid: WireReading,
  kind: InvalidKind,
  rng: Rng,
  nowMs: number,
): Record<string, unknown> {
  switch (kind) {
    case 'out_of_range': {
      const name = rng.pick(MEASUREMENT_NAMES);
      // A flag is out of its range when it is not true or false.
      if (isFlag(MEASUREMENTS[name])) return { ...valid, [name]: rng.pick(['low', 1, 'true']) };
      const { min, max } = MEASUREMENTS[name];
      const span = max - min;
      const value = rng.chance(0.5) ? max + 1 + rng.next() * span : min - 1 - rng.next() * span;
      return { ...valid, [name]: Math.round(value * 10) / 10 };
    }
    case 'bad_timestamp':
      return {
        ...valid,
        timestamp: rng.pick([
          valid.timestamp.replace('Z', ''),
          valid.timestamp.replace(/-\d\d-/, '-13-'),
          'yesterday',
          String(Date.parse(valid.timestamp)),
        ]),
      };
    case 'future_timestamp':
      return {
        ...valid,
        timestamp: new Date(nowMs + 3_600_000 + rng.int(86_400_000)).toISOString(),
      };
    case 'no_measurements':
      return {
        station_id: valid.station_id,
        timestamp: valid.timestamp,
        ...Object.fromEntries(MEASUREMENT_NAMES.map((name) => [name, null])),
      };
    case 'bad_station_id':
      return { ...valid, station_id: `${valid.station_id} #${rng.int(100)}` };
  }
}

/**
 * A wrong station clock: a shift of up to `maxSeconds` either way, never zero. Forward shifts
 * stop at MAX_FORWARD_SKEW_SECONDS so the reading stays inside the collector's 5-minute limit.
 */
export function clockSkewMs(rng: Rng, maxSeconds: number): number {
  const back = Math.round(maxSeconds * 1000);
  const ahead = Math.min(back, MAX_FORWARD_SKEW_SECONDS * 1000);
  const shift = Math.round(-back + rng.next() * (back + ahead));
  return shift === 0 ? -1 : shift;
}

/**
 * Turns a duplicate share into whole copies: with `percent` = 20, one copy after every fourth
 * reading, so that exactly 20% of records sent are duplicates over time.
 */
export class DuplicateCredit {
  private credit = 0;
  private readonly perReading: number;

  constructor(percent: number) {
    this.perReading = percent >= 100 ? 0 : percent / (100 - percent);
  }

  /** Copies to add after one more reading. */
  next(): number {
    this.credit += this.perReading;
    const copies = Math.floor(this.credit + 1e-9);
    this.credit -= copies;
    return copies;
  }
}
