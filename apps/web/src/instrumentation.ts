/**
 * Runs once when the server starts: on a database without users, the first admin from
 * ADMIN_EMAIL / ADMIN_PASSWORD (SPEC §15). Its password is never logged.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { webEnv } = await import('./server/env');
  const env = webEnv();
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) return;
  const { ensureFirstAdmin } = await import('@weather/auth');
  const { services } = await import('./server/context');
  const { database, logger } = services();
  try {
    const admin = await ensureFirstAdmin(database.db, {
      email: env.ADMIN_EMAIL,
      password: env.ADMIN_PASSWORD,
    });
    if (admin) logger.info({ email: admin.email }, 'created the first admin from ADMIN_EMAIL');
  } catch (err) {
    const { loggableError } = await import('@weather/db');
    logger.error({ err: loggableError(err) }, 'could not create the first admin');
  }
}
