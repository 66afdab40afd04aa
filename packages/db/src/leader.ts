import type pg from 'pg';

/**
 * Leadership among processes sharing a database, by a session-level PostgreSQL advisory lock:
 * `lead()` takes it (or says the process holds it) on a connection kept for as long as it leads.
 * When the leader dies, even by SIGKILL, its session and the lock end with it, and another
 * process's next `lead()` takes over.
 */
export function leaderLock(pool: pg.Pool, key: number, onError: (err: unknown) => void) {
  let leader: pg.PoolClient | null = null;
  return {
    /** Takes (or keeps) the lead; false while another process has it. */
    async lead(): Promise<boolean> {
      if (leader) return true;
      const client = await pool.connect();
      try {
        const { rows } = await client.query('select pg_try_advisory_lock($1) as ok', [key]);
        if (rows[0]?.ok === true) {
          // The lock lives as long as this session: losing the connection gives it up.
          client.on('error', (err) => {
            // Released with the error, so the pool drops the dead connection and its slot.
            if (leader === client) leader = null;
            client.release(err);
          });
          leader = client;
          return true;
        }
      } catch (err) {
        onError(err);
      }
      client.release();
      return false;
    },
    get leading() {
      return leader !== null;
    },
    /** Gives the lead up (on shutdown). */
    async release() {
      if (!leader) return;
      await leader.query('select pg_advisory_unlock($1)', [key]).catch(() => {});
      leader.release();
      leader = null;
    },
  };
}
