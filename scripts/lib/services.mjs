// @ts-check
// The service manifest (packages/core/src/services.json) for the scripts, which run on plain
// Node before any TypeScript tooling: the same file @weather/core/services types for the apps.
import { readFileSync } from 'node:fs';

/** @typedef {typeof import('../../packages/core/src/services.json')} Manifest */
/** @typedef {keyof Manifest['apps']} ServiceName */
/** @typedef {Manifest['apps'][ServiceName] & { name: ServiceName, source?: string }} Service */

/** @type {Manifest} */
const manifest = JSON.parse(
  readFileSync(new URL('../../packages/core/src/services.json', import.meta.url), 'utf8'),
);

/** Every app, in start order. @type {Service[]} */
export const services = Object.entries(manifest.apps).map(([name, service]) => ({
  name: /** @type {ServiceName} */ (name),
  ...service,
}));

/** Default addresses of PostgreSQL, Redis and Kafka; `.env` and the environment override them. */
export const infrastructure = manifest.infrastructure;
