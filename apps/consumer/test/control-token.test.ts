import { Writable } from 'node:stream';
import { createLogger } from '@weather/core/logger';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { ConsumerStats } from '../src/stats';

// With CONTROL_TOKEN set, the consumer's figures answer only who holds it (the web app).
const TOKEN = 'consumer-control-token-0123456789';

describe('consumer /stats with CONTROL_TOKEN', () => {
  it('answers 401 without or with a wrong token, 200 with it; /health, /ready and /metrics stay open', async () => {
    const app = await createApp({
      logger: createLogger({
        service: 'consumer',
        destination: new Writable({ write: (_c, _e, cb) => cb() }),
      }),
      stats: new ConsumerStats(),
      stallAfterMs: 60_000,
      controlToken: TOKEN,
    });
    const stats = (headers: Record<string, string>) => app.inject({ url: '/stats', headers });
    expect((await stats({})).statusCode).toBe(401);
    expect((await stats({ authorization: 'Bearer consumer-control-token-wrong' })).statusCode).toBe(
      401,
    );
    const ok = await stats({ authorization: `Bearer ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toHaveProperty('inserted');
    for (const url of ['/health', '/ready', '/metrics']) {
      const res = await app.inject({ url });
      expect([url, res.statusCode]).toEqual([url, 200]);
      expect(res.body).not.toContain(TOKEN);
    }
    await app.close();
  });
});
