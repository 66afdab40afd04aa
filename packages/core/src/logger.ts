import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentTrace, datadogId } from './trace';

export type { Logger } from 'pino';

export interface LoggerConfig {
  service: string;
  level?: LoggerOptions['level'];
  /** Where lines go; stdout by default. Tests pass a stream to read the lines back. */
  destination?: DestinationStream;
  /** Pretty, human-readable lines; by default only when stdout is a terminal. */
  pretty?: boolean;
}

/** Keys whose values never reach a log line. */
const REDACT = [
  'password',
  '*.password',
  'connectionString',
  '*.connectionString',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * The one logger factory every service uses. Each line is a JSON object with `time`, `level`,
 * `service`, `msg`, `trace_id` and `span_id` (plus `dd.trace_id`/`dd.span_id` for Datadog);
 * the trace fields come from the current trace context (see `withTrace`).
 */
export function createLogger(config: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: { service: config.service },
    messageKey: 'msg',
    errorKey: 'err',
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ level: label }),
    },
    mixin() {
      const trace = currentTrace();
      if (!trace) return { trace_id: '', span_id: '' };
      return {
        trace_id: trace.traceId,
        span_id: trace.spanId,
        dd: { trace_id: datadogId(trace.traceId), span_id: datadogId(trace.spanId) },
      };
    },
  };
  const pretty = config.pretty ?? (!config.destination && process.stdout.isTTY === true);
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  // Synchronous writes: pino's default asynchronous stdout reordered lines when the pipe was full
  // (seen under load, with a process exiting right after its last line).
  return pino(options, config.destination ?? pino.destination({ dest: 1, sync: true }));
}
