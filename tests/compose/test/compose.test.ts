/**
 * docker-compose.yml and the Dockerfile, checked without Docker: first statically against the
 * service manifest, then by running every service `docker compose up` would start, here, exactly
 * as its image would (stage command, WORKDIR, ENV + compose environment), until its own
 * compose healthcheck passes and readings flow from the collector into the database compose
 * points the consumer at.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { infrastructure, serviceNames, services } from '@weather/core/services';
import { publishRegistryChange } from '@weather/registry';
import {
  brokers,
  createPipeline,
  ingestGateway,
  type Pipeline,
  postBatch,
  redisUrl,
  uniqueReadings,
  until,
} from '@weather/test-kit';
import { sql } from 'drizzle-orm';
import getPort from 'get-port';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkComposeServices,
  checkEnvExample,
  checkEnvironmentNames,
  checkLoopbackDefaults,
  checkStageEntries,
  checkStagePorts,
} from '../src/checks';
import {
  builtServices,
  type ComposeFile,
  parseDuration,
  readCompose,
  startOrder,
  volumesOf,
} from '../src/compose';
import { parseStages } from '../src/dockerfile';
import { readers, readNames } from '../src/env-readers';
import {
  type Addresses,
  imageLaunch,
  localiseLaunch,
  type PortShift,
  ServiceRun,
  waitCompleted,
  waitHealthy,
} from '../src/runtime';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const readRepoFile = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

const composeText = readRepoFile('docker-compose.yml');
const compose = readCompose(composeText);
const stages = parseStages(readRepoFile('Dockerfile'));
// Node's own .env parser, the one `process.loadEnvFile` (npm start) uses.
const envExample = parseEnv(readRepoFile('.env.example')) as Record<string, string>;
const apps = serviceNames.map((name) => services[name]);

/** Every environment problem of a compose text: unread names and unset loopback defaults. */
function environmentProblems(file: ComposeFile) {
  return [
    ...checkEnvironmentNames(file, readNames(envExample)),
    ...checkLoopbackDefaults(file, readers),
  ];
}

/** The compose text with one exact edit, failing loudly if the text to edit is gone. */
function mutate(text: string, from: string, to: string) {
  if (!text.includes(from)) throw new Error(`docker-compose.yml no longer contains ${from}`);
  return text.replace(from, to);
}

describe('docker-compose.yml and the Dockerfile against the service manifest', () => {
  it('gives every app a compose service built from its stage, published on loopback, health-checked', () => {
    expect(checkComposeServices(compose, apps)).toEqual([]);
  });

  it('has a Dockerfile stage per app that EXPOSEs its port (and sets its port variable to it)', () => {
    expect(checkStagePorts(stages, apps)).toEqual([]);
  });

  it("starts each app stage with node <nodeArgs> on the manifest's built entry", () => {
    expect(checkStageEntries(stages, apps, repoRoot)).toEqual([]);
  });

  it('sets in compose only variables something reads, and every loopback-defaulted one it reads', () => {
    expect(environmentProblems(compose)).toEqual([]);
  });

  it('documents the apps’ ports and URLs and the infrastructure defaults in .env.example', () => {
    expect(checkEnvExample(envExample, apps, readers, infrastructure)).toEqual([]);
  });

  it('reports a misspelt variable in compose (proof the environment check bites)', () => {
    const baseline = environmentProblems(compose);
    // Only what the edit adds: the suite must keep biting whatever else is wrong today.
    const added = (text: string) =>
      environmentProblems(readCompose(text)).filter((problem) => !baseline.includes(problem));

    const broker = added(
      mutate(composeText, '  KAFKA_BROKERS: kafka:9092', '  KAFKA_BROKER: kafka:9092'),
    );
    expect(broker).toContain(
      'collector.environment.KAFKA_BROKER: read by no app, migration or test tooling',
    );
    expect(broker).toContain(
      'consumer.environment.KAFKA_BROKERS: not set, so consumer would use its loopback default',
    );

    const port = added(mutate(composeText, 'COLLECTOR_PORT: 8001', 'COLLECTOR_PRT: 8001'));
    expect(port).toEqual([
      'collector.environment.COLLECTOR_PRT: read by no app, migration or test tooling',
    ]);
  });
});

