import { randomBytes } from 'node:crypto';
import { infrastructure } from '@weather/core/services';
import { insertReadings, registerStation } from '@weather/db';
import { createTestDatabase } from '@weather/db/testing';
import { storedReading } from '@weather/test-kit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiContext, createCaller, QueryCache } from '../src';
import { restGet } from './rest';

// weather.lastUpload over a real PostgreSQL database, as tRPC and as REST: an Ecowitt station's
// newest upload field by field, a JSON-only station (no upload), and the station errors.
const baseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
const redisUrl = process.env.REDIS_URL ?? infrastructure.REDIS_URL;
const suffix = randomBytes(3).toString('hex').toUpperCase();
const ids = { ecowitt: `ECO-${suffix}`, json: `JSON-${suffix}`, silent: `NEW-${suffix}` };
const at = (minute: number) => new Date(Date.UTC(2026, 0, 10, 12, minute));

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: Redis;
let context: () => ApiContext;
let caller: ReturnType<typeof createCaller>;

/** An Ecowitt upload of `tempf` at `minute`, stored as the consumer stores it. */
function upload(minute: number, tempf: number) {
  return {
    ...storedReading(ids.ecowitt, at(minute), {
      temperature: ((tempf - 32) * 5) / 9,
      humidity: 50,
      uv_index: 3,
    }),
    qc: { wind_gust: ['range' as const] },
    raw: {
      protocol: 'ecowitt' as const,
      fields: {
        tempf: String(tempf),
        humidity: '50',
        uv: '3',
        windgustmph: '400',
        pm25_ch1: '8',
        model: 'GW1100A',
      },
      dropped: {
        windgustmph: 'out of range: 178.8 m/s (accepted 0 … 150 m/s)',
        pm25_ch1: 'no measurement for this key (kept raw)',
      },
    },
  };
}

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'last_upload');
  redis = new Redis(redisUrl);
  const cache = new QueryCache(redis, { namespace: database.name });
  context = () => ({ db: database.db, cache });
  caller = createCaller(context());
  await insertReadings(database.db, [upload(0, 41), upload(10, 50)]);
  await insertReadings(database.db, [storedReading(ids.json, at(0), { temperature: 4 })]);
  await registerStation(database.db, ids.silent, { name: 'Not yet reporting' });
});

afterAll(async () => {
  await database?.drop();
  redis?.disconnect();
});

const rest = (path: string) => restGet(path, context);

describe('weather.lastUpload', () => {
  it('answers the newest upload field by field, with the stored values and QC flags', async () => {
    const answer = await caller.weather.lastUpload({ station_id: ids.ecowitt });
    expect(answer).toEqual({
      station_id: ids.ecowitt,
      upload: {
        protocol: 'ecowitt',
        timestamp: at(10).toISOString(),
        received_at: at(10).toISOString(),
        fields: [
          {
            field: 'tempf',
            sent: '50',
            stored: { measurement: 'temperature', value: 10, unit: '°C' },
            note: 'from °F',
          },
          {
            field: 'humidity',
            sent: '50',
            stored: { measurement: 'humidity', value: 50, unit: '%' },
            note: null,
          },
          {
            field: 'windgustmph',
            sent: '400',
            stored: { measurement: 'wind_gust', value: null, unit: 'm/s' },
            note: 'out of range: 178.8 m/s (accepted 0 … 150 m/s)',
          },
          {
            field: 'uv',
            sent: '3',
            stored: { measurement: 'uv_index', value: 3, unit: '' },
            note: null,
          },
          { field: 'model', sent: 'GW1100A', stored: null, note: 'about the upload (kept raw)' },
          {
            field: 'pm25_ch1',
            sent: '8',
            stored: null,
            note: 'no measurement for this key (kept raw)',
          },
        ],
        qc: { wind_gust: ['range'] },
      },
    });
  });

  it('answers upload null for stations that never uploaded over a station protocol', async () => {
    for (const id of [ids.json, ids.silent]) {
      expect(await caller.weather.lastUpload({ station_id: id })).toEqual({
        station_id: id,
        upload: null,
      });
    }
  });

  it('answers NOT_FOUND for an unknown station and BAD_REQUEST for a malformed id', async () => {
    await expect(caller.weather.lastUpload({ station_id: `NOPE-${suffix}` })).rejects.toMatchObject(
      { code: 'NOT_FOUND', message: `Unknown station "NOPE-${suffix}"` },
    );
    for (const input of [{ station_id: 'no spaces' }, { station_id: '' }, {}]) {
      await expect(
        caller.weather.lastUpload(input as { station_id: string }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('is served over REST at /weather/last-upload/{station_id} with the API error contract', async () => {
    const ok = await rest(`/weather/last-upload/${ids.ecowitt}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      station_id: ids.ecowitt,
      upload: { protocol: 'ecowitt', timestamp: at(10).toISOString() },
    });
    expect(await rest(`/weather/last-upload/${ids.json}`)).toEqual({
      status: 200,
      body: { station_id: ids.json, upload: null },
    });
    expect(await rest(`/weather/last-upload/NOPE-${suffix}`)).toEqual({
      status: 404,
      body: { error: 'not_found', message: `Unknown station "NOPE-${suffix}"` },
    });
    const bad = await rest('/weather/last-upload/bad;id');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'validation_failed' });
  });
});
