import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const fixture = path.join(import.meta.dirname, 'fixtures/service.ts');

/** Runs the fixture service; sends `signal` once it logged "started"; resolves on exit. */
function runFixture(mode: string, signal?: NodeJS.Signals) {
  return new Promise<{ code: number | null; lines: Record<string, unknown>[]; ms: number }>(
    (resolve) => {
      const started = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
        env: { ...process.env, FIXTURE_MODE: mode },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines: Record<string, unknown>[] = [];
      let buffer = '';
      child.stdout.on('data', (chunk) => {
        buffer += chunk.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) {
          const line = JSON.parse(part) as Record<string, unknown>;
          lines.push(line);
          if (line.msg === 'started' && signal) child.kill(signal);
        }
      });
      child.on('exit', (code) => resolve({ code, lines, ms: Date.now() - started }));
    },
  );
}

describe('runService', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('stops in order and exits 0 on %s', async (signal) => {
    const { code, lines } = await runFixture('ok', signal);
    expect(code).toBe(0);
    expect(lines.map((l) => l.msg)).toEqual(['started', 'shutting down', 'stopped']);
    expect(lines[1]).toMatchObject({ reason: signal, service: 'fixture' });
  });

  it('exits 1 when start fails', async () => {
    const { code, lines } = await runFixture('fail-start');
    expect(code).toBe(1);
    expect(lines[0]).toMatchObject({ level: 'fatal', msg: 'failed to start' });
  });

  it('exits 1 on an unhandled rejection after start', async () => {
    const { code, lines } = await runFixture('crash');
    expect(code).toBe(1);
    expect(lines.some((l) => l.msg === 'unhandled rejection')).toBe(true);
  });

  it('exits 1 when shutdown overruns its bound', async () => {
    const { code, lines } = await runFixture('hang', 'SIGTERM');
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ level: 'fatal', msg: 'shutdown timed out; exiting' });
  });
});
