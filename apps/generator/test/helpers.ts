import { Writable } from 'node:stream';
import type { GeneratorStatus } from '@weather/contracts/generator';
import { createLogger } from '@weather/core/logger';
import { type AppDeps, createApp } from '../src/app';

export const silentLogger = () =>
  createLogger({
    service: 'generator',
    level: 'debug',
    destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
  });

/** A logger that keeps its lines, to check what reached the log. */
export const capturingLogger = () => {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'generator',
    level: 'debug',
    destination: new Writable({
      write: (chunk, _encoding, callback) => {
        lines.push(String(chunk));
        callback();
      },
    }),
  });
  return { logger, lines };
};

/**
 * The generator app in-process (no port), sending to `collectorUrl`; refused uploads are
 * re-sent after 50 and 100 ms instead of seconds.
 */
export async function buildApp(collectorUrl: string, deps: Partial<AppDeps> = {}) {
  return createApp({
    logger: silentLogger(),
    collectorUrl,
    stopGraceMs: 5000,
    refusalRetryDelaysMs: [50, 100],
    ...deps,
  });
}

export type App = Awaited<ReturnType<typeof buildApp>>;

export async function status(app: App): Promise<GeneratorStatus> {
  return (await app.inject({ method: 'GET', url: '/status' })).json();
}

/** Polls /status until `probe` holds; fails with `what` after the timeout. */
export async function waitForStatus(
  what: string,
  read: () => Promise<GeneratorStatus>,
  probe: (s: GeneratorStatus) => boolean,
  timeoutMs = 30_000,
): Promise<GeneratorStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: GeneratorStatus | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (probe(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last)}`);
}
