/**
 * The (station_id, timestamp) keys the collector acknowledged, to tell a first acceptance (a
 * row the database will hold) from a repeat (a duplicate the consumer drops). Keys that can no
 * longer be sent again are forgotten, so memory follows what is still in play, not run length.
 */
export class KeyLedger {
  private readonly stations = new Map<string, Set<number>>();

  /** Records an acknowledged key; true when it was not acknowledged before. */
  accept(stationId: string, timestampMs: number): boolean {
    let keys = this.stations.get(stationId);
    if (!keys) {
      keys = new Set();
      this.stations.set(stationId, keys);
    }
    if (keys.has(timestampMs)) return false;
    keys.add(timestampMs);
    return true;
  }

  /** Forgets a station's keys older than `timestampMs`: the caller will never send them again. */
  forgetBefore(stationId: string, timestampMs: number) {
    const keys = this.stations.get(stationId);
    if (!keys) return;
    for (const key of keys) if (key < timestampMs) keys.delete(key);
  }

  forgetStation(stationId: string) {
    this.stations.delete(stationId);
  }

  get size() {
    let total = 0;
    for (const keys of this.stations.values()) total += keys.size;
    return total;
  }
}
