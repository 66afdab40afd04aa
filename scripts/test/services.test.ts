import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { services as manifest } from '@weather/core/services';
import { freePort } from '@weather/test-kit';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
/** The Node services that run from source (the web app runs from its build: tests/compose). */
const services = Object.values(manifest).flatMap((s) =>
  s.source ? [{ ...s, source: s.source }] : [],
);

function start(source: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', source], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, stderr: () => stderr };
}

async function waitForHealth(port: number, health: string, child: ChildProcess) {
  for (let attempt = 0; attempt < 200 && child.exitCode === null; attempt++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${health}`);
      if (res.ok) return (await res.json()) as { status: string; service: string };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`service on port ${port} never became healthy`);
}

describe.each(services)('$name service process', ({ name, portVar, source, health }) => {
  it('starts, answers /health, and exits 0 soon after SIGTERM', async () => {
    const port = await freePort();
    const service = start(source, { [portVar]: String(port) });
    expect(await waitForHealth(port, health, service.child)).toMatchObject({
      status: 'ok',
      service: name,
    });
    const stopAt = Date.now();
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  });

  it('refuses to start with an invalid variable, naming it', async () => {
    const service = start(source, { [portVar]: 'not-a-port' });
    expect(await service.exited).toBe(2);
    expect(service.stderr()).toContain(`${portVar}:`);
  });
});
