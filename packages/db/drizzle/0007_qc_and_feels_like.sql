ALTER TABLE "weather_readings" ADD COLUMN "wind_chill" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "heat_index" double precision;--> statement-breakpoint
ALTER TABLE "weather_readings" ADD COLUMN "feels_like" double precision;--> statement-breakpoint
ALTER TABLE "station_days" ADD COLUMN "qc_checked" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "station_days" ADD COLUMN "qc_through" timestamp with time zone;