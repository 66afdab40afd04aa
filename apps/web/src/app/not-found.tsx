import Link from 'next/link';
import { connection } from 'next/server';

/**
 * Unknown pages. Rendered per request (Next prerenders its default 404), so its scripts carry
 * the request's CSP nonce and run.
 */
export default async function NotFound() {
  await connection();
  return (
    <main>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <Link href="/">Back to the overview</Link>.
      </p>
    </main>
  );
}
