import { MEASUREMENT_NAMES } from '@weather/core/measurements';
import { isSuspect, mergeQc, type QcRow, qcFlags, qcRulesOf } from '@weather/core/qc';
import { QC_TIMESTAMP, type QcCode, type QcFlags } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { weatherReadings } from '../schema';
import { isoUtc, textArray } from './fragments';
import { refreshAggregates } from './refresh-aggregates';

/** The measurements with QC rules, and how far a spike check looks to each side. */
const RULES = qcRulesOf();
const CHECKED = RULES.map(([name]) => name);
const PERSISTENT = RULES.filter(([, rules]) => rules.persistenceH !== undefined).map(([n]) => n);
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
}

/**
 * One pass of the QC worker (SPEC §14): checks up to `limit` station-days with readings it has
 * not checked (`station_days.readings` past `qc_checked`), oldest day first, and adds the flags
 * of `@weather/core/qc` to the stored readings. A day is checked from where the last check
 * ended (`qc_through`, less the spike window, so the newest reading then gets its next
 * neighbour now), or whole when readings arrived earlier in the day than that. Flags are only
 * added; values never change. Rollups over flagged readings are refreshed.
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
      order by d.day, d.station_id
      limit ${options.limit ?? 200}`),
  );
  const pass: QcPass = { days: 0, flagged: 0, stations: [] };
  const stations = new Set<string>();
  for (const day of pending) {
    const flagged = await checkDay(db, day);
    pass.days += 1;
    if (flagged > 0) {
      pass.flagged += flagged;
      stations.add(day.station_id);
    }
  }
  pass.stations = [...stations];
  return pass;
}

async function checkDay(db: Database, day: PendingDay): Promise<number> {
  const dayStart = Date.parse(day.day_start);
  const dayEnd = Date.parse(day.day_end);
  const through = day.qc_through === null ? null : Date.parse(day.qc_through);
  let rows = await loadRows(
    db,
    day.station_id,
    (through ?? dayStart) - MARGIN_MS,
    dayEnd + MARGIN_MS,
  );
  if (through !== null) {
    const fresh = rows.filter((r) => r.ts > through && r.ts < dayEnd).length;
    // More readings than arrived after the last check: some are earlier in the day.
    if (day.readings - day.qc_checked > fresh) {
      rows = await loadRows(db, day.station_id, dayStart - MARGIN_MS, dayEnd + MARGIN_MS);
    }
  }
  const runSince: Record<string, number> = {};
  const firsts: Record<string, { ts: string; value: number }> = {};
  for (const name of PERSISTENT) {
    const first = rows.find((r) => typeof r.values[name] === 'number' && !isSuspect(r.qc, name));
    if (!first) continue;
    const value = first.values[name] as number;
    const since = await runStart(db, day.station_id, name, first.iso, value);
    if (since !== null) {
      runSince[name] = Date.parse(since);
      firsts[name] = { ts: first.iso, value };
    }
  }
  const added = qcFlags(rows, { runSince });
  let flagged = 0;
  if (added.size > 0) {
    const patched = [...added].map(([at, flags]) => {
      const row = rows[at] as LoadedRow;
      return { ts: row.iso, patch: patchOf(row.qc, flags) };
    });
    await db.execute(sql`
      update ${weatherReadings} w set qc = coalesce(w.qc, '{}'::jsonb) || u.patch
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
    const earliest = Math.min(...times);
    await refreshAggregates(db, {
      start: new Date(earliest),
      end: new Date(Math.max(...times) + 1),
    });
  }
  const newest = rows.filter((r) => r.ts >= dayStart && r.ts < dayEnd).at(-1);
  await db.execute(sql`
    update station_days set qc_checked = ${day.readings},
      qc_through = coalesce(${newest?.iso ?? null}::timestamptz, qc_through)
    where station_id = ${day.station_id} and day = ${day.day}::date`);
  return flagged;
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
 * the newest one with another value. Null when the reading before it has another value (no
 * run from before). A backward index scan that stops at the first other value.
 */
async function runStart(
  db: Database,
  stationId: string,
  name: string,
  before: string,
  value: number,
): Promise<string | null> {
  const column = sql.raw(name);
  const rows = rowsOf<{ since: string | null }>(
    await db.execute(sql`
      select ${isoUtc(sql`min(ts)`)} as since from ${weatherReadings}
      where station_id = ${stationId} and ts < ${before}::timestamptz and ${column} = ${value}
        and ts > coalesce((
          select ts from ${weatherReadings}
          where station_id = ${stationId} and ts < ${before}::timestamptz and ${column} <> ${value}
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
  const result = await db.execute(sql`
    update ${weatherReadings}
    set qc = coalesce(qc, '{}'::jsonb)
      || jsonb_build_object(${name}::text, coalesce(qc->${name}::text, '[]'::jsonb) || '["persistence"]'::jsonb)
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
 * The QC flags of one station's readings in [start, end), oldest first, one row per flagged
 * measurement; `derived` marks are not flags of doubt and are left out. At most `limit` rows of
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
        and exists (
          select 1 from jsonb_each(qc) e, jsonb_array_elements_text(e.value) code
          where code <> 'derived'
        )
      order by ts
      limit ${p.limit}`),
  );
  // The reading's time first, then its measurements in catalogue order (jsonb sorts its keys
  // by length).
  const order = [QC_TIMESTAMP, ...MEASUREMENT_NAMES];
  const flags = rows.flatMap((row) =>
    order.flatMap((measurement) => {
      const codes = row.qc[measurement];
      const doubts = (codes ?? []).filter((code) => code !== 'derived');
      if (doubts.length === 0) return [];
      const value = measurement === QC_TIMESTAMP ? null : (row[measurement] as QcFlagRow['value']);
      return [{ timestamp: row.ts, measurement, codes: doubts, value: value ?? null }];
    }),
  );
  return { total: Number(rows[0]?.total ?? 0), flags };
}
