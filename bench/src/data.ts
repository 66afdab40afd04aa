import { MEASUREMENT_NAMES, type Reading, withDerived } from '@weather/core/reading';

/** What a scenario sends: `readings` readings over `stations` stations, one per minute each. */
export interface Workload {
  readings: number;
  stations: number;
  /** Readings per request (1 = the single-reading endpoint). */
  batchSize: number;
  /** Station ids are `${prefix}-0000` …; keeps scenarios sharing a database apart. */
  prefix: string;
  /** Epoch ms of every station's first reading. */
  start: number;
  /**
   * How requests are framed: the JSON API (the default), or form posts as Ecowitt gateways send
   * them, one reading each, to `/data/report/<the station's token>`.
   */
  format?: 'json' | 'ecowitt';
}

export interface BenchReading {
  station_id: string;
  timestamp: string;
  temperature: number;
  humidity: number;
  wind_speed: number;
  wind_direction: number;
  wind_gust: number;
  pressure: number;
  precipitation: number;
}

export const stationId = (prefix: string, n: number) => `${prefix}-${String(n).padStart(4, '0')}`;

/** A start early enough that every reading of the workload lies in the past. */
export function startFor(readings: number, stations: number, now = Date.now()) {
  const minutes = Math.ceil(readings / stations) + 10;
  return Math.floor(now / 60_000) * 60_000 - minutes * 60_000;
}

/**
 * Reading `i` of a workload: request after request, each station's next minute — so a batch of
 * 1,000 over 1,000 stations holds one reading of each (a gateway forwarding its stations'
 * latest readings), the hardest case for per-record costs. Every measurement is present.
 */
export function readingAt(w: Workload, i: number): BenchReading {
  const station = i % w.stations;
  const minute = Math.floor(i / w.stations);
  const phase = phaseOf(i);
  return {
    station_id: stationId(w.prefix, station),
    timestamp: new Date(w.start + minute * 60_000).toISOString(),
    temperature: Math.round((5 + (phase % 250) / 10) * 10) / 10,
    humidity: 30 + (phase % 70),
    wind_speed: (phase % 200) / 10,
    wind_direction: phase % 360,
    wind_gust: (phase % 300) / 10,
    pressure: 980 + (phase % 60),
    precipitation: (phase % 20) / 10,
  };
}

/** Spreads the measurements of consecutive readings over their ranges. */
const phaseOf = (i: number) => (i * 7919) % 1000;

export interface WorkloadRequest {
  path: string;
  body: Buffer;
}

/** What the driver sends: one content type, and each request's path and body. */
export interface WorkloadRequests {
  contentType: string;
  requests: WorkloadRequest[];
}

/**
 * The requests of a workload, serialised up front so the driver only sends bytes. Ecowitt needs
 * `stationTokens`: each station's token by station number, as its gateway has it in the path.
 */
export function workloadRequests(w: Workload, stationTokens: string[] = []): WorkloadRequests {
  const requests: WorkloadRequest[] = [];
  if (w.format === 'ecowitt') {
    if (w.batchSize !== 1) throw new Error('Ecowitt gateways post one reading per request');
    for (let i = 0; i < w.readings; i++) {
      const token = stationTokens[i % w.stations];
      if (!token) throw new Error(`no token for station ${stationId(w.prefix, i % w.stations)}`);
      requests.push({ path: `/data/report/${token}`, body: Buffer.from(ecowittForm(w, i)) });
    }
    return { contentType: 'application/x-www-form-urlencoded', requests };
  }
  const path = w.batchSize === 1 ? '/weather-data' : '/weather-data/batch';
  for (let first = 0; first < w.readings; first += w.batchSize) {
    const last = Math.min(w.readings, first + w.batchSize);
    const records = [];
    for (let i = first; i < last; i++) records.push(readingAt(w, i));
    const body = Buffer.from(JSON.stringify(w.batchSize === 1 ? records[0] : { records }));
    requests.push({ path, body });
  }
  return { contentType: 'application/json', requests };
}

/**
 * Reading `i` as an Ecowitt gateway's "customized" upload: its firmware's keys, units and
 * precision, the metadata it sends, and a daily rain counter that rises through the workload.
 */
export function ecowittForm(w: Workload, i: number): string {
  const r = readingAt(w, i);
  const phase = phaseOf(i);
  const inHg = (hPa: number) => (hPa / 33.8639).toFixed(3);
  const mph = (metresPerSecond: number) => (metresPerSecond / 0.44704).toFixed(2);
  const solar = (phase % 800) + 0.3;
  const fields = {
    PASSKEY: '0123456789ABCDEF0123456789ABCDEF',
    stationtype: 'GW2000A_V3.1.0',
    dateutc: r.timestamp.slice(0, 19).replace('T', '+'),
    tempf: ((r.temperature * 9) / 5 + 32).toFixed(1),
    humidity: String(r.humidity),
    baromrelin: inHg(r.pressure),
    baromabsin: inHg(r.pressure - 12),
    winddir: String(r.wind_direction),
    windspeedmph: mph(r.wind_speed),
    windgustmph: mph(r.wind_gust),
    solarradiation: solar.toFixed(1),
    uv: String(Math.floor(solar / 100)),
    rainratein: (r.precipitation / 25.4).toFixed(3),
    dailyrainin: (Math.floor(i / w.stations) * 0.001).toFixed(3),
    model: 'GW2000A',
    freq: '868M',
    interval: '60',
  };
  // As the firmware writes it: `+` for the space, the time's colons unescaped.
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/**
 * The same rows as CSV in `weather_readings` column order, for the COPY reference: as the
 * pipeline stores them, with what ingest derives (the dew point and its flag).
 */
export function* csvLines(w: Workload, receivedAt: string): Generator<string> {
  const absent = Object.fromEntries(MEASUREMENT_NAMES.map((name) => [name, null]));
  for (let i = 0; i < w.readings; i++) {
    const r = withDerived({ ...absent, ...readingAt(w, i) } as Reading);
    const values = MEASUREMENT_NAMES.map((name) => r[name] ?? '');
    const qc = r.qc ? `"${JSON.stringify(r.qc).replaceAll('"', '""')}"` : '';
    yield `${r.station_id},${r.timestamp},${values.join(',')},${receivedAt},${qc}\n`;
  }
}

export const COPY_COLUMNS = ['station_id', 'ts', ...MEASUREMENT_NAMES, 'received_at', 'qc'];
