import { describe, expect, it } from 'vitest';
import {
  checkWebhookUrl,
  isPublicAddress,
  signWebhook,
  verifyWebhook,
  WebhookAddressError,
} from '../src';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const ts = String(NOW / 1000);

describe('webhook signatures', () => {
  it('verify over the timestamp and the body, and refuse a changed body, key or an old timestamp', () => {
    const body = '{"event":"firing"}';
    const signature = signWebhook('whsec_k', ts, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('whsec_k', { timestamp: ts, signature, body }, { nowMs: NOW })).toBe(true);
    expect(
      verifyWebhook('whsec_k', { timestamp: ts, signature, body: `${body} ` }, { nowMs: NOW }),
    ).toBe(false);
    expect(verifyWebhook('other', { timestamp: ts, signature, body }, { nowMs: NOW })).toBe(false);
    // Replayed ten minutes later.
    expect(
      verifyWebhook('whsec_k', { timestamp: ts, signature, body }, { nowMs: NOW + 600_000 }),
    ).toBe(false);
    expect(verifyWebhook('whsec_k', { timestamp: null, signature, body }, { nowMs: NOW })).toBe(
      false,
    );
    expect(
      verifyWebhook('whsec_k', { timestamp: ts, signature: 'sha256=00', body }, { nowMs: NOW }),
    ).toBe(false);
  });
});

describe('webhook addresses', () => {
  it('counts only public unicast addresses as public', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
      '100.64.0.1',
    ]) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
    for (const address of ['93.184.216.34', '2606:4700::1111', '8.8.8.8']) {
      expect([address, isPublicAddress(address)]).toEqual([address, true]);
    }
  });

  it('refuses other schemes, credentials and private targets unless allowed', async () => {
    const refused = async (url: string, allow = false) => {
      const error = await checkWebhookUrl(url, allow).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebhookAddressError);
      return (error as Error).message;
    };
    expect(await refused('ftp://example.com/hook')).toBe('must be http or https');
    expect(await refused('file:///etc/passwd')).toBe('must be http or https');
    expect(await refused('not a url')).toBe('is not a URL');
    expect(await refused('http://user:pw@example.com/')).toMatch(/user name or password/);
    expect(await refused('http://127.0.0.1:8080/hook')).toMatch(
      /127\.0\.0\.1, a private, loopback or link-local address/,
    );
    expect(await refused('http://[::1]/hook')).toMatch(/::1/);
    expect(await refused('http://169.254.169.254/latest/meta-data')).toMatch(/169\.254/);
    // A name that resolves to loopback is refused by what it resolves to.
    expect(await refused('http://localhost:9000/')).toMatch(/private, loopback/);
    expect((await checkWebhookUrl('http://127.0.0.1:8080/hook', true)).port).toBe('8080');
  });
});
