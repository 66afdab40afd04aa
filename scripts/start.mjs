// @ts-check
// `npm start`: the whole system on this machine — infrastructure, migrations, every app of the
// service manifest built and started, health awaited, URLs printed. A part that exits is
// restarted (lib/supervisor.mjs); Ctrl-C stops everything this command started.
import { bootstrap } from './lib/bootstrap.mjs';
import { services } from './lib/services.mjs';
import { isPortOpen, portHolder, say } from './lib/util.mjs';

bootstrap();
const { prepare, root, run } = await import('./lib/session.mjs');
const { brokerPart, createSupervisor, processPart } = await import('./lib/supervisor.mjs');

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
  for (const service of services) {
    if (await isPortOpen('127.0.0.1', service.port)) {
      throw new Error(
        `Port ${service.port} (${service.name}) is already taken by ${portHolder(service.port)}.`,
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
  for (const service of services) {
    supervisor.add(
      processPart({
        name: service.name,
        cmd: process.execPath,
        args: [...service.nodeArgs, service.built],
        cwd: root,
        // Builds run as deployed (the images set NODE_ENV too): libraries skip dev-time checks,
        // e.g. trpc-to-openapi's regeneration of the whole OpenAPI document on every REST call.
        // Next's standalone server reads PORT and HOSTNAME.
        env: {
          ...env,
          NODE_ENV: 'production',
          [service.portVar]: String(service.port),
          HOSTNAME: env.HOST ?? '127.0.0.1',
        },
        healthUrl: `http://127.0.0.1:${service.port}${service.health}`,
      }),
    );
  }

  await supervisor.ready();
  say('everything is up:');
  for (const service of services) {
    const url = `http://localhost:${service.port}`;
    say(
      `  ${service.name.padEnd(10)} ${url.padEnd(22)} ${service.title}; docs ${url}${service.docs}`,
    );
  }
  say('Ctrl-C stops it all; a part that exits is restarted.');
} catch (error) {
  if (!shuttingDown) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}
