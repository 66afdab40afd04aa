import { MEASUREMENT_NAMES, MEASUREMENTS, type Measurement } from '@weather/core/reading';
import { createRng, type Rng } from './prng';
import type { StationProfile } from './stations';

/**
 * What a simulated station measures. The dew point, wind chill, heat index and feels-like are
 * left to ingest (which derives them, as for most real firmware); a rain counter and battery
 * flags are the upload protocols' business (`firmware.ts`).
 */
const NOT_SIMULATED = [
  'dew_point',
  'rain_counter',
  'battery_low',
  'wind_chill',
  'heat_index',
  'feels_like',
] as const satisfies readonly Measurement[];
export type SimulatedMeasurement = Exclude<Measurement, (typeof NOT_SIMULATED)[number]>;
/** The measurements a simulated station sends, in catalogue order. */
export const SIMULATED_MEASUREMENTS = MEASUREMENT_NAMES.filter(
  (name): name is SimulatedMeasurement => !(NOT_SIMULATED as readonly string[]).includes(name),
);
/** One reading's measurements, every one present, rounded and inside their catalogue ranges. */
export type Measurements = Record<SimulatedMeasurement, number>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The sun is in the same place every 24 h at 15° of longitude per hour. */
const DEGREES_PER_HOUR = 15;
/** Tipping-bucket resolution: precipitation is reported in whole tips, the rest carried over. */
const TIP_MM = 0.1;

/** Local solar time in hours (0 ≤ h < 24): UTC shifted by longitude. */
export function solarHour(timestampMs: number, longitude: number): number {
  const hour = (timestampMs / HOUR + longitude / DEGREES_PER_HOUR) % 24;
  return (hour + 24) % 24;
}

const COOLEST_HOUR = 5.5;
const WARMEST_HOUR = 15;

/**
 * The shape of the daily temperature cycle: −1 just before dawn, +1 mid-afternoon. The rise is
 * quicker than the fall, as on a real clear day.
 */
export function diurnalShape(hour: number): number {
  const h = hour < COOLEST_HOUR ? hour + 24 : hour;
  const rise = WARMEST_HOUR - COOLEST_HOUR;
  if (h <= WARMEST_HOUR) return -Math.cos((Math.PI * (h - COOLEST_HOUR)) / rise);
  return Math.cos((Math.PI * (h - WARMEST_HOUR)) / (24 - rise));
}

/** +1 at the height of local summer, −1 in winter (mirrored south of the equator). */
export function seasonalShape(timestampMs: number, latitude: number): number {
  const year = new Date(timestampMs).getUTCFullYear();
  const dayOfYear = (timestampMs - Date.UTC(year, 0, 1)) / DAY;
  const northern = Math.cos((2 * Math.PI * (dayOfYear - 200)) / 365.25);
  return latitude >= 0 ? northern : -northern;
}

/** Sine of the sun's elevation: its declination follows the season, its hour angle the day. */
export function sunElevationSine(timestampMs: number, latitude: number, longitude: number): number {
  const year = new Date(timestampMs).getUTCFullYear();
  const dayOfYear = (timestampMs - Date.UTC(year, 0, 1)) / DAY;
  const declination =
    ((-23.44 * Math.PI) / 180) * Math.cos((2 * Math.PI * (dayOfYear + 10)) / 365.25);
  const hourAngle = ((solarHour(timestampMs, longitude) - 12) * DEGREES_PER_HOUR * Math.PI) / 180;
  const phi = (latitude * Math.PI) / 180;
  return (
    Math.sin(phi) * Math.sin(declination) +
    Math.cos(phi) * Math.cos(declination) * Math.cos(hourAngle)
  );
}

/**
 * Global horizontal irradiance (W/m²) and UV index under a sky `cloud` (0–1) covered: a
 * clear-sky model (Haurwitz) dimmed by cloud (Kasten and Czeplak); the UV index grows with the
 * sun's height more steeply than irradiance does.
 */
export function sunshine(sinElevation: number, cloud: number) {
  if (sinElevation <= 0) return { irradiance: 0, uv: 0 };
  const clear = 1098 * sinElevation * Math.exp(-0.057 / sinElevation);
  const dimmed = 1 - 0.75 * cloud ** 3.4;
  return { irradiance: clear * dimmed, uv: 11 * sinElevation ** 2.42 * dimmed };
}

/** Absolute pressure (hPa) at `elevation` m from sea-level pressure (standard atmosphere). */
export function stationPressure(seaLevel: number, elevation: number): number {
  return seaLevel * (1 - (0.0065 * elevation) / 288.15) ** 5.255;
}

/** Relative humidity (%) from temperature and dew point (Magnus formula, °C). */
export function relativeHumidity(temperature: number, dewPoint: number): number {
  const a = 17.625;
  const b = 243.04;
  return 100 * Math.exp((a * dewPoint) / (b + dewPoint) - (a * temperature) / (b + temperature));
}

