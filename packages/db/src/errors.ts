/**
 * Why a statement failed, as far as its caller needs to know:
 * - `content`: the rows or parameters themselves are refused (a data exception, a constraint, a
 *   trigger that raises). Retrying the same rows fails the same way; a writer isolates and sets
 *   them aside, a reader answers 400.
 * - `unavailable`: no usable session — refused or lost connection, a server shutting down, short
 *   of connections or resources, a database not accepting connections. Retry later (503).
 * - `timeout`: the statement ran out of its time (57014).
 * - `transient`: any other answer of the server — a lock or serialization conflict, a read-only
 *   server, missing privileges or schema. The rows are not at fault, so a writer holds on to
 *   them and retries; nothing is discarded because of an error nobody has classified.
 * - `unknown`: not an error of the database or its driver at all (a bug of ours); a writer
 *   still retries rather than discard.
 */
export type DatabaseErrorKind = 'content' | 'unavailable' | 'timeout' | 'transient' | 'unknown';

export interface DatabaseErrorInfo {
  kind: DatabaseErrorKind;
  /** SQLSTATE when the server answered, else the Node.js error code (ECONNREFUSED), if any. */
  code: string | undefined;
  /** Short and safe to show: the server's primary message or a plain description, never the SQL or its parameters. */
  message: string;
}

/** Longest `message` returned, SQLSTATE suffix included. */
export const DATABASE_ERROR_MAX_LENGTH = 200;

/**
 * SQLSTATE classes (and single codes) that blame the rows. Everything else is transient.
 * - 21 cardinality violation, 54 program limit exceeded: a combination or a size the statement
 *   cannot take; splitting the rows resolves it, or isolates the one row that is too big.
 * - 22 data exception (a timestamp PostgreSQL cannot store, a value out of range),
 *   23 integrity constraint violation (NOT NULL, CHECK, foreign key, unique, exclusion).
 * - P0 PL/pgSQL: RAISE EXCEPTION (P0001) or a failed ASSERT (P0004) in a trigger refusing a row.
 * Class 42 is deliberately not here: our statements cast every parameter explicitly, so a type
 * mismatch, missing column or privilege (42501) means the schema or the grants are wrong, which
 * an operator fixes; dead-lettering every reading meanwhile would be wrong.
 */
const CONTENT_CLASSES = new Set(['21', '22', '23', '54', 'P0']);

/**
 * No usable session: 08 connection exception, 28 authorization, 53 insufficient resources (too
 * many connections, out of memory or disk), 3D000 no such database, 55000 (what a database with
 * ALLOW_CONNECTIONS false answers), 57P01–57P03 admin shutdown, crash, cannot connect now.
 */
const UNAVAILABLE_CLASSES = new Set([
  '08',
  '28',
  '53',
  '3D000',
  '55000',
  '57P01',
  '57P02',
  '57P03',
]);

// node-postgres and its pool raise these without a code.
const CONNECTION_MESSAGE =
  /timeout exceeded when trying to connect|connection terminated|connection error|not queryable|cannot use a pool after calling end/i;

const SYSTEM_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  ENOTFOUND: 'database host not found',
  EAI_AGAIN: 'database host lookup failed',
  EHOSTUNREACH: 'database host unreachable',
  ENETUNREACH: 'network unreachable',
};

// Five characters with a digit: every SQLSTATE has one, Node's codes (EPIPE) have none.
const SQLSTATE = /^(?=.*[0-9])[0-9A-Z]{5}$/;

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * The error that says what happened: drizzle wraps the driver's error in one whose message is
 * the whole statement and every parameter, so that wrapper's own message is never used.
 */
function innermost(error: unknown): ErrorLike | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const e = current as ErrorLike;
    if (typeof e.code === 'string') return e;
    // Node's AggregateError (a host with several addresses) carries the code on its members.
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      current = e.errors[0];
      continue;
    }
    if (e.cause === undefined) return isStatementWrapper(e) ? undefined : e;
    current = e.cause;
  }
  return undefined;
}

const isStatementWrapper = (e: ErrorLike) =>
  typeof e.message === 'string' && e.message.startsWith('Failed query:');

function shorten(text: string, max: number) {
  // One line: server messages are single-line, other libraries' may append context below.
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Classifies an error thrown by a query and describes it safely (see `DatabaseErrorKind`). */
export function classifyDatabaseError(error: unknown): DatabaseErrorInfo {
  const cause = innermost(error);
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const raw = typeof cause?.message === 'string' ? cause.message : '';
  if (code && SQLSTATE.test(code)) {
    const suffix = ` (SQLSTATE ${code})`;
    const text = shorten(raw || 'database error', DATABASE_ERROR_MAX_LENGTH - suffix.length);
    return { kind: sqlstateKind(code), code, message: `${text}${suffix}` };
  }
  const known = code ? SYSTEM_ERRORS[code] : undefined;
  if (known) return { kind: 'unavailable', code, message: `${known} (${code})` };
  const text = raw ? shorten(raw, DATABASE_ERROR_MAX_LENGTH) : 'database error';
  const kind = CONNECTION_MESSAGE.test(raw) ? 'unavailable' : 'unknown';
  return { kind, code, message: text || 'database error' };
}

function sqlstateKind(code: string): DatabaseErrorKind {
  const inClass = (set: Set<string>) => set.has(code.slice(0, 2)) || set.has(code);
  if (inClass(CONTENT_CLASSES)) return 'content';
  if (inClass(UNAVAILABLE_CLASSES)) return 'unavailable';
  if (code === '57014') return 'timeout';
  return 'transient';
}

/**
 * An error as it may be logged: `classifyDatabaseError`'s message (the innermost one, never a
 * failed statement or its parameters, which can hold a password hash), and the stack's frames
 * without the lines that repeat the message.
 */
export function loggableError(error: unknown): { type: string; message: string; stack?: string } {
  const frames =
    error instanceof Error && error.stack
      ? error.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .join('\n')
      : '';
  return {
    type: error instanceof Error ? error.name : typeof error,
    message: classifyDatabaseError(error).message,
    ...(frames ? { stack: frames } : {}),
  };
}
