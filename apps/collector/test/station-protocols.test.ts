/**
 * Station firmware uploads (SPEC §13) through the whole pipeline: request lines in the shapes
 * Weather Underground, Ecowitt and Ambient Weather firmware send, quirks included, into a real
 * collector, Kafka and consumer, each checked in the database as stored SI values, QC flags and
 * raw fields. Facts: shared/reference/station-protocols.md.
 */
import { MEASUREMENT_NAMES } from '@weather/core/measurements';
import { issueToken } from '@weather/core/tokens';
import { addCredential, registerStation, rowsOf } from '@weather/db';
import { publishRegistryChange } from '@weather/registry';
import { createPipeline, type Pipeline, redisUrl, type ServiceProcess } from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let pipeline: Pipeline;
let collector: ServiceProcess;
const tokens: Record<string, string> = {};
const PASSKEY = '0123456789ABCDEF0123456789ABCDEF';
const MAC = 'AA:BB:CC:DD:EE:FF';

const F = (f: number) => ((f - 32) * 5) / 9;
const MPH = (v: number) => v * 0.44704;
const INHG = (v: number) => v * 33.8639;
const IN = (v: number) => v * 25.4;

beforeAll(async () => {
  pipeline = await createPipeline('protocols', { partitions: 2 });
  collector = await pipeline.collector();
  await pipeline.consumer();
  const redis = new Redis(redisUrl);
  for (const id of ['WU-1', 'EW-1', 'AMB-1']) {
    await registerStation(pipeline.database.db, id, { timezone: 'Europe/Berlin' });
    const issued = issueToken('station');
    await addCredential(pipeline.database.db, { kind: 'station', ownerId: id, ...issued });
    tokens[id] = issued.token;
  }
  await publishRegistryChange(redis);
  redis.disconnect();
  // Every collector reloads its view within 5 s.
  await new Promise((resolve) => setTimeout(resolve, 1500));
}, 120_000);

afterAll(async () => {
  await pipeline?.close();
});

interface Stored {
  station_id: string;
  ts: string;
  values: Record<string, number | boolean | null>;
  qc: Record<string, string[]> | null;
  rain_counter_kind: string | null;
  raw: { protocol: string; fields: Record<string, string>; dropped: Record<string, string> | null };
}

async function storedAt(station: string, ts: string): Promise<Stored | undefined> {
  const rows = rowsOf<Record<string, unknown>>(
    await pipeline.database.db.execute(sql`
      select r.*, u.protocol, u.fields, u.dropped
      from weather_readings r left join raw_uploads u using (station_id, ts)
      where r.station_id = ${station} and r.ts = ${ts}::timestamptz`),
  );
  const row = rows[0];
  if (!row) return undefined;
  // Every measurement but precipitation, which the consumer derives from the counter.
  const names = MEASUREMENT_NAMES.filter((name) => name !== 'precipitation');
  return {
    station_id: row.station_id as string,
    ts: new Date(row.ts as string).toISOString(),
    values: Object.fromEntries(names.map((n) => [n, row[n] as number | boolean | null])),
    qc: row.qc as Stored['qc'],
    rain_counter_kind: row.rain_counter_kind as string | null,
    raw: {
      protocol: row.protocol as string,
      fields: row.fields as Record<string, string>,
      dropped: row.dropped as Record<string, string> | null,
    },
  };
}

