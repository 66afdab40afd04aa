import net from 'node:net';

export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting until the server closed the connection (or the wait ended). */
  closedAfterMs: number;
  closed: boolean;
}

/**
 * Writes `request` as is to a fresh connection (what no well-behaved client library would send)
 * and collects the first answer; waits for the server to close the connection, at most `waitMs`.
 */
export function rawRequest(port: number, request: string | Buffer, waitMs = 5000) {
  return new Promise<RawAnswer>((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => {
      if (request.length > 0) socket.write(request);
    });
    const chunks: Buffer[] = [];
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({
        ...parseAnswer(Buffer.concat(chunks).toString()),
        closed,
        closedAfterMs: Date.now() - started,
      });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
  });
}

/** Status, lower-cased headers and body of the first HTTP/1.1 answer in `text`. */
export function parseAnswer(text: string) {
  const split = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 ') || split < 0) return { status: 0, headers: {}, body: text };
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? Number.NaN);
  const rest = text.slice(split + 4);
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: Number.isNaN(length) ? rest : rest.slice(0, length),
  };
}
