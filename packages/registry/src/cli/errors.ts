import { EnvError } from '@weather/core/env';
import { classifyDatabaseError, RegistryError } from '@weather/db';

/** The CLI's exit codes, documented in `--help`. */
export const EXIT = {
  ok: 0,
  failed: 1,
  invalidInput: 2,
  notFound: 3,
  duplicate: 4,
  databaseUnreachable: 5,
  /** EX_USAGE of sysexits.h. */
  usage: 64,
} as const;

/** A failure the CLI reports as one line on stderr and ends with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);
export const inputError = (message: string) => new CliError(EXIT.invalidInput, message);

const REGISTRY_EXIT: Record<RegistryError['code'], number> = {
  not_found: EXIT.notFound,
  duplicate: EXIT.duplicate,
  invalid: EXIT.invalidInput,
};

/** Where a database is, without its user or password. */
export function describeDatabase(url: string): string {
  try {
    const { host, pathname } = new URL(url);
    return `${host}${pathname}`;
  } catch {
    return 'the configured database';
  }
}

/** The exit code and the message (never a stack trace) for whatever a command threw. */
export function explain(
  error: unknown,
  databaseUrl: string,
): { exitCode: number; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof RegistryError) {
    return { exitCode: REGISTRY_EXIT[error.code], message: error.message };
  }
  if (error instanceof EnvError) return { exitCode: EXIT.invalidInput, message: error.message };
  const info = classifyDatabaseError(error);
  if (info.kind === 'unavailable') {
    return {
      exitCode: EXIT.databaseUnreachable,
      message: `cannot reach the database at ${describeDatabase(databaseUrl)}: ${info.message}`,
    };
  }
  const prefix = info.kind === 'unknown' ? '' : 'database error: ';
  return { exitCode: EXIT.failed, message: `${prefix}${info.message}` };
}
