import 'server-only';
import type { Principal } from '@weather/auth';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { services } from './context';

/**
 * The request's headers as pages use them: signed in by the session cookie alone. API keys open
 * the APIs only (SPEC §15), so an `Authorization` header on a page request is ignored.
 */
export async function pageHeaders(): Promise<Headers> {
  const own = new Headers(await headers());
  own.delete('authorization');
  return own;
}

/** Who is looking at this page (once per request), and whether anyone may read. */
export const pageViewer = cache(
  async (): Promise<{ principal: Principal | null; publicRead: boolean }> => {
    const access = services().access(await pageHeaders());
    const { principal } = await access.identify();
    return { principal, publicRead: access.publicRead };
  },
);

/** For every page that shows data: with PUBLIC_READ=false, a signed-out visitor signs in first. */
export async function requireReader(path: string): Promise<Principal | null> {
  const { principal, publicRead } = await pageViewer();
  if (!principal && !publicRead) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return principal;
}

/** For admin pages: a viewer is sent to the overview, a signed-out visitor to sign-in. */
export async function requireAdmin(path: string): Promise<Principal> {
  const { principal } = await pageViewer();
  if (!principal) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (principal.role !== 'admin') redirect('/');
  return principal;
}
