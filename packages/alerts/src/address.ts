/**
 * Where a webhook may point (SPEC §17): http(s) only, and never at a private, loopback,
 * link-local or otherwise non-public address — unless `WEBHOOK_ALLOW_PRIVATE=true` (tests, or a
 * receiver on the operator's own network). Checked when a webhook is created and again at each
 * delivery, on the addresses the connection actually uses (DNS can change in between).
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export class WebhookAddressError extends Error {
  override name = 'WebhookAddressError';
}

/** Whether an IP address is one anyone on the internet could reach (ipaddr.js's `unicast`). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  // ::ffff:10.0.0.1 is 10.0.0.1.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  }
  return ip.range() === 'unicast';
}

/** The URL as a webhook target, or why it cannot be one (before any address is looked up). */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookAddressError('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookAddressError('must be http or https');
  }
  if (url.username || url.password) {
    throw new WebhookAddressError('must not carry a user name or password');
  }
  return url;
}

/** `host` as an IP literal (IPv6 without its brackets), or null for a name. */
const literalOf = (host: string) => {
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  return ipaddr.isValid(bare) ? bare : null;
};

/**
 * Checks a webhook URL now: its scheme, and (unless private addresses are allowed) every
 * address its host resolves to. Throws WebhookAddressError with the reason.
 */
export async function checkWebhookUrl(text: string, allowPrivate: boolean): Promise<URL> {
  const url = parseWebhookUrl(text);
  if (allowPrivate) return url;
  const literal = literalOf(url.hostname);
  const addresses = literal
    ? [literal]
    : await dns.promises
        .lookup(url.hostname, { all: true, verbatim: true })
        .then((found) => found.map((a) => a.address))
        .catch(() => {
          throw new WebhookAddressError(`its host ${url.hostname} does not resolve`);
        });
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (refused) {
    throw new WebhookAddressError(
      `resolves to ${refused}, a private, loopback or link-local address (set WEBHOOK_ALLOW_PRIVATE=true to allow)`,
    );
  }
  return url;
}

/**
 * A `lookup` for the delivery's connection that refuses non-public addresses, so the address
 * checked is the address connected to (no window for DNS to change in between).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true, verbatim: true }, (error, found) => {
    if (error) return callback(error, '', 0);
    const list = found as dns.LookupAddress[];
    const refused = list.find((a) => !isPublicAddress(a.address));
    if (refused) {
      return callback(
        new WebhookAddressError(`${hostname} resolves to ${refused.address}, a private address`),
        '',
        0,
      );
    }
    if (options.all)
      return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    const first = list[0] as dns.LookupAddress;
    callback(null, first.address, first.family);
  });
};

/** A literal IP host that is not public, refused before connecting (no lookup runs for it). */
export function refuseLiteralPrivate(url: URL) {
  const literal = literalOf(url.hostname);
  if (literal && !isPublicAddress(literal)) {
    throw new WebhookAddressError(`${literal} is a private, loopback or link-local address`);
  }
}