/**
 * A mean-reverting random walk (Ornstein–Uhlenbeck), stepped exactly for any time step, so the
 * weather has the same character whether it is sampled every second or every hour.
 */
class Wander {
  value: number;

  constructor(
    private readonly tauSeconds: number,
    private readonly sigma: number,
    rng: Rng,
  ) {
    this.value = sigma * rng.normal();
  }

  step(dtSeconds: number, rng: Rng): number {
    if (dtSeconds <= 0) return this.value;
    const keep = Math.exp(-dtSeconds / this.tauSeconds);
    this.value = this.value * keep + this.sigma * Math.sqrt(1 - keep * keep) * rng.normal();
    return this.value;
  }
}

interface Front {
  at: number;
  strength: number;
}

interface Shower {
  start: number;
  end: number;
  /** mm per hour */
  intensity: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const bell = (x: number) => Math.exp(-x * x);

function finish(name: Measurement, value: number, digits = 1): number {
  const { min, max } = MEASUREMENTS[name];
  const factor = 10 ** digits;
  return Math.min(max, Math.max(min, Math.round(value * factor) / factor));
}

/**
 * The weather at one station, advanced reading by reading. Pure: no clock and no I/O; the same
 * profile, seed and timestamps give the same readings. Timestamps must not go backwards.
 *
 * Temperature = climate (season, elevation) + daily cycle (damped by cloud and rain) + synoptic
 * drift + fronts + noise. Humidity follows from a slowly varying dew point, so it falls as the
 * air warms. Pressure drifts and dips as fronts pass, when the wind picks up and veers and
 * showers are likelier.
 */
export class StationWeather {
  private readonly rng: Rng;
  private readonly frontRng: Rng;
  private last: number | undefined;
  private synoptic!: Wander;
  private temperatureNoise!: Wander;
  private moisture!: Wander;
  private pressureDrift!: Wander;
  private windNoise!: Wander;
  private directionDrift!: Wander;
  private fronts: Front[] = [];
  private nextFrontAt = 0;
  private shower: Shower | null = null;
  private bucket = 0;

  constructor(
    readonly station: StationProfile,
    seed: string | number,
  ) {
    this.rng = createRng(seed, 'weather', station.id);
    this.frontRng = createRng(seed, 'fronts', station.id);
  }

  next(timestampMs: number): Measurements {
    if (this.last !== undefined && timestampMs < this.last) {
      throw new RangeError(
        `timestamps must not go backwards (${timestampMs} after ${this.last}) for ${this.station.id}`,
      );
    }
    if (this.last === undefined) this.begin(timestampMs);
    const from = this.last ?? timestampMs;
    const dt = (timestampMs - from) / 1000;
    this.last = timestampMs;

    const { climate, latitude, longitude, elevation } = this.station;
    const rng = this.rng;
    this.planFronts(timestampMs);
    const front = this.frontEffects(timestampMs);
    const synoptic = this.synoptic.step(dt, rng);
    const hour = solarHour(timestampMs, longitude);
    const daily = diurnalShape(hour);

    const showerRate =
      (climate.showersPerDay / 24) *
      (1 + 8 * front.proximity) *
      (1 + 0.8 * Math.max(0, daily)) *
      Math.exp(-0.6 * synoptic);
    const rain = this.rainBetween(from, timestampMs, showerRate, 1 + front.proximity);
    const shower = this.shower && this.shower.start <= timestampMs ? this.shower : null;
    const wet = shower !== null || rain > 0;
    const cloud = Math.min(1, front.proximity + (wet ? 0.6 : 0));

    const dailyMean =
      climate.meanTemperature +
      climate.seasonalAmplitude * seasonalShape(timestampMs, latitude) +
      2 * synoptic +
      front.temperature -
      0.0065 * elevation;
    const temperature =
      dailyMean +
      ((daily * climate.diurnalRange) / 2) * (1 - 0.55 * cloud) -
      (shower ? Math.min(3, 0.8 + 0.3 * shower.intensity) : 0) +
      this.temperatureNoise.step(dt, rng);

    let dewPoint =
      dailyMean -
      climate.dewPointDepression +
      this.moisture.step(dt, rng) +
      front.moisture -
      0.8 * synoptic;
    if (wet) dewPoint = Math.max(dewPoint, temperature - 1.2);
    dewPoint = Math.min(dewPoint, temperature - 0.05);

    const windBase = climate.meanWindSpeed * (1 + 0.25 * daily) + front.wind + (shower ? 1.5 : 0);
    // Lognormal noise around the base; subtracting σ²/2 keeps the mean at the base.
    const speed = Math.max(0, windBase * Math.exp(this.windNoise.step(dt, rng) - 0.03));
    const gust = speed * (1.2 + 0.35 * rng.next() + 0.25 * cloud) + 1.2 * rng.next();
    const direction =
      climate.prevailingWind +
      35 * synoptic +
      this.directionDrift.step(dt, rng) +
      front.veer +
      4 * rng.normal();

    const pressure =
      climate.meanPressure +
      7 * synoptic +
      this.pressureDrift.step(dt, rng) +
      front.pressure +
      0.6 * Math.cos((2 * Math.PI * (hour - 10)) / 12);

    this.bucket += rain;
    const tips = Math.floor(this.bucket / TIP_MM + 1e-9);
    this.bucket -= tips * TIP_MM;

    const windSpeed = finish('wind_speed', speed);
    const heading = Math.round(((direction % 360) + 360) % 360) % 360;
    const sun = sunshine(sunElevationSine(timestampMs, latitude, longitude), cloud);
    return {
      temperature: finish('temperature', temperature),
      humidity: finish('humidity', relativeHumidity(temperature, dewPoint)),
      wind_speed: windSpeed,
      wind_direction: finish('wind_direction', heading, 0),
      wind_gust: Math.max(windSpeed, finish('wind_gust', gust)),
      pressure: finish('pressure', pressure),
      precipitation: finish('precipitation', tips * TIP_MM),
      station_pressure: finish('station_pressure', stationPressure(pressure, elevation)),
      solar_radiation: finish('solar_radiation', sun.irradiance, 0),
      uv_index: finish('uv_index', sun.uv),
      rain_rate: finish('rain_rate', shower ? shower.intensity : 0),
    };
  }

