import type { RunStatus } from '@weather/contracts/generator';
import { PROTOCOL_FIELDS, UNITS } from '@weather/contracts/station-protocols';
import { rowsOf } from '@weather/db';
import { createPipeline, type Pipeline, stats, until } from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { FIRMWARE_DECIMALS } from '../src/firmware';
import { createStations } from '../src/model/stations';
import { StationWeather } from '../src/model/weather';

// The generator's firmware modes as a real process, through the real collector's WU, Ecowitt
// and Ambient endpoints, Kafka and the consumer: what it got acknowledged is what is stored, and
// the stored SI values are what it simulated, within the rounding of the US units it printed.
let pipeline: Pipeline | undefined;
afterAll(async () => {
  await pipeline?.close();
});

const PROTOCOLS = ['wunderground', 'ecowitt', 'ambient', 'json'] as const;
const SEED = 23;

/** Half a printed step of each measurement's firmware unit, in SI: the most rounding can move it. */
function tolerances(protocol: (typeof PROTOCOLS)[number]) {
  const out: Record<string, number> = {};
  if (protocol === 'json') return out;
  for (const mapping of Object.values(PROTOCOL_FIELDS[protocol])) {
    if (!('measurement' in mapping)) continue;
    const step = 10 ** -FIRMWARE_DECIMALS[mapping.unit];
    // The conversions are linear: a step of `step` in the firmware unit is this many SI units.
    out[mapping.measurement] =
      Math.abs(UNITS[mapping.unit].toSi(step) - UNITS[mapping.unit].toSi(0)) / 2 + 1e-9;
  }
  return out;
}

describe('generator firmware modes → collector → Kafka → consumer → database', () => {
  it('stores every unique accepted reading once, with the simulated values, from a mixed fleet', async () => {
    pipeline = await createPipeline('gen-firmware');
    const collector = await pipeline.collector();
    const consumer = await pipeline.consumer();
    const generator = await pipeline.service('generator', {
      COLLECTOR_URL: collector.url,
      GENERATOR_INGEST_TOKEN: pipeline.ingestToken,
    });
    const options = {
      stations: 8,
      interval: 1,
      protocols: [...PROTOCOLS],
      firmware_quirks_percent: 40,
      duplicate_percent: 10,
      seed: SEED,
    };
    const started = await fetch(`${generator.url}/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options),
    });
    expect(started.status).toBe(202);
    const status = async () =>
      ((await (await fetch(`${generator.url}/status`)).json()) as { run: RunStatus }).run;
    await until('120 readings acknowledged', async () => (await status()).unique_accepted >= 120);
    const run = (
      (await (await fetch(`${generator.url}/stop`, { method: 'POST' })).json()) as {
        run: RunStatus;
      }
    ).run;
    const rows = await pipeline.waitForRows(run.unique_accepted);
    await until('the consumer to catch up', async () => {
      const s = await stats(consumer.url);
      return s.received >= run.accepted && s.lag.total === 0;
    });

    expect(rows).toBe(run.unique_accepted);
    expect(run.rejected).toBe(0);
    expect(run.unknown_outcome).toBe(0);
    expect(run.duplicates_sent).toBeGreaterThan(0);

    const stored = rowsOf<Record<string, unknown> & { station_id: string; ts: string }>(
      await pipeline.database.db.execute(sql`
        select r.*, u.protocol from weather_readings r
        left join raw_uploads u using (station_id, ts)
        order by r.station_id, r.ts`),
    );
    const stations = createStations(options.stations, SEED);
    let compared = 0;
    for (const [index, profile] of stations.entries()) {
      const protocol = PROTOCOLS[index % PROTOCOLS.length] as (typeof PROTOCOLS)[number];
      const mine = stored.filter((row) => row.station_id === profile.id);
      expect(mine.length, profile.id).toBeGreaterThan(3);
      // Every firmware reading has its raw upload; a JSON one none.
      for (const row of mine) {
        expect(row.protocol ?? 'json').toBe(protocol === 'json' ? 'json' : protocol);
      }
      if (protocol === 'json') continue;
      // The weather model is a sequence: replayed over the same timestamps (no reading was
      // lost: no faults drop any), it gives what the station measured.
      const weather = new StationWeather(profile, SEED);
      const tolerance = tolerances(protocol);
      for (const [i, row] of mine.entries()) {
        const simulated = weather.next(new Date(row.ts).getTime());
        for (const [name, within] of Object.entries(tolerance)) {
          const value = row[name] as number | null;
          const expected = simulated[name as keyof typeof simulated];
          if (expected === undefined) continue;
          expect([profile.id, name, value]).toEqual([
            profile.id,
            name,
            expect.closeTo(expected, -Math.log10(2 * within)),
          ]);
          compared++;
        }
        // Rain: the first reading has none; later ones the rain since the previous reading,
        // from the daily counter (printed to 0.001 in, so within 0.0254 mm).
        if (i === 0) expect(row.precipitation).toBeNull();
        else if (
          new Date(row.ts).getUTCDate() === new Date(mine[i - 1]?.ts as string).getUTCDate()
        ) {
          expect(Math.abs((row.precipitation as number) - simulated.precipitation)).toBeLessThan(
            0.0254 + 1e-9,
          );
        }
        expect(row.rain_counter_kind).toBe('daily');
        // Each firmware's battery field, in its own polarity, says the battery is good.
        expect(row.battery_low).toBe(false);
      }
    }
    expect(compared).toBeGreaterThan(100);
  });
});
