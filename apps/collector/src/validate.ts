import type { RecordFailure } from '@weather/contracts/collector';
import { describeIssues, type Reading, readingParser } from '@weather/core/reading';
import { nextTurn, ValidationFailure } from '@weather/server';

/** Records validated per event-loop turn (about a millisecond's work). */
export const VALIDATION_SLICE = 200;

/**
 * The collector's one validation of readings, for `POST /weather-data` and for every record of a
 * batch alike: the fast path for well-formed readings, the schema for the rest (it words the
 * errors), and the one place rejections are counted.
 */
export function readingValidation(rejected: { inc(): void }) {
  const parse = readingParser();

  const validate = (input: unknown) => {
    const result = parse(input);
    if (!result.success) rejected.inc();
    return result;
  };

  return {
    validate,

    /**
     * A Fastify validator compiler for a route whose body is one reading: the route keeps its
     * schema for the OpenAPI document, and a failure is answered as any schema's would be.
     */
    bodyValidator:
      () =>
      (data: unknown): { value: Reading } | { error: ValidationFailure } => {
        const result = validate(data);
        return result.success
          ? { value: result.data }
          : { error: new ValidationFailure(result.error) };
      },

    /**
     * The records of a batch, each validated on its own: a large batch a slice per event-loop
     * turn (its parse had a turn of its own), a small one, the common case, in one go.
     */
    async batch(records: readonly unknown[]) {
      const valid: Reading[] = [];
      /** The index in `records` of each of `valid`. */
      const validIndexes: number[] = [];
      const failures: RecordFailure[] = [];
      for (let start = 0; start < records.length; start += VALIDATION_SLICE) {
        if (start > 0) await nextTurn();
        const end = Math.min(records.length, start + VALIDATION_SLICE);
        for (let index = start; index < end; index++) {
          const record = records[index];
          const result = validate(record);
          if (result.success) {
            valid.push(result.data);
            validIndexes.push(index);
          } else {
            const stationId = (record as { station_id?: unknown } | null)?.station_id;
            failures.push({
              index,
              reason: 'invalid',
              ...(typeof stationId === 'string' ? { station_id: stationId } : {}),
              errors: describeIssues(result.error),
            });
          }
        }
      }
      return { valid, validIndexes, failures };
    },
  };
}
