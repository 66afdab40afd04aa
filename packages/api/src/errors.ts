import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { classifyDatabaseError, type DatabaseErrorInfo, type DatabaseErrorKind } from '@weather/db';
import { z } from 'zod';

/**
 * The one error body of every HTTP answer of the API (SPEC §8): a stable machine-readable
 * `error`, a human `message`, and for input validation the failing fields. Never SQL, stack
 * traces or parameters.
 */
export const errorBody = z.object({
  error: z.string().meta({ description: 'Machine-readable reason, snake_case' }),
  message: z.string().meta({ description: 'What went wrong, for people' }),
  issues: z
    .array(
      z.object({
        path: z.array(z.union([z.string(), z.number()])),
        message: z.string(),
      }),
    )
    .optional()
    .meta({ description: 'With `validation_failed`: each failing field and why' }),
});

export type ErrorBody = z.infer<typeof errorBody>;

/** A TRPCError with its `error` reason chosen by us rather than derived from the code. */
export class ApiError extends TRPCError {
  readonly reason: string;
  constructor(opts: ConstructorParameters<typeof TRPCError>[0] & { reason: string }) {
    super(opts);
    this.reason = opts.reason;
  }
}

const INTERNAL_MESSAGE = 'Internal error; see the service log.';
const DATABASE_UNAVAILABLE_MESSAGE =
  'The database is unavailable; nothing was answered. Retry in a few seconds.';

/** Input failures: tRPC wraps the validator's error (zod, or any Standard Schema) as the cause. */
function validationIssues(error: TRPCError): ErrorBody['issues'] {
  if (error.code !== 'BAD_REQUEST') return undefined;
  const issues = (error.cause as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.map((issue: { path?: PropertyKey[]; message?: unknown }) => ({
    path: (issue.path ?? []).map((p) => (typeof p === 'number' ? p : String(p))),
    message: typeof issue.message === 'string' ? issue.message : 'invalid',
  }));
}

/**
 * Status and body of an error as the client sees it. Only errors we raised on purpose keep
 * their message; anything else that ended as INTERNAL_SERVER_ERROR (whose message may be a
 * failed statement with its parameters) gets a generic one.
 */
export function describeError(error: TRPCError): { status: number; body: ErrorBody } {
  const status = getHTTPStatusCodeFromError(error);
  const issues = validationIssues(error);
  if (issues) {
    const fields = issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
    return {
      status,
      body: { error: 'validation_failed', message: `Invalid input: ${fields.join('; ')}`, issues },
    };
  }
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    return { status, body: { error: 'internal_error', message: INTERNAL_MESSAGE } };
  }
  const reason = error instanceof ApiError ? error.reason : DEFAULT_REASONS[error.code];
  return { status, body: { error: reason ?? error.code.toLowerCase(), message: error.message } };
}

const DEFAULT_REASONS: Partial<Record<TRPCError['code'], string>> = {
  BAD_REQUEST: 'bad_request',
  PARSE_ERROR: 'malformed_input',
  NOT_FOUND: 'not_found',
  METHOD_NOT_SUPPORTED: 'method_not_allowed',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  SERVICE_UNAVAILABLE: 'service_unavailable',
};

/** The `error` reasons each status of a REST operation can carry (the OpenAPI document lists them). */
export const REASONS_BY_STATUS = {
  400: ['validation_failed', 'bad_request', 'malformed_url'],
  401: ['sign_in_required', 'invalid_api_key', 'ingest_token_not_api_key', 'invalid_authorization'],
  403: ['admin_required', 'cross_site_request'],
  404: ['not_found'],
  414: ['uri_too_long'],
  500: ['internal_error'],
  503: ['database_unavailable', 'database_timeout'],
} as const;

/** How a failed query is answered, by the kind of failure (`unknown` is not the database's). */
const DATABASE_ANSWERS: Record<
  Exclude<DatabaseErrorKind, 'unknown'>,
  { code: TRPCError['code']; reason: string; message: string }
> = {
  unavailable: {
    code: 'SERVICE_UNAVAILABLE',
    reason: 'database_unavailable',
    message: DATABASE_UNAVAILABLE_MESSAGE,
  },
  timeout: {
    code: 'SERVICE_UNAVAILABLE',
    reason: 'database_timeout',
    message: 'The database did not answer within the query timeout. Retry, or ask for less.',
  },
  // Data exceptions (class 22) on a read are parameters the database cannot represent.
  content: {
    code: 'BAD_REQUEST',
    reason: 'bad_request',
    message: 'A parameter is outside what the database can represent.',
  },
  transient: { code: 'INTERNAL_SERVER_ERROR', reason: 'internal_error', message: INTERNAL_MESSAGE },
};

/**
 * A failed query as the client should see it: the database unreachable or refusing sessions
 * (503 database_unavailable), a statement timeout (503 database_timeout), a parameter the
 * database cannot represent (400); undefined for errors that did not come from the database.
 * `info` is safe to log: the server's own message and code, never the statement or parameters.
 */
export function databaseFailure(
  error: unknown,
): { error: ApiError; info: DatabaseErrorInfo } | undefined {
  const info = classifyDatabaseError(error);
  if (info.kind === 'unknown') return undefined;
  return { info, error: new ApiError({ ...DATABASE_ANSWERS[info.kind], cause: error }) };
}

/**
 * Error text of another service, fit to show on the dashboard: one line of at most `max`
 * characters, and a drizzle "Failed query: <statement> params: <values>" cut off where it starts.
 */
export function safeRemoteText(text: string, max = 200): string {
  const statement = text.indexOf('Failed query:');
  const kept =
    statement < 0 ? text : `${text.slice(0, statement)}a statement failed (see that service's log)`;
  const line = kept.split('\n', 1)[0]?.trim() ?? '';
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
