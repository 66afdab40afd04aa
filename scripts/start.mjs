// @ts-check
// `npm start`: the whole system on this machine — infrastructure, migrations, every app built and
// started, health awaited, URLs printed. Ctrl-C stops everything this command started.
import { spawn } from 'node:child_process';
import { prepare, root, run } from './lib/session.mjs';
import { isPortOpen, portHolder, say, waitFor } from './lib/util.mjs';

/** @type {{ name: string, port: number, health: string, cmd: string[], urls: string[] }[]} */
const apps = [
  {
    name: 'collector',
    port: 8001,
    health: '/health',
    cmd: ['node', '--enable-source-maps', 'apps/collector/dist/index.js'],
    urls: ['/docs'],
  },
  {
    name: 'consumer',
    port: 8002,
    health: '/health',
    cmd: ['node', '--enable-source-maps', 'apps/consumer/dist/index.js'],
    urls: ['/docs'],
  },
  {
    name: 'generator',
    port: 8004,
    health: '/health',
    cmd: ['node', '--enable-source-maps', 'apps/generator/dist/index.js'],
    urls: ['/docs'],
  },
  {
    name: 'web',
    port: 3000,
    health: '/api/health',
    cmd: ['node', 'apps/web/.next/standalone/apps/web/server.js'],
    urls: ['/'],
  },
];

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
let shuttingDown = false;
/** @type {() => Promise<void>} */
let stopStack = async () => {};

async function shutdown(/** @type {number} */ code) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping apps…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
          const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve(undefined);
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await stopStack();
  say('stopped.');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const { env, stop } = await prepare({ databaseVar: 'DATABASE_URL' });
  stopStack = stop;
  for (const app of apps) {
    if (await isPortOpen('127.0.0.1', app.port)) {
      throw new Error(
        `Port ${app.port} (${app.name}) is already taken by ${portHolder(app.port)}.`,
      );
    }
  }
  run('npx', ['turbo', 'run', 'build', '--filter=./apps/*'], env, 'build');

  for (const app of apps) {
    const [cmd = 'node', ...args] = app.cmd;
    // Next's standalone server reads PORT and HOSTNAME.
    const appEnv = { ...env, PORT: String(app.port), HOSTNAME: env.HOST ?? '127.0.0.1' };
    const child = spawn(cmd, args, { cwd: root, env: appEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const prefix = `\x1b[35m[${app.name}]\x1b[0m `;
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.on('data', (chunk) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
      });
    }
    child.once('exit', (code, signal) => {
      if (shuttingDown) return;
      say(`${app.name} exited unexpectedly (${code ?? signal}); stopping everything.`);
      void shutdown(1);
    });
  }

  await Promise.all(
    apps.map((app) =>
      waitFor(
        `${app.name} to answer ${app.health} on port ${app.port}`,
        async () => {
          const res = await fetch(`http://127.0.0.1:${app.port}${app.health}`);
          return res.ok;
        },
        { timeoutMs: 90_000 },
      ),
    ),
  );
  say('everything is up:');
  for (const app of apps) {
    for (const url of app.urls) say(`  ${app.name.padEnd(10)} http://localhost:${app.port}${url}`);
  }
  say('Ctrl-C stops it all.');
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
}
