import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { deadLetterTopic } from '@weather/contracts/kafka-message';
import { createKafka } from '@weather/kafka';
import { brokers, silentLogger } from './kafka-app';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The collector as a real process (its own entry point, from source) on a free port, writing to
 * a fresh topic; `stop` ends it and removes the topics.
 */
export async function startCollector(label: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const topic = `weather.readings.test-${label}-${randomBytes(4).toString('hex')}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: path.resolve(import.meta.dirname, '..'),
    env: {
      ...process.env,
      COLLECTOR_PORT: String(port),
      KAFKA_TOPIC: topic,
      KAFKA_BROKERS: brokers.join(','),
      LOG_LEVEL: 'warn',
      // These tests are about the HTTP path; tokens are tested in ingest-auth.test.ts.
      INGEST_AUTH: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const log: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`collector exited with ${child.exitCode}: ${log.join('')}`);
    if (Date.now() > deadline) throw new Error(`collector not ready on ${url}: ${log.join('')}`);
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    topic,
    log,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const admin = createKafka({ clientId: 'cleanup', brokers, logger: silentLogger() }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => {});
      await admin.disconnect();
    },
  };
}
