ALTER TABLE "weather_readings" ADD COLUMN "doubtful" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Readings stored before QC with a doubt (values dropped as out of range) are marked.
UPDATE "weather_readings" SET "doubtful" = true
WHERE "qc" IS NOT NULL AND EXISTS (
  SELECT 1 FROM jsonb_each("qc") e, jsonb_array_elements_text(e.value) code
  WHERE code IN ('range', 'spike', 'persistence', 'clock')
);