async function waitForRow(station: string, ts: string) {
  for (let i = 0; i < 200; i++) {
    const row = await storedAt(station, ts);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no row for ${station} at ${ts}`);
}

type Send = (token: string) => { path: string; body?: string };

interface Case {
  name: string;
  station: 'WU-1' | 'EW-1' | 'AMB-1';
  send: Send;
  ts: string;
  values: Record<string, number | boolean | null>;
  qc?: Record<string, string[]>;
  kind?: string | null;
  /** Raw fields that must be there (secrets are checked for every case). */
  raw?: Record<string, string>;
  dropped?: Record<string, RegExp>;
}

const wu =
  (query: string): Send =>
  (token) => ({
    path: `/weatherstation/updateweatherstation.php?ID=WU-1&PASSWORD=${token}&action=updateraw&${query}`,
  });
const ecowitt =
  (body: string, slash = '/'): Send =>
  (token) => ({ path: `/data/report/${token}${slash}`, body: `PASSKEY=${PASSKEY}&${body}` });
const ambient =
  (glue: string, pairs: string): Send =>
  (token) => ({
    path: `/ambient/${token}${glue}PASSKEY=${encodeURIComponent(MAC)}&stationtype=AMBWeatherV4.3.4&${pairs}`,
  });

const cases: Case[] = [
  {
    name: 'WU: the protocol document’s example, + for the space, %3A for colons',
    station: 'WU-1',
    send: wu(
      'dateutc=2026-06-01+10%3A32%3A35&tempf=70.5&humidity=90&windspeedmph=3.2&winddir=225&baromin=30.01&dailyrainin=0.54&rainin=0&softwaretype=EasyWeatherV1.6.6',
    ),
    ts: '2026-06-01T10:32:35.000Z',
    values: {
      temperature: F(70.5),
      humidity: 90,
      wind_speed: MPH(3.2),
      wind_direction: 225,
      pressure: INHG(30.01),
      rain_counter: IN(0.54),
    },
    qc: { dew_point: ['derived'] },
    kind: 'daily',
    raw: { rainin: '0', softwaretype: 'EasyWeatherV1.6.6', dateutc: '2026-06-01 10:32:35' },
    dropped: { rainin: /no measurement/ },
  },
  {
    name: 'WU: %20 for the space, an unpadded dateutc, 32 °F',
    station: 'WU-1',
    send: wu('dateutc=2026-6-1%2010:33:5&tempf=32'),
    ts: '2026-06-01T10:33:05.000Z',
    values: { temperature: 0, humidity: null },
  },
  {
    name: 'WU: spaces after the colons (GW2000A V3.1.0)',
    station: 'WU-1',
    send: wu('dateutc=2026-06-01+10:+34:+00&humidity=55'),
    ts: '2026-06-01T10:34:00.000Z',
    values: { humidity: 55, temperature: null },
  },
  {
    name: 'WU: mixed case and repeated keys (the last wins), UV in capitals',
    station: 'WU-1',
    send: wu('dateutc=2026-06-01+10:35:00&Tempf=50&tempf=59&UV=3&SolarRadiation=512.3'),
    ts: '2026-06-01T10:35:00.000Z',
    values: { temperature: F(59), uv_index: 3, solar_radiation: 512.3 },
  },
  {
    name: 'WU: -9999 is missing; a dew point sent is not derived; absolute pressure',
    station: 'WU-1',
    send: wu(
      'dateutc=2026-06-01+10:36:00&tempf=68&humidity=-9999&dewptf=48.2&absbaromin=29.1&windgustmph=12',
    ),
    ts: '2026-06-01T10:36:00.000Z',
    values: {
      temperature: F(68),
      humidity: null,
      dew_point: F(48.2),
      station_pressure: INHG(29.1),
      wind_gust: MPH(12),
    },
    dropped: { humidity: /-9999/ },
  },
  {
    name: 'WU: an out-of-range field is stored as missing with its flag, the rest stored',
    station: 'WU-1',
    send: wu('dateutc=2026-06-01+10:37:00&tempf=300&humidity=40&soiltempf=60&AqPM2.5=12'),
    ts: '2026-06-01T10:37:00.000Z',
    values: { temperature: null, humidity: 40 },
    qc: { temperature: ['range'] },
    raw: { tempf: '300', soiltempf: '60', 'AqPM2.5': '12' },
    dropped: { tempf: /out of range/, soiltempf: /kept raw/ },
  },
  {
    name: 'WU: the longest counter wins (weekly over daily)',
    station: 'WU-1',
    send: wu('dateutc=2026-06-01+10:38:00&dailyrainin=0.10&weeklyrainin=1.25&tempf=60'),
    ts: '2026-06-01T10:38:00.000Z',
    values: { rain_counter: IN(1.25), temperature: F(60) },
    kind: 'weekly',
  },
  {
    name: 'Ecowitt: the reference upload, trailing slash',
    station: 'EW-1',
    send: ecowitt(
      'stationtype=GW2000A_V3.1.0&dateutc=2026-06-01+12:00:00&tempf=64.8&humidity=48&baromrelin=29.92&baromabsin=29.10&windspeedmph=3.1&winddir=290&rainratein=0.000&dailyrainin=0.012&totalrainin=4.945&wh65batt=0&freq=868M&model=GW2000A&interval=60',
    ),
    ts: '2026-06-01T12:00:00.000Z',
    values: {
      temperature: F(64.8),
      humidity: 48,
      pressure: INHG(29.92),
      station_pressure: INHG(29.1),
      wind_speed: MPH(3.1),
      wind_direction: 290,
      rain_rate: 0,
      rain_counter: IN(4.945),
      battery_low: false,
    },
    kind: 'total',
    raw: { wh65batt: '0', model: 'GW2000A', stationtype: 'GW2000A_V3.1.0' },
  },
  {
    name: 'Ecowitt: no trailing slash, solar and UV, a yearly counter when there is no total',
    station: 'EW-1',
    send: ecowitt(
      'dateutc=2026-06-01+12:01:00&tempf=70&solarradiation=612.4&uv=6&rainratein=0.12&dailyrainin=0.2&yearlyrainin=10.5',
      '',
    ),
    ts: '2026-06-01T12:01:00.000Z',
    values: {
      temperature: F(70),
      solar_radiation: 612.4,
      uv_index: 6,
      rain_rate: IN(0.12),
      rain_counter: IN(10.5),
    },
    kind: 'yearly',
  },
  {
    name: 'Ecowitt: spaced time, -9999 and an unknown sensor',
    station: 'EW-1',
    send: ecowitt('dateutc=2026-06-01+12:+02:+00&tempf=-9999&humidity=70&pm25_ch1=8.0'),
    ts: '2026-06-01T12:02:00.000Z',
    values: { temperature: null, humidity: 70 },
    raw: { pm25_ch1: '8.0' },
    dropped: { tempf: /-9999/, pm25_ch1: /kept raw/ },
  },
  {
    name: 'Ambient: pairs after ?&',
    station: 'AMB-1',
    send: ambient(
      '?&',
      'dateutc=2026-06-01+12:00:00&tempf=81.7&humidity=54&battout=1&hourlyrainin=0.1',
    ),
    ts: '2026-06-01T12:00:00.000Z',
    values: { temperature: F(81.7), humidity: 54, rain_rate: IN(0.1), battery_low: false },
    raw: { battout: '1', stationtype: 'AMBWeatherV4.3.4' },
  },
  {
    name: 'Ambient: pairs after & (no ?, WS-1965)',
    station: 'AMB-1',
    send: ambient('&', 'dateutc=2026-06-01+12:01:00&tempf=80'),
    ts: '2026-06-01T12:01:00.000Z',
    values: { temperature: F(80) },
  },
  {
    name: 'Ambient: pairs after /',
    station: 'AMB-1',
    send: ambient('/', 'dateutc=2026-06-01%2012:02:00&baromrelin=30.1&totalrainin=12.3'),
    ts: '2026-06-01T12:02:00.000Z',
    values: { pressure: INHG(30.1), rain_counter: IN(12.3) },
    kind: 'total',
  },
  {
    name: 'Ambient: pairs after /?',
    station: 'AMB-1',
    send: ambient('/?', 'dateutc=2026-06-01+12:03:00&windspeedmph=10&windgustmph=15'),
    ts: '2026-06-01T12:03:00.000Z',
    values: { wind_speed: MPH(10), wind_gust: MPH(15) },
  },
  {
    name: 'Ambient: pairs after ?, unpadded time',
    station: 'AMB-1',
    send: ambient('?', 'dateutc=2026-6-1+12:4:0&uv=2'),
    ts: '2026-06-01T12:04:00.000Z',
    values: { uv_index: 2 },
  },
  {
    name: 'WU: lowbatt=1 is a low battery',
    station: 'WU-1',
    send: wu('dateutc=2026-06-01+10:39:00&tempf=61&lowbatt=1'),
    ts: '2026-06-01T10:39:00.000Z',
    values: { temperature: F(61), battery_low: true },
  },
  {
    name: 'Ecowitt: one low sensor of several (a WH57 at level 1), a voltage kept raw',
    station: 'EW-1',
    send: ecowitt(
      'dateutc=2026-06-01+12:03:00&tempf=66&wh65batt=0&batt1=0&wh57batt=1&wh80batt=2.62',
    ),
    ts: '2026-06-01T12:03:00.000Z',
    values: { temperature: F(66), battery_low: true },
    raw: { wh57batt: '1', wh80batt: '2.62' },
    dropped: { wh80batt: /battery voltage, kept raw/ },
  },
  {
    name: 'Ambient: battout=0 is a low battery (1 = OK, the opposite of Ecowitt)',
    station: 'AMB-1',
    send: ambient('?&', 'dateutc=2026-06-01+12:05:00&tempf=79&battout=0&batt1=1'),
    ts: '2026-06-01T12:05:00.000Z',
    values: { temperature: F(79), battery_low: true },
  },
];

async function send(c: Case, token = tokens[c.station] as string) {
  const { path, body } = c.send(token);
  const res = await fetch(`${collector.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
  });
  return { status: res.status, text: await res.text() };
}

