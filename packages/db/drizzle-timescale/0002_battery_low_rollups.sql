-- SPEC §14: the rollup views gain battery_low, as the share of readings with a low battery
-- (partial sums over battery_low::int); rebuilt from raw rows.
DROP MATERIALIZED VIEW IF EXISTS weather_readings_hourly, weather_readings_daily;
--> statement-breakpoint
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
  count(dew_point) AS dew_point_count, sum(dew_point) AS dew_point_sum, min(dew_point) AS dew_point_min, max(dew_point) AS dew_point_max,
  count(station_pressure) AS station_pressure_count, sum(station_pressure) AS station_pressure_sum, min(station_pressure) AS station_pressure_min, max(station_pressure) AS station_pressure_max,
  count(solar_radiation) AS solar_radiation_count, sum(solar_radiation) AS solar_radiation_sum, min(solar_radiation) AS solar_radiation_min, max(solar_radiation) AS solar_radiation_max,
  count(uv_index) AS uv_index_count, sum(uv_index) AS uv_index_sum, min(uv_index) AS uv_index_min, max(uv_index) AS uv_index_max,
  count(rain_rate) AS rain_rate_count, sum(rain_rate) AS rain_rate_sum, min(rain_rate) AS rain_rate_min, max(rain_rate) AS rain_rate_max,
  count(rain_counter) AS rain_counter_count, sum(rain_counter) AS rain_counter_sum, min(rain_counter) AS rain_counter_min, max(rain_counter) AS rain_counter_max,
  count(battery_low::int) AS battery_low_count, sum(battery_low::int) AS battery_low_sum, min(battery_low::int) AS battery_low_min, max(battery_low::int) AS battery_low_max,
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
  count(dew_point) AS dew_point_count, sum(dew_point) AS dew_point_sum, min(dew_point) AS dew_point_min, max(dew_point) AS dew_point_max,
  count(station_pressure) AS station_pressure_count, sum(station_pressure) AS station_pressure_sum, min(station_pressure) AS station_pressure_min, max(station_pressure) AS station_pressure_max,
  count(solar_radiation) AS solar_radiation_count, sum(solar_radiation) AS solar_radiation_sum, min(solar_radiation) AS solar_radiation_min, max(solar_radiation) AS solar_radiation_max,
  count(uv_index) AS uv_index_count, sum(uv_index) AS uv_index_sum, min(uv_index) AS uv_index_min, max(uv_index) AS uv_index_max,
  count(rain_rate) AS rain_rate_count, sum(rain_rate) AS rain_rate_sum, min(rain_rate) AS rain_rate_min, max(rain_rate) AS rain_rate_max,
  count(rain_counter) AS rain_counter_count, sum(rain_counter) AS rain_counter_sum, min(rain_counter) AS rain_counter_min, max(rain_counter) AS rain_counter_max,
  count(battery_low::int) AS battery_low_count, sum(battery_low::int) AS battery_low_sum, min(battery_low::int) AS battery_low_min, max(battery_low::int) AS battery_low_max,
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
