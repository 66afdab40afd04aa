/**
 * docker-compose.yml as Compose reads it: YAML merge keys applied, `${VAR:-default}`
 * interpolated, environment, ports, healthchecks and depends_on in one normal form.
 */
import { parse } from 'yaml';

export interface Healthcheck {
  test?: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  disable?: boolean;
}

type EnvValue = string | number | boolean | null;

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; target?: string; dockerfile?: string };
  environment?: Record<string, EnvValue> | string[];
  ports?: (string | number | { target?: number; published?: string | number; host_ip?: string })[];
  healthcheck?: Healthcheck;
  depends_on?: string[] | Record<string, { condition?: string }>;
  profiles?: string[];
  stop_grace_period?: string;
  /** Replaces the image's CMD. */
  command?: string[] | string;
  /** `volume:/container/path[:ro]` (named volumes; this file uses no other kind). */
  volumes?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** `<<: *anchor` merge keys are YAML 1.1; Compose applies them, so the parse must too. */
export function readCompose(text: string): ComposeFile {
  const doc = parse(text, { merge: true }) as Partial<ComposeFile> | null;
  if (!doc?.services) throw new Error('docker-compose.yml has no services');
  return { services: doc.services };
}

/**
 * Compose interpolation (`$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:+alt}`). Interpolated from `shell` (default: nothing), so the result is what a clean
 * shell without a .env file gets, never this machine's environment.
 */
export function interpolate(value: string, shell: Record<string, string> = {}): string {
  const pattern = /\$\$|\$\{(\w+)(?:(:?[-+?])([^}]*))?\}|\$(\w+)/g;
  return value.replace(
    pattern,
    (whole, name?: string, op?: string, arg?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const current = shell[name ?? bare ?? ''];
      const unsetOrEmpty = current === undefined || (op?.startsWith(':') && current === '');
      if (op?.endsWith('-')) return unsetOrEmpty ? (arg ?? '') : (current ?? '');
      if (op?.endsWith('+')) return unsetOrEmpty ? '' : (arg ?? '');
      if (op?.endsWith('?') && unsetOrEmpty) throw new Error(`${name} is required: ${arg}`);
      return current ?? '';
    },
  );
}

/** A service's `environment`, map or list form, as strings; variables taken from an unset shell variable are left out. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: [string, EnvValue][] = Array.isArray(raw)
    ? raw.map((item) => {
        const at = item.indexOf('=');
        return at === -1 ? [item, null] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(raw);
  return Object.fromEntries(
    entries
      .filter((entry): entry is [string, string | number | boolean] => entry[1] !== null)
      .map(([key, value]) => [key, interpolate(String(value))]),
  );
}

export function buildOf(service: ComposeService): { context: string; target?: string } | undefined {
  if (service.build === undefined) return undefined;
  if (typeof service.build === 'string') return { context: service.build };
  return { context: service.build.context ?? '.', target: service.build.target };
}

/** Published ports in short syntax, `host_ip:published:target`, whichever syntax the file uses. */
export function portMappings(service: ComposeService): string[] {
  return (service.ports ?? []).map((port) =>
    typeof port === 'object'
      ? [port.host_ip, port.published, port.target].filter((p) => p !== undefined).join(':')
      : String(port),
  );
}

/** The healthcheck as an argv: `CMD` runs directly, `CMD-SHELL` (or a string) under `sh -c`. */
export function healthcheckArgv(check: Healthcheck | undefined): string[] | undefined {
  if (!check || check.disable || check.test === undefined) return undefined;
  const test = typeof check.test === 'string' ? ['CMD-SHELL', check.test] : check.test;
  const [kind, ...rest] = test.map((part) => interpolate(part));
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  return undefined;
}

/** A Compose duration (`1m30s`, `5s`, `250ms`) in milliseconds. */
export function parseDuration(value: string | undefined, fallback: string): number {
  const text = value ?? fallback;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a duration: ${text}`);
  }
  return parts.reduce(
    (sum, [, amount, unit]) => sum + Number(amount) * (units[unit ?? ''] ?? 0),
    0,
  );
}

/** Docker's own defaults for what a healthcheck leaves out. */
export function healthcheckTiming(check: Healthcheck) {
  return {
    intervalMs: parseDuration(check.interval, '30s'),
    timeoutMs: parseDuration(check.timeout, '30s'),
    startPeriodMs: parseDuration(check.start_period, '0s'),
    retries: check.retries ?? 3,
  };
}

/** depends_on as `{ service: condition }` (the list form means service_started). */
export function dependenciesOf(service: ComposeService): Record<string, string> {
  const raw = service.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(raw).map(([name, spec]) => [name, spec.condition ?? 'service_started']),
  );
}

/**
 * `names` in an order where every service comes after those it depends on (dependencies
 * outside `names` are ignored); otherwise in the order given.
 */
export function startOrder(compose: ComposeFile, names: string[]): string[] {
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name)) return;
    if (path.includes(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' → ')}`);
    const service = compose.services[name];
    for (const dependency of Object.keys(service ? dependenciesOf(service) : {})) {
      if (names.includes(dependency)) visit(dependency, [...path, name]);
    }
    order.push(name);
  };
  for (const name of names) visit(name, []);
  return order;
}

/** Services `docker compose up` starts from this repository's Dockerfile (no profile, a build). */
export function builtServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => buildOf(service) && !service.profiles?.length)
    .map(([name]) => name);
}

/** A service's named volumes: container path → volume name. */
export function volumesOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    (service.volumes ?? []).map((spec) => {
      const [volume = '', target = ''] = spec.split(':');
      return [target, volume];
    }),
  );
}
