import type { Reading } from '@weather/core/reading';
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../client';
import { weatherReadings } from '../schema';
import { isoUtc, textArray } from './fragments';

/**
 * The row's flags (`w.qc`) with `counter_reset` on precipitation added where the fall was not due
 * (`d.unexpected`) and removed where it no longer is: a stale flag goes, then an emptied list,
 * then an emptied object (qc is null when none). Other flags are left as they are.
 */
const counterResetQc = sql.raw(`case
      when d.unexpected and w.qc->'precipitation' @> '["counter_reset"]' then w.qc
      when d.unexpected then coalesce(w.qc, '{}'::jsonb) || jsonb_build_object(
        'precipitation', coalesce(w.qc->'precipitation', '[]'::jsonb) || '["counter_reset"]'::jsonb
      )
      when w.qc->'precipitation' @> '["counter_reset"]' is not true then w.qc
      when (w.qc->'precipitation') - 'counter_reset' = '[]'::jsonb
        then nullif(w.qc - 'precipitation', '{}'::jsonb)
      else jsonb_set(w.qc, '{precipitation}', (w.qc->'precipitation') - 'counter_reset')
    end`);

/**
 * Precipitation from cumulative rain counters (SPEC §13), derived in the database after the
 * batch is inserted, in the same transaction: a reading's rain depends on the station's previous
 * stored counter reading, which only the database knows once duplicates, shuffled and late
 * deliveries have landed, so the rows are recomputed rather than the batch trusted. One UPDATE
 * per batch takes, per station, the stored counter readings from the one just before the batch's
 * earliest counter reading (only the `lag()` source, never written) to the one just after its
 * latest (written, since a late reading changes its delta), and computes each row from its
 * predecessor: no predecessor or another counter kind gives NULL (a first counter says nothing
 * about rain before it), a rise gives the difference, a fall is a reset whose new value is the
 * rain since; a fall within one station-local period of the kind (local day, ISO week, month,
 * year; always for `total`) was not due and flags `counter_reset`. Since every row is a function
 * of itself and its predecessor only, recomputing is idempotent and any delivery order converges
 * on the same rows; only rows whose value or flag changes are written, and their timestamps are
 * returned so rollups over them can be refreshed. Known limit: two transactions writing the same
 * station concurrently each miss the other's uncommitted rows, which can leave one delta stale
 * until the station's next batch around it; partitioning the consumer by station confines that
 * to a rebalance.
 */
export async function derivePrecipitation(
  db: Database,
  readings: readonly Reading[],
): Promise<string[]> {
  const bounds = new Map<string, { first: string; last: string }>();
  for (const r of readings) {
    if (r.rain_counter == null) continue;
    const b = bounds.get(r.station_id);
    if (!b) bounds.set(r.station_id, { first: r.timestamp, last: r.timestamp });
    // ISO strings in UTC sort by time.
    else if (r.timestamp < b.first) b.first = r.timestamp;
    else if (r.timestamp > b.last) b.last = r.timestamp;
  }
  if (bounds.size === 0) return [];
  const text = (values: string[]) => sql.param(textArray(values));
  const result = await db.execute(sql`
    with batch as (
      select * from unnest(
        ${text([...bounds.keys()])}::text[],
        ${text([...bounds.values()].map((b) => b.first))}::timestamptz[],
        ${text([...bounds.values()].map((b) => b.last))}::timestamptz[]
      ) as b(station_id, first_ts, last_ts)
    ),
    span as (
      select b.station_id, b.first_ts, coalesce(s.timezone, 'UTC') as tz,
        coalesce((
          select w.ts from ${weatherReadings} w
          where w.station_id = b.station_id and w.ts < b.first_ts and w.rain_counter is not null
          order by w.ts desc limit 1
        ), b.first_ts) as lo,
        coalesce((
          select w.ts from ${weatherReadings} w
          where w.station_id = b.station_id and w.ts > b.last_ts and w.rain_counter is not null
          order by w.ts limit 1
        ), b.last_ts) as hi
      from batch b left join stations s on s.id = b.station_id
    ),
    series as (
      select w.station_id, w.ts, w.precipitation, p.first_ts,
        w.rain_counter as counter,
        -- A counter sent without its kind is a total (the reading schema's default).
        coalesce(w.rain_counter_kind, 'total') as kind,
        w.ts at time zone p.tz as local,
        lag(w.rain_counter) over station as prev_counter,
        lag(coalesce(w.rain_counter_kind, 'total')) over station as prev_kind,
        lag(w.ts at time zone p.tz) over station as prev_local
      from span p
      join ${weatherReadings} w on w.station_id = p.station_id and w.ts between p.lo and p.hi
      where w.rain_counter is not null
      window station as (partition by w.station_id order by w.ts)
    ),
    steps as (
      select station_id, ts,
        case
          when prev_kind is distinct from kind then null
          when counter >= prev_counter then counter - prev_counter
          else counter
        end as rain,
        prev_kind is not distinct from kind and counter < prev_counter and not case kind
          when 'daily' then date_trunc('day', local) <> date_trunc('day', prev_local)
          when 'weekly' then date_trunc('week', local) <> date_trunc('week', prev_local)
          when 'monthly' then date_trunc('month', local) <> date_trunc('month', prev_local)
          when 'yearly' then date_trunc('year', local) <> date_trunc('year', prev_local)
          else false
        end as unexpected
      from series
      where ts >= first_ts
    ),
    derived as (
      select station_id, ts, rain, unexpected from steps
    )
    -- The flags are computed from the row as it is when updated (w.qc), not from the snapshot
    -- read above, so a flag the QC worker committed in between is kept.
    update ${weatherReadings} w set precipitation = d.rain, qc = ${counterResetQc}
    from derived d
    where w.station_id = d.station_id and w.ts = d.ts
      and (w.precipitation is distinct from d.rain or w.qc is distinct from ${counterResetQc})
    returning ${isoUtc(sql`w.ts`)} as ts
  `);
  return rowsOf<{ ts: string }>(result).map((row) => row.ts);
}
