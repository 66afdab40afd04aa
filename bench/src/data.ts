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
  const phase = (i * 7919) % 1000;
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

/** The request bodies of a workload, serialised up front so the driver only sends bytes. */
export function requestBodies(w: Workload): Buffer[] {
  const bodies: Buffer[] = [];
  for (let first = 0; first < w.readings; first += w.batchSize) {
    const last = Math.min(w.readings, first + w.batchSize);
    const records = [];
    for (let i = first; i < last; i++) records.push(readingAt(w, i));
    bodies.push(Buffer.from(JSON.stringify(w.batchSize === 1 ? records[0] : { records })));
  }
  return bodies;
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
