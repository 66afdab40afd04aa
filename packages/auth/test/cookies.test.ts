import { infrastructure } from '@weather/core/services';
import { createTestDatabase } from '@weather/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, createUser } from '../src';

// The session cookie's attributes follow where the dashboard is served (PUBLIC_URL): Secure,
// with the __Secure- prefix, only over HTTPS; HttpOnly and SameSite=Lax always.
const baseUrl = process.env.DATABASE_URL ?? infrastructure.TEST_DATABASE_URL;
const PASSWORD = 'correct horse battery staple';

let database: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  database = await createTestDatabase(baseUrl, 'cookies');
  await createUser(database.db, { email: 'ops@example.org', password: PASSWORD, role: 'admin' });
});

afterAll(() => database?.drop());

async function sessionCookie(publicUrl: string) {
  const auth = createAuth({ db: database.db, secret: 'c'.repeat(40), publicUrl });
  const origin = new URL(publicUrl).origin;
  const res = await auth.handler(
    new Request(`${origin}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, 'x-forwarded-for': '198.51.100.1' },
      body: JSON.stringify({ email: 'ops@example.org', password: PASSWORD }),
    }),
  );
  expect(res.status).toBe(200);
  return res.headers.getSetCookie().find((c) => /session_token=/.test(c)) ?? '';
}

describe('the session cookie', () => {
  it('is Secure with the __Secure- prefix when the dashboard is served over HTTPS', async () => {
    const cookie = await sessionCookie('https://weather.example.org');
    expect(cookie).toMatch(/^__Secure-weather\.session_token=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('is not Secure over plain HTTP (a browser would drop it there), still HttpOnly and Lax', async () => {
    const cookie = await sessionCookie('http://weather.lan:3000');
    expect(cookie).toMatch(/^weather\.session_token=/);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });
});
