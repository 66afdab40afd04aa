/**
 * Ingest tokens (SPEC §12): 192 random bits, base64url, after a kind marker — `wxs_` for a
 * station token, `wxg_` for a gateway token — so a leaked one is recognisable in a log or a
 * secret scanner. Only the SHA-256 of a token is stored (a token has far more entropy than a
 * password, so a fast hash is safe), with its first characters as a visible prefix to name it by.
 */
import { createHash, randomBytes } from 'node:crypto';

export type TokenKind = 'station' | 'gateway';

const MARKERS: Record<TokenKind, string> = { station: 'wxs_', gateway: 'wxg_' };

/** Characters of a token kept visible: the marker and eight of the random part. */
export const PREFIX_LENGTH = 12;

/** The shape of a token we issue: a marker and 32 base64url characters. */
export const TOKEN_PATTERN = /^wx[sg]_[A-Za-z0-9_-]{32}$/;

export interface IssuedToken {
  /** Shown once, to whoever created it; never stored or logged. */
  token: string;
  prefix: string;
  hash: string;
}

export function issueToken(kind: TokenKind): IssuedToken {
  const token = `${MARKERS[kind]}${randomBytes(24).toString('base64url')}`;
  return { token, prefix: token.slice(0, PREFIX_LENGTH), hash: hashToken(token) };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
