/**
 * Ingest tokens (SPEC §12) and API keys (SPEC §15): 192 random bits, base64url, after a kind
 * marker — `wxs_` for a station token, `wxg_` for a gateway token, `wxk_` for an API key — so a
 * leaked one is recognisable in a log or a secret scanner, and one kind is never taken for
 * another (an API key cannot ingest, an ingest token opens no API). Only the SHA-256 of a token is stored (a token has far more entropy than a
 * password, so a fast hash is safe), with its first characters as a visible prefix to name it by.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Ingest credentials' kinds. */
export type TokenKind = 'station' | 'gateway';

const MARKERS: Record<TokenKind | 'api_key', string> = {
  station: 'wxs_',
  gateway: 'wxg_',
  api_key: 'wxk_',
};

/** Characters of a token kept visible: the marker and eight of the random part. */
export const PREFIX_LENGTH = 12;

/** The shape of an ingest token we issue: a marker and 32 base64url characters. */
export const TOKEN_PATTERN = /^wx[sg]_[A-Za-z0-9_-]{32}$/;

/** The shape of an API key we issue. */
export const API_KEY_PATTERN = /^wxk_[A-Za-z0-9_-]{32}$/;

export interface IssuedToken {
  /** Shown once, to whoever created it; never stored or logged. */
  token: string;
  prefix: string;
  hash: string;
}

export function issueToken(kind: TokenKind | 'api_key'): IssuedToken {
  const token = `${MARKERS[kind]}${randomBytes(24).toString('base64url')}`;
  return { token, prefix: token.slice(0, PREFIX_LENGTH), hash: hashToken(token) };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The token of an `Authorization: Bearer <token>` header; undefined for none or another scheme. */
export const bearerToken = (header: string | null | undefined): string | undefined =>
  header == null ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
