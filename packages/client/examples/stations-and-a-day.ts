// The stations, and the last day of one station in 1-hour buckets:
//   WEATHER_URL=http://127.0.0.1:3000 [STATION_ID=ST-001] npx tsx examples/stations-and-a-day.ts
import { createWeatherClient, describeClientError, pageOf } from '@weather/client';

const url = process.env.WEATHER_URL ?? 'http://127.0.0.1:3000';
const print = (line: string) => process.stdout.write(`${line}\n`);
const cell = (value: number | null | undefined, digits = 1) =>
  (value == null ? '–' : value.toFixed(digits)).padStart(8);

try {
  // WEATHER_API_KEY: needed where the server runs with PUBLIC_READ=false.
  const api = createWeatherClient({ url, apiKey: process.env.WEATHER_API_KEY || undefined });
  // A page of up to 20 stations; without `limit` the answer is every station, as an array.
  const { stations, next_cursor } = pageOf(await api.stations.list.query({ limit: 20 }));
  print(`${stations.length} station(s): ${stations.map((s) => s.station_id).join(', ')}`);
  const stationId = process.env.STATION_ID ?? stations[0]?.station_id;
  if (next_cursor) print(`(more: pass cursor=${next_cursor} for the next page)`);
  if (!stationId) throw new Error(`no stations at ${url} yet`);

  const day = await api.weather.timeseries.query({
    station_id: stationId,
    start_time: new Date(Date.now() - 24 * 3600_000).toISOString(),
    interval: '1h',
  });
  print(`\n${day.station_id}, ${day.start} to ${day.end} (${day.source})`);
  print('hour (UTC)        readings  avg °C  min °C  max °C  hum. %');
  for (const { bucket, count, temperature: t, humidity } of day.buckets) {
    print(
      `${bucket.slice(0, 16)}  ${String(count).padStart(8)}${cell(t?.avg)}${cell(t?.min)}${cell(t?.max)}${cell(humidity?.avg, 0)}`,
    );
  }
} catch (error) {
  console.error(describeClientError(error));
  process.exit(1);
}
