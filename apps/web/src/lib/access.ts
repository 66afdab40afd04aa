/** Sign-in and the admin screens (SPEC §15): what they compute, apart from what they draw. */
export { MIN_PASSWORD_LENGTH } from '@weather/auth/access';

/** The roles as the user and API key forms offer them. */
export const ROLE_OPTIONS = [
  { value: 'viewer', label: 'viewer — reads' },
  { value: 'admin', label: 'admin — reads and changes everything' },
] as const;

/**
 * Where to go after sign-in: `next` when it is a path on this site, else the overview. A value
 * starting `//` or `/\` is another host to a browser, so only a single leading `/` passes.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Control characters (a browser drops tabs and newlines: `/\t/evil.example`) never pass.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  if (/[\u0000-\u001f\u007f]/.test(next)) return '/';
  const base = 'http://this.site';
  const url = new URL(next, base);
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can make `//` again (`/..//evil.example`): check what would be navigated to.
  return url.origin === base && !path.startsWith('//') ? path : '/';
}

/** What the sign-in form says when Better Auth refuses: one answer for a wrong email or password. */
export function signInFailure(status: number, retryAfterS: number | null): string {
  if (status === 401) return 'Wrong email or password.';
  if (status === 429)
    return `Too many sign-in attempts: wait ${waitText(retryAfterS)} and try again.`;
  if (status === 400) return 'Enter an email address and a password.';
  if (status === 403) return 'Sign-in was refused: open the dashboard from its own address.';
  return `Sign-in failed (${status}); try again in a moment.`;
}

/** "42 s" up to a minute and a half, then whole minutes ("15 min"); "a minute" when unknown. */
function waitText(seconds: number | null): string {
  if (seconds === null || seconds <= 0) return 'a minute';
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** Better Auth's `X-Retry-After` (whole seconds), or null when absent or not a number. */
export function retryAfterSeconds(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

/** The part of a tRPC client error the admin forms look at. */
export interface ProcedureError {
  message: string;
  data?: {
    error?: string;
    issues?: { path: (string | number)[]; message: string }[];
  } | null;
}

/**
 * A failed input check as one message per form field, keyed by the last part of its path
 * (`fields.latitude` → `latitude`): the form shows each beside its input.
 */
export function fieldProblems(error: ProcedureError | null | undefined): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const issue of error?.data?.issues ?? []) {
    const key = issue.path.at(-1);
    if (key === undefined) continue;
    problems[String(key)] ??= issue.message;
  }
  return problems;
}

/** The refusal as the page shows it: the server's own sentence, or a fallback. */
export const refusalText = (error: ProcedureError) =>
  error.message || `Refused (${error.data?.error ?? 'unknown reason'})`;

/** "curl … /stations" with an API key, against the query service on the host the page came from. */
export function apiKeyExample(key: string, host: string, port: number): string {
  return `curl -H "Authorization: Bearer ${key}" http://${host}:${port}/stations`;
}

/** A reading posted with a station token, against the collector on the host the page came from. */
export function tokenExample(
  token: string,
  stationId: string,
  at: { host: string; port: number; timestamp: string },
): string {
  const reading = JSON.stringify({
    station_id: stationId,
    timestamp: at.timestamp,
    temperature: 12.5,
  });
  const { host, port } = at;
  return [
    `curl -X POST http://${host}:${port}/weather-data \\`,
    `  -H "Authorization: Bearer ${token}" -H 'content-type: application/json' \\`,
    `  -d '${reading}'`,
  ].join('\n');
}
