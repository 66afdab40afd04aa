/**
 * The service manifest (`services.json`, the one place a service's port, entry points and
 * health paths are written), typed for the TypeScript side. `scripts/lib/services.mjs` reads the
 * same file for `npm start` and `npm test`; tests/compose checks docker-compose.yml, the
 * Dockerfile and .env.example against it.
 */
import manifest from './services.json' with { type: 'json' };

export type ServiceName = keyof typeof manifest.apps;

export interface Service {
  name: ServiceName;
  /** One line for people: what the service does. */
  title: string;
  /** Default listening port. */
  port: number;
  /** The variable that overrides the port (Next's standalone server reads `PORT`). */
  portVar: string;
  /** The variable other parts use to find this service (none for the web app: nothing calls it). */
  urlVar?: string;
  /** Liveness: answers 200 while the process is up. */
  health: string;
  /** Readiness: 200 once its dependencies answer (what tests and the supervisor wait for). */
  ready: string;
  /** Where its API documentation (or, for the web app, its page) is served. */
  docs: string;
  /** TypeScript entry point, run with tsx by tests; absent when only the build runs (web). */
  source?: string;
  /** Built entry point, run with node by `npm start`, the benchmarks and the images. */
  built: string;
  /** Node flags the built entry runs with. */
  nodeArgs: string[];
}

/** Every app, by name, in start order. */
export const services = Object.fromEntries(
  Object.entries(manifest.apps).map(([name, service]) => [name, { name, ...service }]),
) as Record<ServiceName, Service>;

export const serviceNames = Object.keys(manifest.apps) as ServiceName[];

/** Where a service answers by default on this machine: `http://127.0.0.1:<its port>`. */
export const localUrl = (name: ServiceName) => `http://127.0.0.1:${services[name].port}`;

/** Default addresses of the infrastructure (PostgreSQL, Redis, Kafka) on this machine. */
export const infrastructure = manifest.infrastructure;
