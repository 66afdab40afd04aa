import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { UserMenu } from '@/components/auth/user-menu';
import { TRPCReactProvider } from '@/trpc/react';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';
import './globals.css';

export const metadata: Metadata = {
  title: 'Weather pipeline',
  description: 'Live readings from your weather stations.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Who is looking, in the first HTML: the user menu and role-aware controls render right away.
  await getQueryClient().prefetchQuery(trpc.auth.me.queryOptions());
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          <HydrateClient>
            <header className="site-header">
              <Link href="/" className="brand">
                <span aria-hidden="true">☁</span> Weather pipeline
              </Link>
              <nav aria-label="Main">
                <Link href="/">Overview</Link>
                <Link href="/stations">Stations</Link>
                <Link href="/alerts">Alerts</Link>
                <Link href="/docs">API docs</Link>
              </nav>
              <UserMenu />
            </header>
          </HydrateClient>
          {children}
        </TRPCReactProvider>
      </body>
    </html>
  );
}
