import { DERIVED_FROM } from '@weather/core/derived';
import { MEASUREMENT_NAMES } from '@weather/core/measurements';
import { isSuspect, mergeQc, type QcRow, qcFlags, qcRulesOf } from '@weather/core/qc';
import { QC_TIMESTAMP, type QcCode, type QcFlags, SUSPECT_CODES } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { weatherReadings } from '../schema';
import { isoUtc, textArray } from './fragments';

/** The measurements with QC rules, and how far a spike check looks to each side. */
const RULES = qcRulesOf();
const CHECKED = RULES.map(([name]) => name);
const PERSISTENT = RULES.filter(([, rules]) => rules.persistenceH !== undefined).map(([n]) => n);
const PERSISTENCE_H = Object.fromEntries(RULES.map(([n, rules]) => [n, rules.persistenceH]));
const MARGIN_MS = Math.max(...RULES.map(([, rules]) => (rules.spike?.withinS ?? 0) * 1000));

interface PendingDay {
  station_id: string;
  day: string;
  readings: number;
  qc_checked: number;
  qc_through: string | null;
  day_start: string;
  day_end: string;
}

export interface QcPass {
  /** Station-days checked. */
  days: number;
  /** Readings that gained a flag. */
  flagged: number;
  /** The stations whose readings gained flags (their cached answers are stale). */
  stations: string[];
  /**
   * The earliest and latest timestamps (ISO) of the readings that gained flags: the rollups over
   * them are stale. The caller refreshes what the rollups' own policies will not reach.
   */
  span: string[];
  /** Days whose check failed: marked checked anyway, so one bad day cannot stall the rest. */
  failed: { station_id: string; day: string; error: unknown }[];
}

/**
 * One pass of the QC worker (SPEC §14): checks up to `limit` station-days with readings it has
 * not checked (`station_days.readings` past `qc_checked`), oldest day first, and adds the flags
 * of `@weather/core/qc` to the stored readings. A day is checked from where the last check
 * ended (`qc_through`, less the spike window, so the newest reading then gets its next
 * neighbour now), or whole when readings arrived earlier in the day than that. Flags are only
 * added; values never change. The newest days go first, so live data is not kept waiting
 * behind history (after an upgrade every stored day is unchecked).
 */
export async function runQcPass(db: Database, options: { limit?: number } = {}): Promise<QcPass> {
  const pending = rowsOf<PendingDay>(
    await db.execute(sql`
      select d.station_id, d.day::text as day, d.readings, d.qc_checked,
        ${isoUtc(sql`d.qc_through`)} as qc_through,
        ${isoUtc(sql`(d.day::timestamp at time zone coalesce(s.timezone, 'UTC'))`)} as day_start,
        ${isoUtc(sql`((d.day + 1)::timestamp at time zone coalesce(s.timezone, 'UTC'))`)} as day_end
      from station_days d left join stations s on s.id = d.station_id
      where d.readings <> d.qc_checked
      order by d.day desc, d.station_id
      limit ${options.limit ?? 200}`),
  );
  const pass: QcPass = { days: 0, flagged: 0, stations: [], span: [], failed: [] };
  const stations = new Set<string>();
  let span: { start: number; end: number } | null = null;
  for (const day of pending) {
    pass.days += 1;
    let checked: Awaited<ReturnType<typeof checkDay>>;
    try {
      checked = await checkDay(db, day);
    } catch (error) {
      pass.failed.push({ station_id: day.station_id, day: day.day, error });
      await markChecked(db, day, null);
      continue;
    }
    if (checked.flagged > 0 && checked.span) {
      pass.flagged += checked.flagged;
      stations.add(day.station_id);
      span = span
        ? {
            start: Math.min(span.start, checked.span.start),
            end: Math.max(span.end, checked.span.end),
          }
        : checked.span;
    }
  }
  pass.stations = [...stations];
  if (span) pass.span = [new Date(span.start).toISOString(), new Date(span.end).toISOString()];
  return pass;
}

