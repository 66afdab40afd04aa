/**
 * How the weather feels, derived from a reading's temperature (°C), relative humidity (%) and
 * wind speed (m/s): wind chill, heat index, and the feels-like temperature that picks between
 * them. Each index is computed the way the US National Weather Service tabulates it, so its
 * published charts can check the numbers; values come back in °C.
 */

import { MEASUREMENTS } from './measurements';

/**
 * Dew point in °C from temperature (°C) and relative humidity (%), by the Magnus formula with
 * Alduchov and Eskridge's constants (within 0.4 °C from −40 to 50 °C); null when it cannot be
 * computed (no humidity) or falls outside the catalogue's range.
 */
export function dewPoint(temperature: number, humidity: number): number | null {
  if (!(humidity > 0)) return null;
  const a = 17.625;
  const b = 243.04;
  const gamma = Math.log(humidity / 100) + (a * temperature) / (b + temperature);
  const value = (b * gamma) / (a - gamma);
  const { min, max } = MEASUREMENTS.dew_point;
  return Number.isFinite(value) && value >= min && value <= max ? value : null;
}

/**
 * What each derived measurement is computed from: a doubt on one of these (a QC flag) is a
 * doubt on the derived value of the same reading too.
 */
export const DERIVED_FROM = {
  dew_point: ['temperature', 'humidity'],
  wind_chill: ['temperature', 'wind_speed'],
  heat_index: ['temperature', 'humidity'],
  feels_like: ['temperature', 'humidity', 'wind_speed'],
} as const satisfies Record<string, readonly string[]>;

/** °C to °F. */
export const cToF = (celsius: number) => (celsius * 9) / 5 + 32;
/** °F to °C. */
export const fToC = (fahrenheit: number) => ((fahrenheit - 32) * 5) / 9;

/** One mile per hour in m/s (exact: 1609.344 m / 3600 s). */
const MPH_IN_MS = 0.44704;
/** Wind chill is defined at or below 50 °F (10 °C) … */
const WIND_CHILL_MAX_C = 10;
/** … and for winds above 3 mph, the 2001 index's calm threshold. */
const WIND_CHILL_MIN_MS = 3 * MPH_IN_MS;
/** Heat index is defined from 80 °F (26.7 °C); compared in °C so that fToC(80) itself counts. */
const HEAT_INDEX_MIN_C = fToC(80);

/**
 * Wind chill in °C by the NWS / Environment Canada formula of 2001, or null outside its range
 * (air above 10 °C, wind at or below 3 mph ≈ 1.34 m/s) or with an input missing. The formula
 * expects the wind at the standard 10 m anemometer height. Computed in °F and mph because the NWS
 * chart is: the km/h form's rounded coefficients differ from it by up to 0.1 °F.
 */
export function windChill(temperatureC: number, windSpeedMs: number): number | null {
  if (!Number.isFinite(temperatureC) || !Number.isFinite(windSpeedMs)) return null;
  if (temperatureC > WIND_CHILL_MAX_C || !(windSpeedMs > WIND_CHILL_MIN_MS)) return null;
  const t = cToF(temperatureC);
  const v16 = (windSpeedMs / MPH_IN_MS) ** 0.16;
  return fToC(35.74 + 0.6215 * t - 35.75 * v16 + 0.4275 * t * v16);
}

/**
 * Heat index in °C by the NWS algorithm as the Weather Prediction Center publishes it
 * (https://www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml): Steadman's simple formula
 * first; where its mean with the air temperature reaches 80 °F, Rothfusz's regression with the
 * low-humidity and high-humidity adjustments. Null below 80 °F (26.7 °C), where the apparent
 * temperature is taken to be the air temperature (`feelsLike` returns that), for humidity
 * outside 0–100 %, or with an input missing.
 */
export function heatIndex(temperatureC: number, humidityPct: number): number | null {
  if (!Number.isFinite(temperatureC) || !Number.isFinite(humidityPct)) return null;
  if (temperatureC < HEAT_INDEX_MIN_C || humidityPct < 0 || humidityPct > 100) return null;
  const t = cToF(temperatureC);
  const rh = humidityPct;
  const simple = 0.5 * (t + 61.0 + (t - 68.0) * 1.2 + rh * 0.094);
  if ((simple + t) / 2 < 80) return fToC(simple);
  let hi =
    -42.379 +
    2.04901523 * t +
    10.14333127 * rh -
    0.22475541 * t * rh -
    0.00683783 * t * t -
    0.05481717 * rh * rh +
    0.00122874 * t * t * rh +
    0.00085282 * t * rh * rh -
    0.00000199 * t * t * rh * rh;
  // Both adjustments start at 80 °F, already ensured above, and vanish at their upper bound
  // (112 °F, 87 °F), so the index stays continuous there.
  if (rh < 13 && t <= 112) {
    hi -= ((13 - rh) / 4) * Math.sqrt((17 - Math.abs(t - 95)) / 17);
  } else if (rh > 85 && t <= 87) {
    hi += ((rh - 85) / 10) * ((87 - t) / 5);
  }
  return fToC(hi);
}

/**
 * The feels-like temperature in °C: the wind chill where it is defined, else the heat index
 * where it is defined (it needs the humidity), else the air temperature. The two ranges do not
 * overlap (at most 10 °C against at least 26.7 °C), so the order decides nothing.
 */
export function feelsLike(
  temperatureC: number,
  humidityPct: number | null,
  windSpeedMs: number | null,
): number {
  const chill = windSpeedMs === null ? null : windChill(temperatureC, windSpeedMs);
  if (chill !== null) return chill;
  const heat = humidityPct === null ? null : heatIndex(temperatureC, humidityPct);
  return heat ?? temperatureC;
}
