import { createRng } from './prng';

/** The long-term weather of a place; the model varies around it. */
export interface Climate {
  /** Region the station was placed in, e.g. `maritime`. */
  kind: string;
  /** Annual mean temperature reduced to sea level, °C. */
  meanTemperature: number;
  /** Half the difference between the warmest and the coldest month, °C. */
  seasonalAmplitude: number;
  /** Day–night temperature range on a clear day, °C. */
  diurnalRange: number;
  /** How far the dew point usually sits below the daily mean temperature, °C. */
  dewPointDepression: number;
  /** Mean wind speed, m/s. */
  meanWindSpeed: number;
  /** Direction the wind usually blows from, degrees. */
  prevailingWind: number;
  /** Shower onsets per day away from fronts. */
  showersPerDay: number;
  /** Fronts passing per week. */
  frontsPerWeek: number;
  /** Mean sea-level pressure, hPa. */
  meanPressure: number;
}

export interface StationProfile {
  /** `SIM-001`, `SIM-002`, … */
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  /** Metres above sea level. */
  elevation: number;
  /** IANA time zone of the place, e.g. `Europe/London`. */
  timezone: string;
  climate: Climate;
}

interface Region {
  climate: Omit<Climate, 'prevailingWind'> & { prevailingWind: number };
  latitude: [number, number];
  longitude: [number, number];
  elevation: [number, number];
  /**
   * Time zones across the region, west to east: each applies up to its longitude, the last to
   * the region's eastern edge. Regions are wide, so one zone would not fit every station.
   */
  zones: readonly (readonly [upToLongitude: number, zone: string])[];
}

// Rough, plausible climates; the point is variety between stations, not climatology.
const REGIONS: Region[] = [
  {
    climate: {
      kind: 'maritime',
      meanTemperature: 10,
      seasonalAmplitude: 6,
      diurnalRange: 7,
      dewPointDepression: 3,
      meanWindSpeed: 6,
      prevailingWind: 240,
      showersPerDay: 1.2,
      frontsPerWeek: 2,
      meanPressure: 1013,
    },
    latitude: [48, 58],
    longitude: [-10, 8],
    elevation: [0, 300],
    zones: [
      [-5.5, 'Europe/Dublin'],
      [2, 'Europe/London'],
      [8, 'Europe/Paris'],
    ],
  },
  {
    climate: {
      kind: 'continental',
      meanTemperature: 7,
      seasonalAmplitude: 13,
      diurnalRange: 11,
      dewPointDepression: 5,
      meanWindSpeed: 4,
      prevailingWind: 270,
      showersPerDay: 0.6,
      frontsPerWeek: 1.3,
      meanPressure: 1016,
    },
    latitude: [45, 58],
    longitude: [15, 60],
    elevation: [80, 600],
    zones: [
      [24, 'Europe/Warsaw'],
      [32, 'Europe/Kyiv'],
      [48, 'Europe/Moscow'],
      [56, 'Europe/Samara'],
      [60, 'Asia/Yekaterinburg'],
    ],
  },
  {
    climate: {
      kind: 'mediterranean',
      meanTemperature: 17,
      seasonalAmplitude: 8,
      diurnalRange: 10,
      dewPointDepression: 7,
      meanWindSpeed: 3.5,
      prevailingWind: 300,
      showersPerDay: 0.3,
      frontsPerWeek: 0.8,
      meanPressure: 1015,
    },
    latitude: [35, 44],
    longitude: [-6, 30],
    elevation: [0, 500],
    zones: [
      [3, 'Europe/Madrid'],
      [19, 'Europe/Rome'],
      [26, 'Europe/Athens'],
      [30, 'Europe/Istanbul'],
    ],
  },
  {
    climate: {
      kind: 'desert',
      meanTemperature: 25,
      seasonalAmplitude: 8,
      diurnalRange: 16,
      dewPointDepression: 18,
      meanWindSpeed: 4.5,
      prevailingWind: 45,
      showersPerDay: 0.04,
      frontsPerWeek: 0.3,
      meanPressure: 1012,
    },
    latitude: [20, 32],
    longitude: [-8, 50],
    elevation: [0, 900],
    zones: [
      [12, 'Africa/Algiers'],
      [25, 'Africa/Tripoli'],
      [35, 'Africa/Cairo'],
      [50, 'Asia/Riyadh'],
    ],
  },
  {
    climate: {
      kind: 'tropical',
      meanTemperature: 27,
      seasonalAmplitude: 1.5,
      diurnalRange: 7,
      dewPointDepression: 4,
      meanWindSpeed: 3,
      prevailingWind: 90,
      showersPerDay: 2,
      frontsPerWeek: 0.3,
      meanPressure: 1010,
    },
    latitude: [-10, 15],
    longitude: [-80, 120],
    elevation: [0, 400],
    zones: [
      [-66, 'America/Bogota'],
      [-54, 'America/Manaus'],
      [-34, 'America/Belem'],
      [-20, 'America/Noronha'],
      [2, 'Africa/Abidjan'],
      [15, 'Africa/Lagos'],
      [22, 'Africa/Kinshasa'],
      [30, 'Africa/Lubumbashi'],
      [52, 'Africa/Nairobi'],
      [66, 'Indian/Mahe'],
      [98, 'Asia/Kolkata'],
      [114, 'Asia/Jakarta'],
      [120, 'Asia/Makassar'],
    ],
  },
  {
    climate: {
      kind: 'alpine',
      meanTemperature: 9,
      seasonalAmplitude: 9,
      diurnalRange: 10,
      dewPointDepression: 4,
      meanWindSpeed: 7,
      prevailingWind: 270,
      showersPerDay: 1,
      frontsPerWeek: 1.5,
      meanPressure: 1014,
    },
    latitude: [44, 48],
    longitude: [6, 14],
    elevation: [1200, 2800],
    zones: [
      [10.5, 'Europe/Zurich'],
      [14, 'Europe/Vienna'],
    ],
  },
  {
    climate: {
      kind: 'subarctic',
      meanTemperature: -2,
      seasonalAmplitude: 15,
      diurnalRange: 6,
      dewPointDepression: 3,
      meanWindSpeed: 5,
      prevailingWind: 250,
      showersPerDay: 0.5,
      frontsPerWeek: 1.5,
      meanPressure: 1009,
    },
    latitude: [60, 68],
    longitude: [-150, 30],
    elevation: [0, 500],
    zones: [
      [-141, 'America/Anchorage'],
      [-124, 'America/Whitehorse'],
      [-102, 'America/Edmonton'],
      [-85, 'America/Rankin_Inlet'],
      [-58, 'America/Iqaluit'],
      [-24, 'America/Nuuk'],
      [-10, 'Atlantic/Reykjavik'],
      [-3, 'Atlantic/Faroe'],
      [12, 'Europe/Oslo'],
      [20, 'Europe/Stockholm'],
      [30, 'Europe/Helsinki'],
    ],
  },
  {
    climate: {
      kind: 'southern-temperate',
      meanTemperature: 13,
      seasonalAmplitude: 5,
      diurnalRange: 9,
      dewPointDepression: 4,
      meanWindSpeed: 6,
      prevailingWind: 250,
      showersPerDay: 0.9,
      frontsPerWeek: 1.8,
      meanPressure: 1014,
    },
    latitude: [-45, -33],
    longitude: [140, 176],
    elevation: [0, 400],
    zones: [
      [150, 'Australia/Melbourne'],
      [166, 'Australia/Sydney'],
      [176, 'Pacific/Auckland'],
    ],
  },
];

