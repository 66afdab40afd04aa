import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ApiDocs } from '@/components/api-docs';

// Rendered per request, like every page: the CSP nonce Next puts on its scripts is per request.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'API docs · Weather pipeline' };

export default async function DocsPage() {
  // The proxy's per-request nonce, for the Swagger UI bundle this page loads.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <main className="docs-page">
      <h1>Query API</h1>
      <p>
        REST endpoints under <code>/api</code>, generated from the same procedures the dashboard
        calls through tRPC (<code>/api/trpc</code>). The raw document is at{' '}
        <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
      <ApiDocs nonce={nonce} />
    </main>
  );
}
