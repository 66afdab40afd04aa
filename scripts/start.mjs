// @ts-check
// `npm start`: the whole system on this machine — infrastructure, migrations, every app built and
// started, health awaited, URLs printed. A part that exits is restarted (lib/supervisor.mjs);
// Ctrl-C stops everything this command started.
import { prepare, root, run } from './lib/session.mjs';
import { brokerPart, createSupervisor, processPart } from './lib/supervisor.mjs';
import { isPortOpen, portHolder, say } from './lib/util.mjs';

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

/** @type {ReturnType<typeof createSupervisor> | undefined} */
let supervisor;
/** @type {ReturnType<typeof createSupervisor> | undefined} */
let brokerSupervisor;
let shuttingDown = false;
/** @type {() => Promise<void>} */
let stopStack = async () => {};

async function shutdown(/** @type {number} */ code) {
  if (shuttingDown) return;
  shuttingDown = true;
  say('stopping apps…');
  // Apps first: they drain into Kafka and commit to it while stopping.
  await supervisor?.stop();
  await brokerSupervisor?.stop();
  await stopStack();
  say('stopped.');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const { env, stop, kafka } = await prepare({ databaseVar: 'DATABASE_URL' });
  stopStack = stop;
  for (const app of apps) {
    if (await isPortOpen('127.0.0.1', app.port)) {
      throw new Error(
        `Port ${app.port} (${app.name}) is already taken by ${portHolder(app.port)}.`,
      );
    }
  }
  run('npx', ['turbo', 'run', 'build', '--filter=./apps/*'], env, 'build');

  // The supervisor has logged which part broke which rule.
  const onGiveUp = () => void shutdown(1);
  if (kafka) {
    brokerSupervisor = createSupervisor();
    brokerSupervisor.add(brokerPart(kafka));
    void brokerSupervisor.gaveUp.then(onGiveUp);
  }
  supervisor = createSupervisor();
  void supervisor.gaveUp.then(onGiveUp);
  for (const app of apps) {
    const [cmd = 'node', ...args] = app.cmd;
    supervisor.add(
      processPart({
        name: app.name,
        cmd,
        args,
        cwd: root,
        // Next's standalone server reads PORT and HOSTNAME.
        env: { ...env, PORT: String(app.port), HOSTNAME: env.HOST ?? '127.0.0.1' },
        healthUrl: `http://127.0.0.1:${app.port}${app.health}`,
      }),
    );
  }

  await supervisor.ready();
  say('everything is up:');
  for (const app of apps) {
    for (const url of app.urls) say(`  ${app.name.padEnd(10)} http://localhost:${app.port}${url}`);
  }
  say('Ctrl-C stops it all; a part that exits is restarted.');
} catch (error) {
  if (!shuttingDown) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}