const NAME_STARTS = [
  'Ash',
  'Bright',
  'Cedar',
  'Elm',
  'Fern',
  'Glen',
  'Hazel',
  'Iron',
  'Kings',
  'Lark',
  'Maple',
  'North',
  'Oak',
  'Pine',
  'Raven',
  'Stone',
  'Thorn',
  'West',
  'Willow',
  'Wolf',
];
const NAME_ENDS = [
  'ford',
  'field',
  'brook',
  'wood',
  'ridge',
  'haven',
  'moor',
  'dale',
  'gate',
  'mere',
];
const NAME_KINDS = ['', ' Airfield', ' Hill', ' Harbour', ' Valley', ' Station', ' Point'];

/** `SIM-001` for index 0; ids stay valid station ids (SPEC §3) for any count. */
export const stationId = (index: number) => `SIM-${String(index + 1).padStart(3, '0')}`;

const round = (value: number, digits: number) => Number(value.toFixed(digits));

const zoneAt = (region: Region, longitude: number) =>
  (region.zones.find(([upTo]) => longitude <= upTo) ?? region.zones.at(-1))?.[1] ?? 'UTC';

/**
 * The stations of a simulation: identity, place and climate, the same for the same seed and
 * index. Regions are dealt round-robin (in a seed-dependent order) so that even a few stations
 * cover different climates.
 */
export function createStations(count: number, seed: string | number): StationProfile[] {
  const order = createRng(seed, 'regions').shuffle([...REGIONS]);
  return Array.from({ length: count }, (_, index) => {
    const rng = createRng(seed, 'station', index);
    const region = order[index % order.length] as Region;
    const jitter = (spread: number) => rng.range(-spread, spread);
    const name = `${rng.pick(NAME_STARTS)}${rng.pick(NAME_ENDS)}${rng.pick(NAME_KINDS)}`;
    const latitude = round(rng.range(...region.latitude), 4);
    const longitude = round(rng.range(...region.longitude), 4);
    return {
      id: stationId(index),
      name,
      latitude,
      longitude,
      elevation: Math.round(rng.range(...region.elevation)),
      // From the place, not drawn: the random sequence, so every station, stays as it was.
      timezone: zoneAt(region, longitude),
      climate: {
        ...region.climate,
        meanTemperature: round(region.climate.meanTemperature + jitter(2), 2),
        diurnalRange: round(region.climate.diurnalRange * rng.range(0.85, 1.15), 2),
        meanWindSpeed: round(region.climate.meanWindSpeed * rng.range(0.75, 1.25), 2),
        prevailingWind: Math.round((region.climate.prevailingWind + jitter(30) + 360) % 360),
        meanPressure: round(region.climate.meanPressure + jitter(2), 1),
      },
    };
  });
}
