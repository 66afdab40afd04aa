import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { z } from 'zod';

/** The one error shape of every HTTP surface (SPEC §8): never SQL, stack traces or data. */
export const errorBody = z.object({
  error: z.string().meta({ description: 'Machine-readable kind, e.g. validation_failed' }),
  message: z.string().meta({ description: 'What was wrong, for a person' }),
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** The `error` of a status answered without a more specific kind. */
const KINDS: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'too_many_requests',
  431: 'headers_too_large',
  503: 'service_unavailable',
};
export const errorKind = (status: number) =>
  KINDS[status] ?? (status < 500 ? 'bad_request' : 'internal_error');

/** A request error with the status and body the client gets; thrown by hooks and parsers. */
/** One failed check of a request: where (`/temperature`, `/` for the whole) and why. */
export interface ValidationIssue {
  instancePath: string;
  message?: string;
}

/** The body of a request that failed validation: every issue in `message`, and in `details`. */
export function validationFailedBody(context: string, issues: readonly ValidationIssue[]) {
  return {
    error: 'validation_failed',
    message: `Invalid ${context}: ${issues
      .map((v) => `${v.instancePath || '(root)'} ${v.message}`)
      .join('; ')}`,
    details: issues.map((v) => ({
      path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: v.message ?? 'invalid',
    })),
  };
}

/**
 * A validation a route runs itself (its `validatorCompiler` returns `{ error }` with this), for
 * zod issues: answered exactly as a failed schema is, with the service's validation status.
 */
export class ValidationFailure extends Error {
  /** Set by Fastify: `body`, `querystring`, … */
  validationContext?: string;
  readonly issues: ValidationIssue[];

  constructor(error: z.ZodError) {
    super('validation failed');
    this.name = 'ValidationFailure';
    this.issues = error.issues.map(({ path, message }) => ({
      instancePath: `/${path.join('/')}`,
      message,
    }));
  }
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toJSON(): ErrorBody {
    return { error: this.kind, message: this.message };
  }
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (headers too large,
 * garbage, a request not received in time) with the JSON error shape instead of an empty body.
 * Writes nothing when a response is already on the wire: two would corrupt the connection.
 */
export function clientErrorHandler(
  limits: { headersTimeoutMs: number; requestTimeoutMs: number },
  log: (err: Error, status: number) => void,
) {
  return (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let status = 400;
    let message = 'Malformed HTTP request';
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      message = 'Request headers are too large';
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      message = `The request was not received in time (headers within ${limits.headersTimeoutMs / 1000} s, the whole request within ${limits.requestTimeoutMs / 1000} s)`;
    } else if (err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
      status = 413;
      message = 'Chunk extensions are too large';
    }
    log(err, status);
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })
      ._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify({ error: errorKind(status), message });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}