async function checkDay(
  db: Database,
  day: PendingDay,
): Promise<{ flagged: number; span: { start: number; end: number } | null }> {
  const dayStart = Date.parse(day.day_start);
  const dayEnd = Date.parse(day.day_end);
  const through = day.qc_through === null ? null : Date.parse(day.qc_through);
  // Two windows back: the first reading checked needs its previous neighbour, a window before.
  let rows = await loadRows(
    db,
    day.station_id,
    (through ?? dayStart) - 2 * MARGIN_MS,
    dayEnd + MARGIN_MS,
  );
  if (through !== null) {
    const fresh = rows.filter((r) => r.ts > through && r.ts < dayEnd).length;
    // More readings than arrived after the last check: some are earlier in the day.
    if (day.readings - day.qc_checked > fresh) {
      rows = await loadRows(db, day.station_id, dayStart - 2 * MARGIN_MS, dayEnd + MARGIN_MS);
    }
  }
  const runSince: Record<string, number> = {};
  const firsts: Record<string, { ts: string; value: number }> = {};
  for (const name of PERSISTENT) {
    // The run's first reading here, flagged stuck or not (a run goes on across passes).
    const first = rows.find(
      (r) =>
        typeof r.values[name] === 'number' &&
        !isSuspect(
          r.qc && { ...r.qc, [name]: r.qc[name]?.filter((code) => code !== 'persistence') },
          name,
        ),
    );
    if (!first) continue;
    const value = first.values[name] as number;
    const since = await runStart(
      db,
      day.station_id,
      name,
      first.iso,
      value,
      PERSISTENCE_H[name] ?? 0,
    );
    if (since !== null) {
      runSince[name] = Date.parse(since);
      firsts[name] = { ts: first.iso, value };
    }
  }
  const added = qcFlags(rows, { runSince });
  let flagged = 0;
  let span: { start: number; end: number } | null = null;
  if (added.size > 0) {
    const patched = [...added].map(([at, flags]) => {
      const row = rows[at] as LoadedRow;
      return { ts: row.iso, patch: patchOf(row.qc, flags) };
    });
    await db.execute(sql`
      -- Every code the worker adds is a doubt.
      update ${weatherReadings} w set qc = coalesce(w.qc, '{}'::jsonb) || u.patch, doubtful = true
      from unnest(
        ${sql.param(textArray(patched.map((p) => p.ts)))}::timestamptz[],
        ${sql.param(textArray(patched.map((p) => JSON.stringify(p.patch))))}::jsonb[]
      ) as u(ts, patch)
      where w.station_id = ${day.station_id} and w.ts = u.ts`);
    flagged += patched.length;
    const times = patched.map((p) => Date.parse(p.ts));
    // A run found stuck now began before these rows: flag its earlier readings too.
    for (const [name, first] of Object.entries(firsts)) {
      const at = rows.findIndex((r) => r.iso === first.ts);
      if (added.get(at)?.[name]?.includes('persistence')) {
        const since = runSince[name] as number;
        flagged += await flagRunBefore(db, day.station_id, name, since, first);
        times.push(since);
      }
    }
    span = { start: Math.min(...times), end: Math.max(...times) };
  }
  const newest = rows.filter((r) => r.ts >= dayStart && r.ts < dayEnd).at(-1);
  await markChecked(db, day, newest?.iso ?? null);
  return { flagged, span };
}

/** Records how far a day is checked: its count then, and its newest reading seen. */
async function markChecked(db: Database, day: PendingDay, newest: string | null) {
  await db.execute(sql`
    update station_days set qc_checked = ${day.readings},
      qc_through = coalesce(${newest}::timestamptz, qc_through)
    where station_id = ${day.station_id} and day = ${day.day}::date`);
}

/** The flags to write for a row: for each key it gains, the union with what it has. */
function patchOf(qc: QcFlags | null, flags: QcFlags): QcFlags {
  const merged = mergeQc(qc, flags);
  return Object.fromEntries(Object.keys(flags).map((key) => [key, merged[key]]));
}

type LoadedRow = QcRow & { iso: string };

async function loadRows(db: Database, stationId: string, from: number, to: number) {
  const { ts, receivedAt } = weatherReadings;
  const rows = rowsOf<
    { iso: string; received: string; qc: QcFlags | null } & Record<string, number | null>
  >(
    await db.execute(sql`
      select ${isoUtc(sql`${ts}`)} as iso, ${isoUtc(sql`${receivedAt}`)} as received, qc,
        ${sql.raw(CHECKED.join(', '))}
      from ${weatherReadings}
      where station_id = ${stationId}
        and ts >= ${new Date(from).toISOString()}::timestamptz
        and ts < ${new Date(to).toISOString()}::timestamptz
      order by ts`),
  );
  return rows.map(
    (row): LoadedRow => ({
      iso: row.iso,
      ts: Date.parse(row.iso),
      received: Date.parse(row.received),
      qc: row.qc,
      values: Object.fromEntries(CHECKED.map((name) => [name, row[name] ?? null])),
    }),
  );
}

