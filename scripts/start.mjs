// @ts-check
// `npm start`: the whole system on this machine — infrastructure, migrations, every app of the
// service manifest built and started, health awaited, URLs printed. A part that exits is
// restarted (lib/supervisor.mjs); Ctrl-C stops everything this command started.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bootstrap } from './lib/bootstrap.mjs';
import { services } from './lib/services.mjs';
import { isPortOpen, portHolder, say } from './lib/util.mjs';

bootstrap();
const { prepare, root, run } = await import('./lib/session.mjs');
const { brokerPart, createSupervisor, processPart } = await import('./lib/supervisor.mjs');
const { runCommand } = await import('./lib/process.mjs');

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

/** Where `npm start` keeps the simulator gateway's token between runs (git-ignored). */
const SIMULATOR_TOKEN_FILE = '.local/simulator-token';
const SETUP = ['tsx', 'packages/registry/src/simulator-setup.ts'];

/**
 * The simulator's gateway and token (created on the first run, read from the local file after).
 * @param {NodeJS.ProcessEnv} env @returns {Promise<{ token: string, issued: boolean }>}
 */
async function simulatorGateway(env) {
  const { code, output } = await runCommand('npx', [...SETUP, 'token', SIMULATOR_TOKEN_FILE], {
    cwd: root,
    env,
    all: false,
  });
  if (code !== 0) throw new Error(`could not set up the simulator's gateway token: ${output}`);
  return JSON.parse(output);
}

/** Registers the simulated stations' names, places and time zones (fills only empty fields). */
async function describeSimulatedStations(/** @type {NodeJS.ProcessEnv} */ env) {
  const generator = services.find((s) => s.name === 'generator');
  if (!generator) return;
  const url = `http://127.0.0.1:${generator.port}`;
  const { code, output } = await runCommand('npx', [...SETUP, 'stations', url], { cwd: root, env });
  if (code !== 0) say(`could not register the simulated stations' names: ${output.trim()}`);
}

/** Where `npm start` keeps the session-signing secret between runs (git-ignored). */
const AUTH_SECRET_FILE = '.local/auth-secret';

/** AUTH_SECRET from the environment, else the local file's (made on the first run). */
function authSecret(/** @type {NodeJS.ProcessEnv} */ env) {
  if (env.AUTH_SECRET) return env.AUTH_SECRET;
  const file = path.join(root, AUTH_SECRET_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * On a database without users, the first admin (ADMIN_EMAIL / ADMIN_PASSWORD, else
 * admin@weather.local with a random password): the line to print, password included once.
 * @param {NodeJS.ProcessEnv} env
 */
async function firstAdmin(env) {
  const { code, output } = await runCommand('npm', ['run', '-s', 'admin', '--', 'first-run'], {
    cwd: root,
    env,
    all: false,
  });
  if (code !== 0) throw new Error(`could not set up the first admin: ${output}`);
  return output.trim();
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const { env, stop, kafka } = await prepare({ databaseVar: 'DATABASE_URL' });
  stopStack = stop;
  // The internal services' controls answer only the web app: a new secret each run.
  env.CONTROL_TOKEN ||= randomBytes(24).toString('base64url');
  // Sessions survive restarts: the same secret every run, kept in .local.
  env.AUTH_SECRET = authSecret(env);
  for (const service of services) {
    if (await isPortOpen('127.0.0.1', service.port)) {
      throw new Error(
        `Port ${service.port} (${service.name}) is already taken by ${portHolder(service.port)}.`,
      );
    }
  }
  run('npx', ['turbo', 'run', 'build', '--filter=./apps/*'], env, 'build');
  const simulator = await simulatorGateway(env);
  const admin = await firstAdmin(env);

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
          ...(service.name === 'generator' ? { GENERATOR_INGEST_TOKEN: simulator.token } : {}),
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
  await describeSimulatedStations(env);
  say(
    simulator.issued
      ? `the simulator sends as gateway "simulator"; its token was created now and kept in ${SIMULATOR_TOKEN_FILE} (it is not shown again)`
      : `the simulator sends as gateway "simulator" with the token kept in ${SIMULATOR_TOKEN_FILE}`,
  );
  const web = services.find((s) => s.name === 'web');
  say(`sign in at http://localhost:${web?.port}/sign-in; ${admin}`);
  say(
    'register a station of your own and get its token: npm run stations -- add MY-01 --name "Roof" --lat 52.52 --lon 13.40 --timezone Europe/Berlin --token',
  );
  say('Ctrl-C stops it all; a part that exits is restarted.');
} catch (error) {
  if (!shuttingDown) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    await shutdown(1);
  }
}
