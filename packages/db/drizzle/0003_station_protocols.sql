CREATE TABLE "raw_uploads" (
	"station_id" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"protocol" text NOT NULL,
	"fields" jsonb NOT NULL,
	"dropped" jsonb,
	"received_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "raw_uploads_station_id_ts_pk" PRIMARY KEY("station_id","ts")
);
--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "dew_point" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "station_pressure" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "solar_radiation" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "uv_index" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "rain_rate" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "rain_counter" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "qc" jsonb;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "rain_counter_kind" text;