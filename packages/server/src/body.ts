import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, pipeline, Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { nextTurn } from './cooperative';
import { HttpError } from './errors';
import type { Semaphore } from './semaphore';

/** Bodies at least this large count as large: admitted a few at a time, parsed in turns. */
const LARGE_BODY_BYTES = 64 * 1024;

/**
 * Admits large bodies a few at a time: each holds its place from parsing until its answer is
 * sent or its connection closes, so a burst of them waits as raw text (cheap to keep, nothing
 * for the garbage collector to trace) instead of all being parsed and handled at once.
 */
export class LargeBodies {
  private readonly responses = new WeakMap<FastifyRequest, ServerResponse>();

  constructor(private readonly places: Semaphore) {}

  /** `preParsing`: remembers where the answer goes, whose `close` frees the place. */
  track(request: FastifyRequest, response: ServerResponse) {
    this.responses.set(request, response);
  }

  async admit(request: FastifyRequest) {
    const release = await this.places.acquire();
    const response = this.responses.get(request);
    if (!response || response.closed) release();
    else response.once('close', release);
  }
}

/**
 * The JSON body parser. `JSON.parse` defines `__proto__` and `constructor` as plain own keys (it
 * never sets a prototype), so such a body is validated like any other: zod's output objects are
 * built afresh from the schema's keys, and a strict schema names the key as unrecognised. A
 * large body waits for admission, then for a turn of its own, so parsing a burst of them never
 * blocks the event loop for longer than one parse.
 */
export function jsonBodyParser(largeBodies: LargeBodies) {
  return async (request: FastifyRequest, body: string): Promise<unknown> => {
    if (body.length === 0) {
      throw new HttpError(
        400,
        'malformed_json',
        'Body is empty but content-type is application/json',
      );
    }
    if (body.length >= LARGE_BODY_BYTES) {
      await largeBodies.admit(request);
      await nextTurn();
    }
    try {
      return JSON.parse(body);
    } catch (error) {
      throw new HttpError(
        400,
        'malformed_json',
        `Body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};
const SUPPORTED_ENCODINGS = ['gzip', 'deflate', 'br', 'identity'];

/** A decoded body; Fastify checks `Content-Length` against the bytes that arrived encoded. */
class DecodedBody extends PassThrough {
  receivedEncodedLength = 0;
}

/**
 * `preParsing`: decodes a `Content-Encoding` of gzip, deflate or br, refusing a body whose
 * decoded size passes `limit` (413, decoding stops there: a small zip bomb costs nothing), a body
 * that does not decode (400) and any other encoding (415).
 */
export function decodeContentEncoding(limit: number) {
  return async (request: FastifyRequest, _reply: unknown, payload: NodeJS.ReadableStream) => {
    const header = request.headers['content-encoding'];
    if (header === undefined || !hasBody(request)) return payload;
    const codings = header
      .toLowerCase()
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '' && c !== 'identity');
    if (codings.length === 0) return payload;
    const coding = codings[0] as string;
    const decoder = codings.length === 1 ? DECODERS[coding] : undefined;
    if (!decoder) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        `Content-Encoding "${header.slice(0, 40)}" is not supported; send one of ${SUPPORTED_ENCODINGS.join(', ')}`,
      );
    }
    const source = payload as NodeJS.ReadableStream & NodeJS.EventEmitter;
    const out = new DecodedBody();
    // Fastify listens for errors only once it reads the body; a request it refuses first (an
    // unsupported content type, no route) must not turn the decoder's error into a crash.
    out.on('error', () => {});
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        out.receivedEncodedLength += chunk.length;
        callback(null, chunk);
      },
    });
    let decoded = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        decoded += chunk.length;
        if (decoded > limit) {
          callback(
            new HttpError(
              413,
              'payload_too_large',
              `Request body is larger than ${limit} bytes once decoded (${coding})`,
            ),
          );
        } else callback(null, chunk);
      },
    });
    const inflate = decoder();
    let undecodable = false;
    inflate.once('error', () => {
      undecodable = true;
    });
    // The request itself stays out of the pipeline: destroying it would reset the connection
    // before the error reaches the client.
    source.pipe(counter);
    source.once('error', (err: Error) => counter.destroy(err));
    source.once('close', () => {
      if ((source as Partial<IncomingMessage>).complete === false) {
        counter.destroy(new Error('the client aborted the request'));
      }
    });
    pipeline(counter, inflate, limiter, (err) => {
      if (!err) return;
      source.unpipe(counter);
      out.destroy(
        undecodable && !(err instanceof HttpError)
          ? new HttpError(
              400,
              'malformed_body',
              `Body is not valid ${coding} data (${err.message})`,
            )
          : err,
      );
    });
    limiter.pipe(out);
    return out;
  };
}

/** Fastify never reads a body of these. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

function hasBody(request: FastifyRequest) {
  if (BODYLESS.has(request.method)) return false;
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}
