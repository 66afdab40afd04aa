import { collectorBase } from './uplink';

/** Where simulated stations may send readings when a run or backfill names a collector. */
export interface AllowedTargets {
  /** Normalised `origin + path` of each allowed collector, as the operator listed them. */
  readonly entries: readonly string[];
  allows(url: string): boolean;
}

/**
 * `http://host:port/base` without a trailing slash or `/weather-data` suffix; undefined unless
 * an http(s) URL without credentials, query or fragment.
 */
export function normaliseTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username || parsed.password || parsed.search || parsed.hash) return undefined;
  return collectorBase(`${parsed.origin}${parsed.pathname}`);
}

/**
 * The allow-list of `GENERATOR_ALLOWED_TARGETS`: a URL is allowed when its origin (scheme, host,
 * port) is one listed and its path is the listed one (an origin alone allows any path). URLs
 * carrying credentials, a query or a fragment are never allowed.
 */
export function allowedTargets(list: readonly string[]): AllowedTargets {
  const entries = list.map((entry) => {
    const normalised = normaliseTarget(entry);
    if (normalised === undefined) throw new Error(`not an http(s) URL: ${entry}`);
    return normalised;
  });
  return {
    entries,
    allows(url) {
      const target = normaliseTarget(url);
      if (target === undefined) return false;
      return entries.some((entry) => {
        const origin = new URL(entry).origin;
        return entry === origin ? new URL(target).origin === origin : target === entry;
      });
    },
  };
}

/** Refused: the options name a collector outside the allow-list. Nothing was sent. */
export class TargetNotAllowedError extends Error {
  constructor(url: string) {
    super(
      `collector_url ${JSON.stringify(url.slice(0, 200))} is not one of the allowed targets ` +
        '(GENERATOR_ALLOWED_TARGETS); nothing was sent.',
    );
    this.name = 'TargetNotAllowedError';
  }
}
