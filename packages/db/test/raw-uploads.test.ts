import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, insertReadings, lastRawUpload, type StoredReading } from '../src';
import { backends, planOf, reading, recordingStatements } from './query-helpers';

const at = (minute: number) => new Date(Date.UTC(2026, 4, 1, 12, minute)).toISOString();
const receivedAt = (minute: number) => new Date(Date.UTC(2026, 4, 1, 12, minute, 3)).toISOString();

/** A reading that came over the Ecowitt protocol, as the consumer stores one. */
function ecowittReading(stationId: string, minute: number, tempf: string): StoredReading {
  return {
    ...reading(
      stationId,
      at(minute),
      { temperature: ((Number(tempf) - 32) * 5) / 9, humidity: 60, dew_point: 4.2 },
      receivedAt(minute),
    ),
    qc: { dew_point: ['derived'], solar_radiation: ['range'] },
    raw: {
      protocol: 'ecowitt',
      fields: { tempf, humidity: '60', solarradiation: '9000', pm25_ch1: '8', model: 'GW1100A' },
      dropped: {
        solarradiation: 'out of range: 9000 W/m² (accepted 0 … 2000 W/m²)',
        pm25_ch1: 'no measurement for this key (kept raw)',
      },
    },
  };
}

describe.each(backends)('last raw upload on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await backend.open('raw_uploads'));
  }, 60_000);
  afterAll(() => close());

  it('is null for a station that never uploaded over a station protocol', async () => {
    await insertReadings(db, [reading('JSON', at(0), { temperature: 5 })]);
    expect(await lastRawUpload(db, 'JSON')).toBeNull();
    expect(await lastRawUpload(db, 'nope')).toBeNull();
  });

  it('answers the newest upload by reading time with its stored reading and QC flags', async () => {
    // Delivered out of order: the newest reading arrives first.
    await insertReadings(db, [ecowittReading('ECO', 20, '50.0')]);
    await insertReadings(db, [ecowittReading('ECO', 10, '41.0')]);
    // A JSON reading of the same station, newer still: it has no raw upload.
    await insertReadings(db, [reading('ECO', at(30), { temperature: 12 }, receivedAt(30))]);

    expect(await lastRawUpload(db, 'ECO')).toEqual({
      station_id: 'ECO',
      protocol: 'ecowitt',
      timestamp: at(20),
      received_at: receivedAt(20),
      fields: {
        tempf: '50.0',
        humidity: '60',
        solarradiation: '9000',
        pm25_ch1: '8',
        model: 'GW1100A',
      },
      dropped: {
        solarradiation: 'out of range: 9000 W/m² (accepted 0 … 2000 W/m²)',
        pm25_ch1: 'no measurement for this key (kept raw)',
      },
      reading: expect.objectContaining({
        station_id: 'ECO',
        timestamp: at(20),
        temperature: 10,
        humidity: 60,
        dew_point: 4.2,
        solar_radiation: null,
        received_at: receivedAt(20),
        qc: { dew_point: ['derived'], solar_radiation: ['range'] },
        rain_counter_kind: null,
      }),
    });
  });

  it('answers an upload without dropped fields with dropped null', async () => {
    await insertReadings(db, [
      {
        ...reading('CLEAN', at(0), { temperature: 10 }),
        raw: { protocol: 'wunderground', fields: { ID: 'CLEAN', tempf: '50' } },
      },
    ]);
    expect(await lastRawUpload(db, 'CLEAN')).toMatchObject({
      protocol: 'wunderground',
      dropped: null,
      reading: { temperature: 10, qc: null },
    });
  });

  it('finds it by primary-key lookups, never by scanning either table', async () => {
    const recorder = recordingStatements(db);
    await lastRawUpload(recorder.db, 'ECO');
    expect(recorder.statements).toHaveLength(1);
    // The tables are tiny, where a scan is the cheapest plan; with scans priced out the plan
    // shows whether the index lookups exist at all.
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return planOf(tx, recorder.statements[0] as (typeof recorder.statements)[number]);
    });
    expect(plan).toMatch(/Index Scan Backward using raw_uploads_station_id_ts_pk/);
    expect(plan).toMatch(/Index Scan using \S*weather_readings_station_id_ts_pk/);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
