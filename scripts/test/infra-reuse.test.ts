import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKafka, isKafkaAt } from '../infra/kafka.mjs';
import { ensureRedis } from '../infra/redis.mjs';

const rootDir = path.resolve(import.meta.dirname, '../..');
const broker = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0] ?? '';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Kafka brokers running on this machine (the JVM main class is on the command line). */
function brokerProcesses(): number {
  try {
    return Number(execFileSync('pgrep', ['-fc', 'kafka\\.Kafka'], { encoding: 'utf8' }).trim());
  } catch {
    return 0;
  }
}

describe('infrastructure script', () => {
  it('reuses the broker already answering at KAFKA_BROKERS instead of starting a second one', async () => {
    expect(await isKafkaAt(broker)).toBe(true);
    const before = brokerProcesses();
    const result = await ensureKafka({ brokers: broker, rootDir, log: () => {} });
    expect(result.started).toBe(false);
    await result.stop();
    expect(brokerProcesses()).toBe(before);
    expect(await isKafkaAt(broker)).toBe(true);
  });

  it('reuses the running Redis', async () => {
    const result = await ensureRedis({ url: redisUrl });
    expect(result.started).toBe(false);
  });

  describe('with a port held by something that is not Kafka', () => {
    const sockets = new Set<net.Socket>();
    const impostor = net.createServer((socket) => {
      sockets.add(socket);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    let port = 0;
    beforeAll(async () => {
      await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
      port = (impostor.address() as net.AddressInfo).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
    });

    it('says which port is taken and starts nothing', async () => {
      const before = brokerProcesses();
      expect(await isKafkaAt(`127.0.0.1:${port}`)).toBe(false);
      await expect(
        ensureKafka({ brokers: `127.0.0.1:${port}`, rootDir, log: () => {} }),
      ).rejects.toThrow(new RegExp(`${port}`));
      expect(brokerProcesses()).toBe(before);
    });
  });
});
