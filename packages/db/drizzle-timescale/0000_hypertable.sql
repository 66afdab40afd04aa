-- TimescaleDB only: applied after the core migrations, and only where the extension exists.
-- Chunk interval, compression age and retention are settings applied after migrations
-- (see src/timescale.ts), so they can change without a new migration.
SELECT create_hypertable(
  'weather_readings',
  by_range('ts', INTERVAL '1 day'),
  migrate_data => true,
  create_default_indexes => false
);
--> statement-breakpoint
ALTER TABLE weather_readings SET (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'station_id',
  timescaledb.compress_orderby = 'ts DESC'
);
--> statement-breakpoint
-- Rollups keep count and sum per measurement (not avg) so that coarser buckets and ranges
-- combine them exactly: avg = sum(sum) / sum(count). `materialized_only = false` is explicit:
-- real-time aggregation adds rows newer than the last refresh.
-- Wind direction is circular, so its mean comes from summed unit vectors (sin/cos sums).
CREATE MATERIALIZED VIEW weather_readings_hourly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
  station_id,
  time_bucket(INTERVAL '1 hour', ts) AS bucket,
  count(*) AS readings,
  count(temperature) AS temperature_count, sum(temperature) AS temperature_sum, min(temperature) AS temperature_min, max(temperature) AS temperature_max,
  count(humidity) AS humidity_count, sum(humidity) AS humidity_sum, min(humidity) AS humidity_min, max(humidity) AS humidity_max,
  count(wind_speed) AS wind_speed_count, sum(wind_speed) AS wind_speed_sum, min(wind_speed) AS wind_speed_min, max(wind_speed) AS wind_speed_max,
  count(wind_direction) AS wind_direction_count, sum(wind_direction) AS wind_direction_sum, min(wind_direction) AS wind_direction_min, max(wind_direction) AS wind_direction_max,
  count(wind_gust) AS wind_gust_count, sum(wind_gust) AS wind_gust_sum, min(wind_gust) AS wind_gust_min, max(wind_gust) AS wind_gust_max,
  count(pressure) AS pressure_count, sum(pressure) AS pressure_sum, min(pressure) AS pressure_min, max(pressure) AS pressure_max,
  count(precipitation) AS precipitation_count, sum(precipitation) AS precipitation_sum, min(precipitation) AS precipitation_min, max(precipitation) AS precipitation_max,
  sum(sin(radians(wind_direction))) AS wind_direction_sin_sum,
  sum(cos(radians(wind_direction))) AS wind_direction_cos_sum
FROM weather_readings
GROUP BY station_id, bucket
WITH NO DATA;
--> statement-breakpoint
CREATE MATERIALIZED VIEW weather_readings_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT
  station_id,
  time_bucket(INTERVAL '1 day', ts) AS bucket,
  count(*) AS readings,
  count(temperature) AS temperature_count, sum(temperature) AS temperature_sum, min(temperature) AS temperature_min, max(temperature) AS temperature_max,
  count(humidity) AS humidity_count, sum(humidity) AS humidity_sum, min(humidity) AS humidity_min, max(humidity) AS humidity_max,
  count(wind_speed) AS wind_speed_count, sum(wind_speed) AS wind_speed_sum, min(wind_speed) AS wind_speed_min, max(wind_speed) AS wind_speed_max,
  count(wind_direction) AS wind_direction_count, sum(wind_direction) AS wind_direction_sum, min(wind_direction) AS wind_direction_min, max(wind_direction) AS wind_direction_max,
  count(wind_gust) AS wind_gust_count, sum(wind_gust) AS wind_gust_sum, min(wind_gust) AS wind_gust_min, max(wind_gust) AS wind_gust_max,
  count(pressure) AS pressure_count, sum(pressure) AS pressure_sum, min(pressure) AS pressure_min, max(pressure) AS pressure_max,
  count(precipitation) AS precipitation_count, sum(precipitation) AS precipitation_sum, min(precipitation) AS precipitation_min, max(precipitation) AS precipitation_max,
  sum(sin(radians(wind_direction))) AS wind_direction_sin_sum,
  sum(cos(radians(wind_direction))) AS wind_direction_cos_sum
FROM weather_readings
GROUP BY station_id, bucket
WITH NO DATA;
--> statement-breakpoint
SELECT add_continuous_aggregate_policy('weather_readings_hourly',
  start_offset => INTERVAL '3 days',
  end_offset => INTERVAL '1 hour',
  schedule_interval => INTERVAL '15 minutes');
--> statement-breakpoint
SELECT add_continuous_aggregate_policy('weather_readings_daily',
  start_offset => INTERVAL '32 days',
  end_offset => INTERVAL '1 day',
  schedule_interval => INTERVAL '1 hour');
