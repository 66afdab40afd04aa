import type { Logger } from '@weather/core/logger';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

export interface RunOptions {
  logger: Logger;
  /**
   * Starts intake (listen, subscribe); a rejection is a failed start and exits 1. `fail` is for
   * errors reported later by callbacks (a client that gave up): it stops the service, exit 1.
   */
  start: (control: { fail: (err: unknown) => void }) => Promise<void>;
  /** In order: stop intake first, then flush, then close pools. */
  shutdown: ShutdownStep[];
  shutdownTimeoutMs?: number;
}

/**
 * Owns the process lifecycle: starts the service, stops it in order on SIGINT/SIGTERM within
 * a bounded time, and exits non-zero on a crash, a failed start or a shutdown that overran.
 */
export async function runService(options: RunOptions): Promise<void> {
  const { logger } = options;
  const timeoutMs = options.shutdownTimeoutMs ?? 10_000;
  let stopping: Promise<void> | undefined;

  const stop = (reason: string, exitCode: number) => {
    if (stopping) return stopping;
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.fatal({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stopping = (async () => {
      let code = exitCode;
      for (const step of options.shutdown) {
        try {
          await step.run();
          logger.debug({ step: step.name }, 'stopped');
        } catch (err) {
          code = 1;
          logger.error({ err, step: step.name }, 'shutdown step failed');
        }
      }
      logger.info({ exitCode: code }, 'stopped');
      logger.flush();
      process.exit(code);
    })();
    return stopping;
  };

  process.once('SIGINT', () => void stop('SIGINT', 0));
  process.once('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void stop('crash', 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    void stop('crash', 1);
  });

  try {
    await options.start({
      fail: (err) => {
        logger.fatal({ err }, 'unrecoverable error');
        void stop('crash', 1);
      },
    });
  } catch (err) {
    logger.fatal({ err }, 'failed to start');
    await stop('failed start', 1);
  }
}
