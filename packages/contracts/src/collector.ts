/**
 * The collector's ingest API (SPEC §4): what stations and the generator send, and what they get
 * back. The reading itself is the domain's (`@weather/core/reading`).
 */
import { z } from 'zod';

/** Readings one `POST /weather-data/batch` may carry. */
export const MAX_BATCH_RECORDS = 1000;

/** `POST /weather-data` 202: Kafka has the reading. */
export const acceptedBody = z.object({
  status: z.literal('accepted'),
  station_id: z.string(),
  timestamp: z.string(),
});

/** `POST /weather-data/batch` request body. */
export const batchBody = z.object({
  batch_id: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ description: 'Your id for the batch, echoed back' }),
  records: z
    .array(z.unknown())
    .min(1, 'must hold at least one reading')
    .max(MAX_BATCH_RECORDS, `must hold at most ${MAX_BATCH_RECORDS} readings`)
    .meta({
      description: `1–${MAX_BATCH_RECORDS} readings, each as in POST /weather-data; each is validated on its own`,
    }),
});

/** A batch record that was refused: invalid, or for a station its token may not write. */
export const recordFailure = z.object({
  index: z.number().int(),
  station_id: z.string().optional(),
  reason: z
    .enum(['invalid', 'forbidden_station', 'station_disabled'])
    .meta({ description: 'Why: failed validation, or a station the token may not write' }),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type RecordFailure = z.infer<typeof recordFailure>;

/** `POST /weather-data/batch` 202 (some or all stored) or 422 (none valid). */
export const batchResult = z.object({
  status: z.enum(['completed', 'partial', 'failed']),
  batch_id: z.string().nullable(),
  total: z.number().int(),
  successful: z.number().int(),
  failed: z.number().int(),
  failures: z.array(recordFailure),
});
export type BatchResult = z.infer<typeof batchResult>;