describe('firmware uploads through the pipeline', () => {
  it.each(cases)('$name', async (c) => {
    const reply = await send(c);
    expect(reply.status).toBe(200);
    if (c.station === 'WU-1') expect(reply.text.trim()).toBe('success');
    const row = await waitForRow(c.station, c.ts);
    for (const [name, value] of Object.entries(c.values)) {
      if (value === null || typeof value === 'boolean') {
        expect([name, row.values[name]]).toEqual([name, value]);
      } else expect([name, row.values[name]]).toEqual([name, expect.closeTo(value, 9)]);
    }
    // What ingest derives (SPEC §14) is marked whenever it is stored but was not sent.
    const derived = ['dew_point', 'wind_chill', 'heat_index', 'feels_like'].filter(
      (name) => c.values[name] === undefined && row.values[name] !== null,
    );
    expect(row.qc ?? {}).toEqual({
      ...Object.fromEntries(derived.map((name) => [name, ['derived']])),
      ...c.qc,
    });
    // Feels-like is derived from every reading with a temperature.
    if (row.values.temperature !== null) expect(row.values.feels_like).not.toBeNull();
    expect(row.rain_counter_kind).toBe(c.kind ?? null);
    expect(row.raw.protocol).toBe(
      { 'WU-1': 'wunderground', 'EW-1': 'ecowitt', 'AMB-1': 'ambient' }[c.station],
    );
    expect(row.raw.fields).toMatchObject(c.raw ?? {});
    for (const [key, reason] of Object.entries(c.dropped ?? {})) {
      expect([key, row.raw.dropped?.[key]]).toEqual([key, expect.stringMatching(reason)]);
    }
    // Secrets never stored.
    const raw = JSON.stringify(row.raw);
    expect(raw).not.toContain(tokens[c.station]);
    expect(raw).not.toMatch(/PASSWORD|PASSKEY/i);
    expect(raw).not.toContain(PASSKEY);
  });

  it('counts out-of-range fields and uploads in /metrics', async () => {
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    expect(metrics).toMatch(
      /collector_protocol_fields_out_of_range_total\{protocol="wunderground",measurement="temperature"\} 1\b/,
    );
    const ecowittCases = cases.filter((c) => c.station === 'EW-1').length;
    expect(metrics).toMatch(
      new RegExp(`collector_protocol_uploads_total\\{protocol="ecowitt"\\} ${ecowittCases}\\b`),
    );
  });

  it('stores `now` as the time received', async () => {
    const before = Date.now();
    const reply = await send({
      ...(cases[0] as Case),
      send: wu('dateutc=now&tempf=41'),
    });
    expect(reply.status).toBe(200);
    let rows: { ts: string }[] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      rows = rowsOf<{ ts: string }>(
        await pipeline.database.db.execute(
          sql`select ts from weather_readings where station_id = 'WU-1' and ts >= ${new Date(before - 1000).toISOString()}::timestamptz`,
        ),
      );
      if (rows.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(rows).toHaveLength(1);
    expect(Math.abs(new Date(rows[0]?.ts as string).getTime() - before)).toBeLessThan(5000);
  });

  it('never logs or publishes a secret', async () => {
    const text = JSON.stringify(collector.lines);
    for (const token of Object.values(tokens)) expect(text).not.toContain(token);
    expect(text).toContain('[redacted]');
    const consumer = pipeline.kafka.consumer({ groupId: `secrets-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: pipeline.topic, fromBeginning: true });
    const values: string[] = [];
    const offsets = await pipeline.admin.fetchTopicOffsets(pipeline.topic);
    const total = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
      },
    });
    for (let i = 0; i < 300 && values.length < total; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await consumer.disconnect();
    expect(values.length).toBe(total);
    const all = values.join('\n');
    for (const token of Object.values(tokens)) expect(all).not.toContain(token);
    expect(all).not.toContain(PASSKEY);
    expect(all).not.toMatch(/"PASSWORD"|"PASSKEY"/i);
  });
});

describe('gateway tokens on the path protocols', () => {
  it('write the station named by ID (registered on first use by an auto-registering gateway)', async () => {
    const res = await fetch(`${collector.url}/data/report/${pipeline.ingestToken}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ID=EW-GW-7&dateutc=2026-06-01+13:00:00&tempf=50&PASSKEY=x',
    });
    expect(res.status).toBe(200);
    const row = await waitForRow('EW-GW-7', '2026-06-01T13:00:00.000Z');
    expect(row.values.temperature).toBeCloseTo(10, 9);
    expect(row.raw.fields).toMatchObject({ ID: 'EW-GW-7' });
  });

  it('are refused (403) without an ID: the path names no station', async () => {
    const res = await fetch(
      `${collector.url}/ambient/${pipeline.ingestToken}?&dateutc=2026-06-01+13:00:00&tempf=50`,
    );
    expect([res.status, await res.text()]).toEqual([403, expect.stringMatching(/ID field/)]);
  });
});

describe('refused uploads', () => {
  const published = async () =>
    (await pipeline.admin.fetchTopicOffsets(pipeline.topic)).reduce(
      (sum, p) => sum + Number(p.high),
      0,
    );
  const wrong = issueToken('station').token;

  it.each([
    ['WU', cases[0] as Case, /^INVALIDPASSWORDID/],
    ['Ecowitt', cases[7] as Case, /invalid|revoked|unknown/i],
    ['Ambient', cases[10] as Case, /unknown|revoked/i],
  ])('%s with a bad token: 401, nothing published', async (_, c, body) => {
    const before = await published();
    const reply = await send(c, wrong);
    expect(reply.status).toBe(401);
    expect(reply.text).toMatch(body);
    const malformed = await send(c, 'not-a-token');
    expect(malformed.status).toBe(401);
    expect(await published()).toBe(before);
  });

  it('WU: a token of another station is 403, and missing ID or PASSWORD 400', async () => {
    const before = await published();
    const other = await fetch(
      `${collector.url}/weatherstation/updateweatherstation.php?ID=EW-1&PASSWORD=${tokens['WU-1']}&tempf=50`,
    );
    expect(other.status).toBe(403);
    const noId = await fetch(
      `${collector.url}/weatherstation/updateweatherstation.php?PASSWORD=${tokens['WU-1']}&tempf=50`,
    );
    expect([noId.status, await noId.text()]).toEqual([400, expect.stringMatching(/ID/)]);
    const noPassword = await fetch(
      `${collector.url}/weatherstation/updateweatherstation.php?ID=WU-1&tempf=50`,
    );
    expect([noPassword.status, await noPassword.text()]).toEqual([
      400,
      expect.stringMatching(/PASSWORD/),
    ]);
    expect(await published()).toBe(before);
  });

  it.each([
    ['an unreadable time', 'dateutc=yesterday&tempf=50', /dateutc/],
    ['a time far in the future', 'dateutc=2099-01-01+00:00:00&tempf=50', /future/],
    ['no measurement at all', 'dateutc=2026-06-01+11:00:00&stationtype=x', /measurement/],
  ])('400 for %s, nothing published', async (_, query, message) => {
    const before = await published();
    const reply = await send({ ...(cases[0] as Case), send: wu(query) });
    expect([reply.status, reply.text]).toEqual([400, expect.stringMatching(message)]);
    expect(await published()).toBe(before);
  });
});
