/**
 * True when every `%` of `s` starts a valid UTF-8 percent-encoded sequence (`%ZZ` and the
 * overlong `%C0%AF` do not). Every HTTP surface refuses a URL that fails this with 400.
 */
export function isWellEncoded(s: string): boolean {
  if (!s.includes('%')) return true;
  try {
    decodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}
