import type { Metadata } from 'next';
import { UsersAdmin } from '@/components/users/users-admin';
import { requireAdmin } from '@/server/access';
import { getQueryClient, HydrateClient, trpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Users · Weather pipeline' };

/** Who may sign in to the dashboard, and with which role (SPEC §15). Admins only. */
export default async function UsersPage() {
  await requireAdmin('/users');
  await getQueryClient().prefetchQuery(trpc.users.list.queryOptions());
  return (
    <main className="admin-page">
      <h1>Users</h1>
      <p className="registry-intro">
        People who sign in to the dashboard. Admins change everything — the simulator, stations,
        tokens, users and API keys; viewers read. No email is sent: give a new user their password
        yourself.
      </p>
      <HydrateClient>
        <UsersAdmin />
      </HydrateClient>
    </main>
  );
}
