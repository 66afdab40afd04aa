import type { Database } from '../client';
import { isHypertable } from '../timescale';

// Keyed by the db (or transaction) object: the answer cannot change during its lifetime, and a
// WeakMap lets it go with the object. The promise is cached so concurrent first calls share it.
const answers = new WeakMap<Database, Promise<boolean>>();

/** Whether `db` is TimescaleDB with `weather_readings` as a hypertable; asked once per db object. */
export function usesTimescale(db: Database): Promise<boolean> {
  let answer = answers.get(db);
  if (!answer) {
    answer = isHypertable(db);
    answers.set(db, answer);
    answer.catch(() => answers.delete(db)); // a failed probe (e.g. database down) is asked again
  }
  return answer;
}
