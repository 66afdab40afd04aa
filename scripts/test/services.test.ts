import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const services = [
  { name: 'collector', portVar: 'COLLECTOR_PORT' },
  { name: 'consumer', portVar: 'CONSUMER_PORT' },
  { name: 'generator', portVar: 'GENERATOR_PORT' },
] as const;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function start(name: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${name}/src/index.ts`], {
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

async function waitForHealth(port: number, child: ChildProcess) {
  for (let attempt = 0; attempt < 200 && child.exitCode === null; attempt++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return (await res.json()) as { status: string; service: string };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`service on port ${port} never became healthy`);
}

describe.each(services)('$name service process', ({ name, portVar }) => {
  it('starts, answers /health, and exits 0 soon after SIGTERM', async () => {
    const port = await freePort();
    const service = start(name, { [portVar]: String(port) });
    expect(await waitForHealth(port, service.child)).toMatchObject({ status: 'ok', service: name });
    const stopAt = Date.now();
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  });

  it('refuses to start with an invalid variable, naming it', async () => {
    const service = start(name, { [portVar]: 'not-a-port' });
    expect(await service.exited).toBe(2);
    expect(service.stderr()).toContain(`${portVar}:`);
  });
});
