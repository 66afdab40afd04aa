CREATE TABLE "gateways" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"auto_register" boolean DEFAULT false NOT NULL,
	"requests_per_second" real,
	"readings_per_second" real,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_credentials" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"station_id" text,
	"gateway_id" text,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "ingest_credentials_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "ingest_credentials_hash_unique" UNIQUE("hash"),
	CONSTRAINT "ingest_credentials_owner" CHECK (("ingest_credentials"."kind" = 'station' and "ingest_credentials"."station_id" is not null and "ingest_credentials"."gateway_id" is null)
        or ("ingest_credentials"."kind" = 'gateway' and "ingest_credentials"."gateway_id" is not null and "ingest_credentials"."station_id" is null))
);
--> statement-breakpoint
ALTER TABLE "stations" ALTER COLUMN "first_seen" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ALTER COLUMN "last_seen" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ALTER COLUMN "last_reading_at" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "timezone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "expected_interval_s" integer;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "gateway_id" text;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "requests_per_second" real;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "readings_per_second" real;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "registered_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "ingest_credentials" ADD CONSTRAINT "ingest_credentials_station_id_stations_id_fk" FOREIGN KEY ("station_id") REFERENCES "public"."stations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ingest_credentials" ADD CONSTRAINT "ingest_credentials_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_gateway_id_gateways_id_fk" FOREIGN KEY ("gateway_id") REFERENCES "public"."gateways"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stations_gateway_id_idx" ON "stations" USING btree ("gateway_id");--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_latitude_range" CHECK ("stations"."latitude" between -90 and 90);--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_longitude_range" CHECK ("stations"."longitude" between -180 and 180);