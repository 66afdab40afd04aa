import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeNextPath } from '@/lib/access';
import { pageViewer } from '@/server/access';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign in · Weather pipeline' };

/** Email and password sign-in (SPEC §15); someone already signed in goes straight on. */
export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[] }>;
}) {
  const { next } = await searchParams;
  const target = safeNextPath(typeof next === 'string' ? next : null);
  const { principal } = await pageViewer();
  if (principal?.kind === 'session') redirect(target);
  return (
    <main className="sign-in-page">
      <section className="panel sign-in" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <p className="muted">
          With the email and password an admin set up for you; there is no self sign-up.
        </p>
        <SignInForm next={target} />
      </section>
    </main>
  );
}
