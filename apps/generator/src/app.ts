import type { Logger } from '@weather/core/logger';
import { createServer } from '@weather/server';

export interface AppDeps {
  logger: Logger;
}

export const serviceInfo = {
  name: 'generator',
  title: 'Weather station simulator',
  description: 'Simulates weather stations that send readings through the collector.',
  version: '0.1.0',
};

/** Builds the generator's HTTP app without side effects; `index.ts` listens. */
export async function createApp(deps: AppDeps) {
  return createServer({ info: serviceInfo, logger: deps.logger });
}
