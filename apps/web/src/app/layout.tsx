import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { TRPCReactProvider } from '@/trpc/react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Weather pipeline',
  description: 'Live readings from your weather stations.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            <span aria-hidden="true">☁</span> Weather pipeline
          </Link>
          <nav aria-label="Main">
            <Link href="/">Overview</Link>
            <Link href="/stations">Stations</Link>
            <Link href="/docs">API docs</Link>
          </nav>
        </header>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
