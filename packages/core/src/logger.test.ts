import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { childTrace, datadogId, formatTraceparent, parseTraceparent, withTrace } from './trace';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the SPEC fields', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'collector', destination });
    logger.info({ count: 3 }, 'accepted');
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? {};
    expect(line).toMatchObject({
      level: 'info',
      service: 'collector',
      msg: 'accepted',
      count: 3,
      trace_id: '',
      span_id: '',
    });
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
  });

  it('carries the current trace ids, also under the names Datadog correlates on', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'consumer', destination });
    const trace = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(trace).toBeDefined();
    if (!trace) return;
    withTrace(trace, () => logger.warn('stored'));
    expect(lines[0]).toMatchObject({
      level: 'warn',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      dd: { trace_id: datadogId('a3ce929d0e0e4736'), span_id: datadogId('00f067aa0ba902b7') },
    });
    expect(lines[0]).toHaveProperty('dd.trace_id', '11803532876627986230');
  });

  it('puts errors under err and redacts secrets', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'web', destination });
    logger.error({ err: new Error('boom'), password: 'hunter2' }, 'failed');
    expect(lines[0]).toMatchObject({ level: 'error', password: '[redacted]' });
    expect(lines[0]).toHaveProperty('err.message', 'boom');
  });
});

describe('trace context', () => {
  it('round-trips a traceparent header', () => {
    const header = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const parsed = parseTraceparent(header);
    expect(parsed && formatTraceparent(parsed)).toBe(header);
  });

  it('ignores malformed or all-zero headers', () => {
    expect(parseTraceparent('garbage')).toBeUndefined();
    expect(
      parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01'),
    ).toBeUndefined();
    expect(
      parseTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
    ).toBeUndefined();
    expect(parseTraceparent(undefined)).toBeUndefined();
  });

  it('makes child spans in the same trace and new roots otherwise', () => {
    const parent = childTrace();
    const child = childTrace(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).not.toBe(parent.spanId);
    expect(parent.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
