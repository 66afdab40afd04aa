CREATE TABLE "weather_readings" (
	"station_id" text NOT NULL,
	"ts" timestamp (3) with time zone NOT NULL,
	"temperature" double precision,
	"humidity" double precision,
	"wind_speed" double precision,
	"wind_direction" double precision,
	"wind_gust" double precision,
	"pressure" double precision,
	"precipitation" double precision,
	"received_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "weather_readings_station_id_ts_pk" PRIMARY KEY("station_id","ts")
);
--> statement-breakpoint
CREATE TABLE "stations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"latitude" double precision,
	"longitude" double precision,
	"elevation" double precision,
	"first_seen" timestamp (3) with time zone NOT NULL,
	"last_seen" timestamp (3) with time zone NOT NULL,
	"last_reading_at" timestamp (3) with time zone NOT NULL
);
