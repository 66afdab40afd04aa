/**
 * Static checks of docker-compose.yml, the Dockerfile and .env.example against the service
 * manifest. Each returns its problems, one line naming the service and field, so a test can
 * assert "no problems" and show every one at once, and a mutated file can be shown to fail.
 */
import path from 'node:path';
import type { Service } from '@weather/core/services';
import { buildOf, type ComposeFile, environmentOf, healthcheckArgv, portMappings } from './compose';
import {
  exposedPorts,
  finalWorkdir,
  findStage,
  nodeEntry,
  resolveImagePath,
  type Stage,
  stageCommand,
  stageEnv,
} from './dockerfile';
import { defaultsToLoopback, type Reader } from './env-readers';
import { escapeRegExp } from './regexp';

/** Each app: a compose service of its name, built from its stage, published on loopback, health-checked at its health URL. */
export function checkComposeServices(compose: ComposeFile, apps: Service[]): string[] {
  return apps.flatMap((app) => {
    const service = compose.services[app.name];
    if (!service) return [`${app.name}: no compose service of that name`];
    const problems: string[] = [];
    const build = buildOf(service);
    if (build?.target !== app.name) {
      problems.push(`${app.name}.build.target: ${build?.target} (expected ${app.name})`);
    }
    // The Dockerfile's COPY sources (and this suite's path resolution) are repository paths.
    if (build && path.posix.normalize(build.context) !== '.') {
      problems.push(
        `${app.name}.build.context: ${build.context} (expected the repository root, .)`,
      );
    }
    const mapping = `127.0.0.1:${app.port}:${app.port}`;
    if (!portMappings(service).includes(mapping)) {
      problems.push(`${app.name}.ports: ${JSON.stringify(service.ports)} lacks "${mapping}"`);
    }
    const url = `http://127.0.0.1:${app.port}${app.health}`;
    const test = healthcheckArgv(service.healthcheck)?.join(' ') ?? '';
    // The URL must end there: `/health` must not pass for `/healthz` or port 80011.
    if (!new RegExp(`${escapeRegExp(url)}(?![\\w/.:-])`).test(test)) {
      problems.push(`${app.name}.healthcheck.test: does not request ${url} (${test || 'none'})`);
    }
    return problems;
  });
}

/** Each app: a Dockerfile stage of its name that EXPOSEs its port, with ENV <portVar> (if set) equal to it. */
export function checkStagePorts(stages: Stage[], apps: Service[]): string[] {
  return apps.flatMap((app) => {
    const stage = findStage(stages, app.name);
    if (!stage) return [`${app.name}: no Dockerfile stage named ${app.name}`];
    const problems: string[] = [];
    const exposed = exposedPorts(stages, stage);
    if (!exposed.includes(app.port)) {
      problems.push(`${app.name} stage EXPOSE: [${exposed.join(', ')}] lacks ${app.port}`);
    }
    const value = stageEnv(stages, stage)[app.portVar];
    if (value !== undefined && value !== String(app.port)) {
      problems.push(`${app.name} stage ENV ${app.portVar}: ${value} (expected ${app.port})`);
    }
    return problems;
  });
}

/** Each app stage's command: `node <nodeArgs> <entry>` whose entry is, in the repository, the manifest's `built`. */
export function checkStageEntries(stages: Stage[], apps: Service[], repoRoot: string): string[] {
  return apps.flatMap((app) => {
    const stage = findStage(stages, app.name);
    if (!stage) return [`${app.name}: no Dockerfile stage named ${app.name}`];
    const argv = stageCommand(stages, stage);
    if (argv[0] !== 'node')
      return [`${app.name} stage command: ${JSON.stringify(argv)} is not node`];
    const { flags, entry } = nodeEntry(argv);
    const problems: string[] = [];
    if (JSON.stringify(flags) !== JSON.stringify(app.nodeArgs)) {
      problems.push(
        `${app.name} stage command flags: ${JSON.stringify(flags)} (manifest nodeArgs ${JSON.stringify(app.nodeArgs)})`,
      );
    }
    if (!entry)
      return [...problems, `${app.name} stage command: no script in ${JSON.stringify(argv)}`];
    const imagePath = path.posix.resolve(finalWorkdir(stages, stage), entry);
    const origin = resolveImagePath(stages, stage, imagePath, repoRoot);
    if (!('repo' in origin)) {
      problems.push(`${app.name} stage entry ${imagePath}: ${origin.unresolved}`);
    } else if (origin.repo !== app.built) {
      problems.push(
        `${app.name} stage entry ${imagePath} is repo ${origin.repo} (manifest built: ${app.built})`,
      );
    }
    return problems;
  });
}

/** Every variable a Dockerfile-built service's `environment` sets is one something reads. */
export function checkEnvironmentNames(compose: ComposeFile, read: Set<string>): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => buildOf(service))
    .flatMap(([name, service]) =>
      Object.keys(environmentOf(service))
        .filter((variable) => !read.has(variable))
        .map(
          (variable) =>
            `${name}.environment.${variable}: read by no app, migration or test tooling`,
        ),
    );
}

/**
 * Each variable a service's code reads whose default is this machine (127.0.0.1: right for
 * `npm start`, wrong in a container) is set by compose for that service.
 */
export function checkLoopbackDefaults(
  compose: ComposeFile,
  byService: Record<string, Reader>,
): string[] {
  return Object.entries(byService).flatMap(([name, reader]) => {
    const service = compose.services[name];
    if (!service) return [`${name}: no compose service of that name`];
    const set = environmentOf(service);
    return Object.entries(reader)
      .filter(([variable, schema]) => defaultsToLoopback(schema) && set[variable] === undefined)
      .map(
        ([variable]) =>
          `${name}.environment.${variable}: not set, so ${name} would use its loopback default`,
      );
  });
}

/**
 * .env.example documents the defaults: each app's port variable its own code reads (not web's
 * PORT, which only Next's server reads), the URL of each app another part reads, and the
 * manifest's infrastructure addresses.
 */
export function checkEnvExample(
  envExample: Record<string, string>,
  apps: Service[],
  byService: Record<string, Reader>,
  infrastructure: Record<string, string>,
): string[] {
  const readAnywhere = new Set(Object.values(byService).flatMap((reader) => Object.keys(reader)));
  const expected: [string, string][] = [
    ...apps
      .filter((app) => app.portVar in (byService[app.name] ?? {}))
      .map((app): [string, string] => [app.portVar, String(app.port)]),
    ...apps.flatMap((app): [string, string][] =>
      app.urlVar && readAnywhere.has(app.urlVar)
        ? [[app.urlVar, `http://127.0.0.1:${app.port}`]]
        : [],
    ),
    ...Object.entries(infrastructure),
  ];
  return expected
    .filter(([variable, value]) => envExample[variable] !== value)
    .map(
      ([variable, value]) =>
        `.env.example ${variable}: ${envExample[variable] ?? 'missing'} (expected ${value})`,
    );
}
