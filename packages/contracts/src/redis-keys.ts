/**
 * Redis names shared by the consumer (writer) and the query API (reader). The version keys make
 * cache invalidation O(1): cache keys embed the current version, so bumping it after new data is
 * committed makes every older entry unreachable at once.
 */
export const redisKeys = {
  /** Bumped after each commit that stored readings of the station. */
  stationVersion: (stationId: string) => `weather:v1:station:${stationId}:version`,
  /** Bumped after each commit that stored anything (the stations list changes). */
  stationsVersion: 'weather:v1:stations:version',
  /**
   * Part of every cache key. Bumped when the consumer reaches Redis again after failing to, since
   * versions it could not bump while Redis was unreachable may guard stale entries.
   */
  epoch: 'weather:v1:epoch',
  /** Pub/sub channel with each station's newest reading after a commit. */
  liveChannel: 'weather:v1:live',
  /**
   * Pub/sub channel told after every change to stations, gateways or credentials (payload
   * `RegistryChange`); collectors reload their view of credentials on it.
   */
  registryChannel: 'weather:v1:registry',
} as const;

/** Payload on `liveChannel`. */
export interface LiveUpdate {
  station_id: string;
  timestamp: string;
  received_at: string;
  readings: number;
}

/** Payload on `registryChannel`: what changed is read from the database, not from here. */
export interface RegistryChange {
  at: string;
}
