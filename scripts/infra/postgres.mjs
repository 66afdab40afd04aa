// @ts-check
import { runCommand, runForeground } from '../lib/process.mjs';
import { isLocalHost, say, waitFor, which } from '../lib/util.mjs';

/**
 * Makes the PostgreSQL databases at `urls` usable: starts the local cluster when it is installed
 * but stopped, and creates missing roles and databases through an admin connection.
 * @param {{ urls: string[], adminUrl?: string, timeoutMs?: number }} opts
 * @returns {Promise<{ started: boolean, stop: () => Promise<void> }>}
 */
export async function ensurePostgres({ urls, adminUrl, timeoutMs = 30_000 }) {
  const { default: pg } = await import('pg');
  const first = new URL(/** @type {string} */ (urls[0]));
  const host = first.hostname;
  const port = Number(first.port || 5432);

  /** @param {string} connectionString */
  const tryQuery = async (connectionString) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => {});
    }
  };

  /** 'ok', 'down' (nothing answers) or the server's refusal (missing role or database). */
  const status = async (/** @type {string} */ url) => {
    try {
      await tryQuery(url);
      return 'ok';
    } catch (error) {
      return isRefused(error) ? 'down' : errorText(error);
    }
  };

  /** @type {{ version: string, name: string } | undefined} */
  let cluster;
  if ((await status(/** @type {string} */ (urls[0]))) === 'down') {
    cluster = isLocalHost(host) ? await localCluster(port) : undefined;
    if (!cluster) {
      throw new Error(
        `PostgreSQL is not reachable at ${host}:${port}. Start it, point DATABASE_URL at a ` +
          'running server, install it (apt-get install -y postgresql), or use the Docker path: ' +
          'docker compose up -d',
      );
    }
    pgCtl(cluster, 'start', `starting local PostgreSQL on port ${port}`);
    await waitFor(
      `PostgreSQL on ${host}:${port} to accept connections`,
      async () => (await status(/** @type {string} */ (urls[0]))) !== 'down',
      { timeoutMs },
    );
  }

  for (const url of urls) {
    if ((await status(url)) === 'ok') continue;
    await provision(pg, new URL(url), adminUrl ?? adminUrlFor(first));
    const after = await status(url);
    if (after !== 'ok') throw new Error(`PostgreSQL still refuses ${redact(url)}: ${after}`);
  }

  return {
    started: Boolean(cluster),
    stop: async () => {
      if (!cluster) return;
      pgCtl(cluster, 'stop', 'stopping local PostgreSQL');
    },
  };
}

/** Creates the URL's role (with its password) and database when missing. */
async function provision(
  /** @type {typeof import('pg').default} */ pg,
  /** @type {URL} */ url,
  /** @type {string} */ adminUrl,
) {
  const role = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const database = url.pathname.replace(/^\//, '');
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Cannot log in to ${url.host}/${database} as "${role}", and cannot log in as an admin ` +
        `(${redact(adminUrl)}: ${errorText(error)}) to create it. Set PG_ADMIN_URL to a superuser ` +
        'connection, or create the role and database yourself.',
    );
  }
  try {
    const ident = (/** @type {string} */ s) => `"${s.replaceAll('"', '""')}"`;
    const literal = (/** @type {string} */ s) => `'${s.replaceAll("'", "''")}'`;
    const roles = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
    if (roles.rowCount === 0) {
      say(`creating PostgreSQL role ${role}`);
      await admin.query(`create role ${ident(role)} login createdb password ${literal(password)}`);
    }
    const dbs = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (dbs.rowCount === 0) {
      say(`creating PostgreSQL database ${database}`);
      await admin.query(`create database ${ident(database)} owner ${ident(role)}`);
    }
  } finally {
    await admin.end();
  }
}

/** @param {{ version: string, name: string }} cluster @param {string} action @param {string} what */
function pgCtl(cluster, action, what) {
  const args = ['--skip-systemctl-redirect', cluster.version, cluster.name, action];
  runForeground('pg_ctlcluster', args, process.env, what);
}

/** The local Debian cluster serving `port`, if one is installed (pg_lsclusters). */
async function localCluster(/** @type {number} */ port) {
  if (!which('pg_lsclusters')) return undefined;
  const { output } = await runCommand('pg_lsclusters', ['-h']);
  for (const line of output.trim().split('\n')) {
    const [version, name, clusterPort] = line.trim().split(/\s+/);
    if (version && name && Number(clusterPort) === port) return { version, name };
  }
  return undefined;
}

function adminUrlFor(/** @type {URL} */ url) {
  return `postgres://postgres@${url.hostname}:${url.port || 5432}/postgres`;
}

const isRefused = (/** @type {unknown} */ error) =>
  error instanceof Error &&
  /ECONNREFUSED|ENOENT|timeout|terminated unexpectedly/i.test(
    `${error.message} ${/** @type {{code?: string}} */ (error).code ?? ''}`,
  );

const errorText = (/** @type {unknown} */ error) =>
  error instanceof Error ? error.message : String(error);

const redact = (/** @type {string} */ url) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
