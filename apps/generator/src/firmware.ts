/**
 * A simulated station speaking a firmware protocol (SPEC §13): its reading in the firmware's
 * keys and US units — the collector's own mapping tables, inverted — with a daily rain counter,
 * sent the way that firmware sends it, and, as a fault, the sloppy ways real firmware does.
 */
import {
  BATTERY_ENCODINGS,
  type BatteryEncoding,
  type FirmwareUnit,
  PROTOCOL_FIELDS,
  UNITS,
} from '@weather/contracts/station-protocols';
import type { Measurement, Protocol } from '@weather/core/reading';
import type { Rng } from './model/prng';

/** Decimals firmware prints per unit; the stored value is within half a step of the simulated. */
export const FIRMWARE_DECIMALS: Record<FirmwareUnit, number> = {
  fahrenheit: 2,
  mph: 2,
  inHg: 3,
  inch: 3,
  same: 1,
};

/** Key spellings real firmware uses where the table's (lower case) key differs. */
const SPELLING: Partial<Record<Protocol, Record<string, string>>> = {
  wunderground: { uv: 'UV' },
};

/** Per protocol, each measurement the firmware sends: its key and unit (the first table entry). */
const SENDS = Object.fromEntries(
  Object.entries(PROTOCOL_FIELDS).map(([protocol, table]) => {
    const sends = new Map<Measurement, { key: string; unit: FirmwareUnit }>();
    for (const [key, mapping] of Object.entries(table)) {
      if (!('measurement' in mapping) || sends.has(mapping.measurement)) continue;
      const spelled = SPELLING[protocol as Protocol]?.[key] ?? key;
      sends.set(mapping.measurement, { key: spelled, unit: mapping.unit });
    }
    return [protocol, sends];
  }),
) as Record<Protocol, Map<Measurement, { key: string; unit: FirmwareUnit }>>;

/**
 * Per protocol, the key of the outdoor sensor's battery and what it sends when good and when low
 * (the first battery entry of the table: WU `lowbatt`, Ecowitt `wh65batt`, Ambient `battout`).
 */
const BATTERY = Object.fromEntries(
  Object.entries(PROTOCOL_FIELDS).map(([protocol, table]) => {
    const [key, mapping] = Object.entries(table).find(([, m]) => 'battery' in m) as [
      string,
      { battery: BatteryEncoding },
    ];
    const encoding = BATTERY_ENCODINGS[mapping.battery];
    const low = [0, 1].find((v) => encoding.low(v)) as number;
    return [protocol, { key, ok: encoding.ok, low: String(low) }];
  }),
) as Record<Protocol, { key: string; ok: string; low: string }>;

const print = (value: number, unit: FirmwareUnit) =>
  String(Number(UNITS[unit].fromSi(value).toFixed(FIRMWARE_DECIMALS[unit])));

/**
 * The weather fields of one upload: every measurement the firmware has, `dailyrainin`, today's
 * rain so far (mm, the station's own counter), and the outdoor sensor's battery (good unless
 * `battery_low`).
 */
export function firmwareFields(
  protocol: Protocol,
  values: Partial<Record<Measurement, number | boolean | null>>,
  dailyRainMm: number,
): [string, string][] {
  const fields: [string, string][] = [];
  for (const [measurement, { key, unit }] of SENDS[protocol]) {
    const value = values[measurement];
    if (typeof value === 'number') fields.push([key, print(value, unit)]);
  }
  fields.push(['dailyrainin', print(dailyRainMm, 'inch')]);
  const battery = BATTERY[protocol];
  fields.push([battery.key, values.battery_low ? battery.low : battery.ok]);
  return fields;
}

