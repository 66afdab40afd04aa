CREATE TABLE "station_days" (
	"station_id" text NOT NULL,
	"day" date NOT NULL,
	"readings" integer NOT NULL,
	CONSTRAINT "station_days_station_id_day_pk" PRIMARY KEY("station_id","day")
);
--> statement-breakpoint
-- SPEC §17: readings per station-local day, from what is already stored; ingest keeps it from here on.
INSERT INTO "station_days" ("station_id", "day", "readings")
SELECT r.station_id, (r.ts AT TIME ZONE coalesce(s.timezone, 'UTC'))::date, count(*)
FROM "weather_readings" r LEFT JOIN "stations" s ON s.id = r.station_id
GROUP BY 1, 2;