describe('every compose service, run here as its image runs it', () => {
  const order = startOrder(compose, [
    // One-shots (migrate, secrets) first among equals, then the apps in manifest order.
    ...builtServices(compose).filter((name) => !(name in services)),
    ...serviceNames,
  ]);
  const runs = new Map<string, ServiceRun>();
  const ports = new Map<string, PortShift>();
  let pipeline: Pipeline;
  let addresses: Addresses;

  beforeAll(async () => {
    // The test's own topic, consumer group and database, so it never touches a developer's
    // running system: the topic name and the database name differ from every default.
    pipeline = await createPipeline('compose');
    // Emptied (migrations journal included), so compose's one-shot migrate creates the schema.
    await pipeline.database.db.execute(sql`drop schema public cascade; create schema public`);
    const taken = apps.map((app) => app.port);
    for (const app of apps) {
      // Never the container port: a port variable compose fails to set would go unnoticed.
      const local = await getPort({ exclude: taken });
      taken.push(local);
      ports.set(app.name, { container: app.port, local });
    }
    // Each named volume a folder of its own, as Docker would make it for this project.
    const volumeRoot = mkdtempSync(path.join(os.tmpdir(), 'weather-compose-volumes-'));
    const paths = Object.fromEntries(
      Object.values(compose.services).flatMap((service) =>
        Object.entries(volumesOf(service)).map(([target, volume]) => [
          target,
          path.join(volumeRoot, volume),
        ]),
      ),
    );
    addresses = {
      paths,
      urls: { 'timescaledb:5432': pipeline.database.url, 'redis:6379': redisUrl },
      hosts: {
        'kafka:9092': brokers,
        ...Object.fromEntries(
          apps.map((app) => [`${app.name}:${app.port}`, `127.0.0.1:${ports.get(app.name)?.local}`]),
        ),
      },
    };
  });

  afterAll(async () => {
    try {
      await Promise.all(
        [...runs]
          .reverse()
          .map(([name, run]) =>
            run.stop(parseDuration(compose.services[name]?.stop_grace_period, '10s')),
          ),
      );
    } finally {
      await pipeline?.close();
    }
  });

  function start(name: string) {
    const own = ports.get(name);
    const launch = localiseLaunch(
      imageLaunch(compose, stages, name, repoRoot),
      addresses,
      Object.keys(compose.services),
      own,
    );
    // The only variables added: this test's topic and consumer group (see createPipeline).
    launch.env.KAFKA_TOPIC = pipeline.topic;
    launch.env.CONSUMER_GROUP_ID = pipeline.topic.replace(/^weather\.readings\./, '');
    const run = new ServiceRun(launch);
    runs.set(name, run);
    return run;
  }

  it('starts in dependency order: the one-shots (migrate, secrets), then the apps', () => {
    expect(order.slice(0, 2).sort()).toEqual(['migrate', 'secrets']);
    expect(order.slice(2)).toEqual(serviceNames);
  });

  it.each(order)(
    '%s starts and gets as far as compose waits for (healthy, or exit 0)',
    async (name) => {
      const service = compose.services[name];
      const run = start(name);
      if (service?.healthcheck) {
        await waitHealthy(run, service.healthcheck);
      } else {
        // No healthcheck: what others wait for is exit 0 (service_completed_successfully).
        await waitCompleted(run, 120_000);
      }
    },
  );

  it('closes the controls with the generated token and signs in the generated first admin', async () => {
    const secrets = addresses.paths?.['/run/weather-secrets'] as string;
    const secret = (name: string) => readFileSync(path.join(secrets, name), 'utf8').trim();
    const generator = `http://127.0.0.1:${ports.get('generator')?.local}`;
    expect((await fetch(`${generator}/status`)).status).toBe(401);
    const authorized = await fetch(`${generator}/status`, {
      headers: { authorization: `Bearer ${secret('control-token')}` },
    });
    expect(authorized.status).toBe(200);
    const web = `http://127.0.0.1:${ports.get('web')?.local}`;
    const signIn = await fetch(`${web}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: web },
      body: JSON.stringify({ email: 'admin@weather.local', password: secret('admin-password') }),
    });
    expect(signIn.status).toBe(200);
    // Nothing it generated is in any service's output.
    for (const [name, run] of runs) {
      for (const file of ['control-token', 'auth-secret', 'admin-password']) {
        expect([name, file, run.tail().includes(secret(file))]).toEqual([name, file, false]);
      }
    }
  });

  it("delivers readings posted to the collector into compose's consumer database", async () => {
    const collector = `http://127.0.0.1:${ports.get('collector')?.local}`;
    const readings = uniqueReadings(5, 5, Date.UTC(2026, 1, 1));
    // A gateway token in the database compose migrated (the test's pipeline token went with the
    // schema it dropped), announced as the CLI would, so the running collector loads it.
    const { headers } = await ingestGateway(pipeline.database.db, 'compose-test');
    const redis = new Redis(redisUrl);
    await publishRegistryChange(redis).finally(() => redis.disconnect());
    await until(
      'the collector to accept a batch',
      async () => (await postBatch(collector, readings, headers)).status < 300,
      30_000,
    );
    await until(
      `${readings.length} rows in ${pipeline.database.name}`,
      async () => (await pipeline.rowCount()) >= readings.length,
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- consumer ---\n${runs.get('consumer')?.tail()}`);
    });
    expect(await pipeline.rowCount()).toBe(readings.length);
  });
});