/** What identifies the firmware in each protocol's uploads. */
const IDENTITY: Record<Protocol, [string, string][]> = {
  wunderground: [
    ['action', 'updateraw'],
    ['softwaretype', 'EasyWeatherV1.6.6'],
  ],
  ecowitt: [
    ['PASSKEY', '0123456789ABCDEF0123456789ABCDEF'],
    ['stationtype', 'GW2000A_V3.1.0'],
    ['model', 'GW2000A'],
    ['freq', '868M'],
  ],
  ambient: [
    ['PASSKEY', 'AA:BB:CC:DD:EE:FF'],
    ['stationtype', 'AMBWeatherV4.3.4'],
  ],
};

export interface FirmwareRequest {
  method: 'GET' | 'POST';
  /** Path and query, to append to the collector's base URL. */
  path: string;
  /** The form body of a POST. */
  body?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `dateutc` as firmware prints it, or with a quirk: unpadded, or spaced after the colons. */
function dateutc(ms: number, quirk: 'none' | 'unpadded' | 'spaced'): string {
  const d = new Date(ms);
  const parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  const time = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
  if (quirk === 'unpadded') return `${parts.join('-')} ${time.join(':')}`;
  const date = `${parts[0]}-${pad(parts[1] as number)}-${pad(parts[2] as number)}`;
  return `${date} ${time.map(pad).join(quirk === 'spaced' ? ': ' : ':')}`;
}

/**
 * The request one upload is: WU a GET with `ID` and `PASSWORD`; Ecowitt a form POST to
 * `/data/report/<token>`; Ambient a GET with the pairs glued to `/ambient/<token>`. The
 * station is named by `ID` (the simulator holds a gateway token). With `quirks`, the request
 * takes the sloppy forms real firmware sends, none of which changes what is stored.
 */
export function firmwareRequest(
  protocol: Protocol,
  fields: readonly [string, string][],
  station: { id: string; token: string | undefined; timestampMs: number },
  quirks?: Rng,
): FirmwareRequest {
  const pairs: [string, string][] = [
    ['ID', station.id],
    ...IDENTITY[protocol],
    [
      'dateutc',
      dateutc(station.timestampMs, quirks ? quirks.pick(['unpadded', 'spaced']) : 'none'),
    ],
    ...fields,
  ];
  if (quirks) {
    // A key in other case, a repeated key whose last value is the real one, unknown sensors.
    const at = 1 + quirks.int(pairs.length - 1);
    const [key, value] = pairs[at] as [string, string];
    if (key !== 'ID' && key !== 'PASSKEY') pairs[at] = [key.toUpperCase(), value];
    const repeated = pairs[pairs.length - 1] as [string, string];
    pairs.splice(pairs.length - 1, 0, [repeated[0], '-1']);
    pairs.push(['soiltempf', '55.4'], ['pm25_ch1', '7.0']);
  }
  const query = new URLSearchParams(pairs).toString();
  // Without a token (authentication off) the path segment names the station.
  const token = encodeURIComponent(station.token ?? station.id);
  switch (protocol) {
    case 'wunderground': {
      const password = station.token ? `&PASSWORD=${encodeURIComponent(station.token)}` : '';
      return {
        method: 'GET',
        path: `/weatherstation/updateweatherstation.php?${query}${password}`,
      };
    }
    case 'ecowitt': {
      const slash = quirks?.chance(0.5) ? '' : '/';
      return { method: 'POST', path: `/data/report/${token}${slash}`, body: query };
    }
    case 'ambient': {
      const glue = quirks ? quirks.pick(['?', '?&', '&', '/', '/?']) : '?';
      return { method: 'GET', path: `/ambient/${token}${glue}${query}` };
    }
  }
}

/**
 * A station's daily rain counter (mm), as firmware keeps it: it adds each reading's rain and
 * starts again at midnight UTC (the time zone the simulator's stations are registered in).
 */
export class DailyRainCounter {
  private day = Number.NaN;
  private total = 0;

  add(timestampMs: number, rainMm: number | null | undefined): number {
    const day = Math.floor(timestampMs / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.total = 0;
    }
    this.total += rainMm ?? 0;
    return this.total;
  }
}