/**
 * Where the run of `value` that reaches the reading at `before` began: the first reading after
 * the newest one with another value, looking back at most `hours` (enough to decide; a longer
 * run's earlier readings are flagged when their own day is checked). Null when the reading
 * before it has another value (no run from before). A backward index scan that stops at the
 * first other value.
 */
async function runStart(
  db: Database,
  stationId: string,
  name: string,
  before: string,
  value: number,
  hours: number,
): Promise<string | null> {
  const column = sql.raw(name);
  const floor = new Date(Date.parse(before) - hours * 3_600_000).toISOString();
  const rows = rowsOf<{ since: string | null }>(
    await db.execute(sql`
      select ${isoUtc(sql`min(ts)`)} as since from ${weatherReadings}
      where station_id = ${stationId} and ts < ${before}::timestamptz and ${column} = ${value}
        and ts >= ${floor}::timestamptz
        and ts > coalesce((
          select ts from ${weatherReadings}
          where station_id = ${stationId} and ts < ${before}::timestamptz and ${column} <> ${value}
            and ts >= ${floor}::timestamptz
          order by ts desc limit 1
        ), '-infinity')`),
  );
  return rows[0]?.since ?? null;
}

/** Flags `persistence` on the readings of a stuck run before the rows checked now. */
async function flagRunBefore(
  db: Database,
  stationId: string,
  name: string,
  since: number,
  first: { ts: string; value: number },
): Promise<number> {
  // Values derived from it at ingest share its doubt (as `qcFlags` gives them in the window).
  const derived = Object.entries(DERIVED_FROM)
    .filter(([, inputs]) => (inputs as readonly string[]).includes(name))
    .map(
      ([d]) =>
        ` || case when qc->'${d}' ? 'derived' then jsonb_build_object('${d}', ((qc->'${d}') - 'persistence') || '["persistence"]'::jsonb) else '{}'::jsonb end`,
    )
    .join('');
  const result = await db.execute(sql`
    update ${weatherReadings}
    set qc = coalesce(qc, '{}'::jsonb)
      || jsonb_build_object(${name}::text, coalesce(qc->${name}::text, '[]'::jsonb) || '["persistence"]'::jsonb)
      ${sql.raw(derived)},
      doubtful = true
    where station_id = ${stationId}
      and ts >= ${new Date(since).toISOString()}::timestamptz and ts < ${first.ts}::timestamptz
      and ${sql.raw(name)} = ${first.value}
      and not coalesce(qc->${name}::text ? 'persistence', false)`);
  return (result as { rowCount?: number | null }).rowCount ?? 0;
}

/** One flag of a stored reading: on a measurement (with its value), or on its time. */
export interface QcFlagRow {
  timestamp: string;
  /** The measurement flagged, or `timestamp` for the reading's time. */
  measurement: string;
  codes: QcCode[];
  /** The stored value (null when it was dropped as out of range, and for `timestamp`). */
  value: number | boolean | null;
}

/**
 * The doubts (SPEC §14) of one station's readings in [start, end), oldest first, one row per
 * doubtful measurement; notes (`derived`, `counter_reset`) are not listed. At most `limit` rows of
 * readings are read; `total` counts every flagged reading of the range.
 */
export async function listQcFlags(
  db: Database,
  p: { stationId: string; start: Date; end: Date; limit: number },
): Promise<{ total: number; flags: QcFlagRow[] }> {
  const rows = rowsOf<{ ts: string; qc: QcFlags; total: number } & Record<string, unknown>>(
    await db.execute(sql`
      select ${isoUtc(sql`ts`)} as ts, qc, count(*) over () as total, ${sql.raw(MEASUREMENT_NAMES.join(', '))}
      from ${weatherReadings}
      where station_id = ${p.stationId}
        and ts >= ${p.start.toISOString()}::timestamptz and ts < ${p.end.toISOString()}::timestamptz
        and qc is not null
        and doubtful
      order by ts
      limit ${p.limit}`),
  );
  // The reading's time first, then its measurements in catalogue order (jsonb sorts its keys
  // by length).
  const order = [QC_TIMESTAMP, ...MEASUREMENT_NAMES];
  const flags = rows.flatMap((row) =>
    order.flatMap((measurement) => {
      const codes = row.qc[measurement];
      const doubts = (codes ?? []).filter((code) =>
        (SUSPECT_CODES as readonly string[]).includes(code),
      );
      if (doubts.length === 0) return [];
      const value = measurement === QC_TIMESTAMP ? null : (row[measurement] as QcFlagRow['value']);
      return [{ timestamp: row.ts, measurement, codes: doubts, value: value ?? null }];
    }),
  );
  return { total: Number(rows[0]?.total ?? 0), flags };
}