  private begin(timestampMs: number) {
    const rng = this.rng;
    this.synoptic = new Wander(2.5 * 86_400, 1, rng);
    this.temperatureNoise = new Wander(30 * 60, 0.5, rng);
    this.moisture = new Wander(86_400, 1.5, rng);
    this.pressureDrift = new Wander(12 * 3600, 1.5, rng);
    this.windNoise = new Wander(40 * 60, 0.25, rng);
    this.directionDrift = new Wander(6 * 3600, 25, rng);
    // Fronts that passed in the last days still shape the first readings.
    this.nextFrontAt = timestampMs - 4 * DAY + this.frontGap();
  }

  private frontGap() {
    const mean = (7 * DAY) / this.station.climate.frontsPerWeek;
    return Math.max(12 * HOUR, -Math.log(1 - this.frontRng.next()) * mean);
  }

  /** Fronts are laid out ahead of time (their warm sector arrives before them). */
  private planFronts(timestampMs: number) {
    while (this.nextFrontAt <= timestampMs + 2 * DAY) {
      this.fronts.push({ at: this.nextFrontAt, strength: this.frontRng.range(0.5, 1.5) });
      this.nextFrontAt += this.frontGap();
    }
    this.fronts = this.fronts.filter((f) => f.at > timestampMs - 5 * DAY);
  }

  private frontEffects(timestampMs: number) {
    const effect = { pressure: 0, temperature: 0, wind: 0, veer: 0, moisture: 0, proximity: 0 };
    for (const { at, strength: s } of this.fronts) {
      const hours = (timestampMs - at) / HOUR;
      const behind = sigmoid(hours / 2) * Math.exp(-Math.max(hours, 0) / 36);
      effect.pressure -= 12 * s * bell(hours / 14);
      effect.temperature += 2 * s * bell((hours + 10) / 10) - 6 * s * behind;
      effect.wind += 4 * s * bell(hours / 8);
      effect.veer += 70 * s * sigmoid(hours / 2) * Math.exp(-Math.max(hours, 0) / 48);
      effect.moisture += 2 * s * bell((hours + 4) / 10) - 3 * s * behind;
      effect.proximity = Math.max(effect.proximity, Math.min(1, s * bell(hours / 6)));
    }
    return effect;
  }

  /** Millimetres of rain that fell in (from, to]: showers start at random, last a while, end. */
  private rainBetween(from: number, to: number, ratePerHour: number, severity: number): number {
    let total = 0;
    let cursor = from;
    for (let guard = 0; cursor < to && guard < 1000; guard++) {
      const shower = this.shower;
      if (shower) {
        const start = Math.max(cursor, shower.start);
        const end = Math.min(to, shower.end);
        if (end > start) total += (shower.intensity * (end - start)) / HOUR;
        if (shower.end > to) break;
        cursor = Math.max(cursor, shower.end);
        this.shower = null;
        continue;
      }
      const hours = (to - cursor) / HOUR;
      if (!this.rng.chance(1 - Math.exp(-ratePerHour * hours))) break;
      const start = cursor + this.rng.next() * (to - cursor);
      const minutes = Math.max(5, -Math.log(1 - this.rng.next()) * 35 * severity);
      const intensity = Math.min(60, 2.5 * Math.exp(0.8 * this.rng.normal()) * severity);
      this.shower = { start, end: start + minutes * MINUTE, intensity };
      cursor = start;
    }
    return total;
  }
}
