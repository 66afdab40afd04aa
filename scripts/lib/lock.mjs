// @ts-check
// A pid lock file: one process at a time does a job (start a broker on a data folder); a lock
// left by a dead process is taken over.
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';

/**
 * Creates `lockFile` holding our pid. Returns null when we own it, else the pid of the live
 * process that does. A lock left by a dead process is taken over.
 * @param {string} lockFile
 * @returns {Promise<number | null>}
 */
export async function tryLock(lockFile) {
  // link() publishes the lock file with its content atomically, so a racing reader never sees
  // an empty (pid-less) lock and mistakes it for stale.
  const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, String(process.pid));
  try {
    for (;;) {
      try {
        await link(tmp, lockFile);
        return null;
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      }
      const owner = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      // Our own pid means a concurrent ensureKafka() in this process holds it.
      if (owner && isAlive(owner)) return owner;
      await rm(lockFile, { force: true });
    }
  } finally {
    await rm(tmp, { force: true });
  }
}

/** @param {number} pid */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}
