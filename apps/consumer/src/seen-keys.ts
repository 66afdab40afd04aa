/**
 * Keys of readings known to be stored, bounded: the oldest are forgotten first. Forgetting is
 * safe (the database's primary key still drops the duplicate); remembering a key whose row was
 * not committed would lose a reading, so callers add keys only after the commit.
 */
export class SeenKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.keys.has(key);
  }

  addAll(keys: Iterable<string>) {
    for (const key of keys) {
      // Re-inserting moves a key to the young end, so recently seen keys are kept longest.
      this.keys.delete(key);
      this.keys.add(key);
    }
    let excess = this.keys.size - this.capacity;
    if (excess <= 0) return;
    for (const key of this.keys) {
      if (excess-- <= 0) break;
      this.keys.delete(key);
    }
  }

  get size() {
    return this.keys.size;
  }
}
