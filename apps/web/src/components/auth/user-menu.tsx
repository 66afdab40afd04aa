'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { authClient } from '@/lib/auth-client';
import { useViewer } from './use-viewer';

/** The header's account corner: a sign-in link, or who is signed in, their role and sign-out. */
export function UserMenu() {
  const pathname = usePathname();
  const { user, isAdmin, loading } = useViewer();
  const [signingOut, setSigningOut] = useState(false);
  const [failed, setFailed] = useState(false);

  if (loading) return <div className="user-menu" aria-hidden="true" />;
  if (!user) {
    if (pathname === '/sign-in') return <div className="user-menu" />;
    const next = pathname && pathname !== '/' ? `?next=${encodeURIComponent(pathname)}` : '';
    return (
      <div className="user-menu" data-testid="user-menu">
        <Link href={`/sign-in${next}`} className="button">
          Sign in
        </Link>
      </div>
    );
  }

  const signOut = async () => {
    setSigningOut(true);
    setFailed(false);
    const { error } = await authClient.signOut().catch(() => ({ error: true }));
    if (error) {
      setSigningOut(false);
      setFailed(true);
      return;
    }
    // A full load: nothing of the session (a key shown once, admin lists) stays on screen; an
    // admin page sends the signed-out visitor on to sign-in.
    window.location.reload();
  };

  return (
    <div className="user-menu" data-testid="user-menu">
      {isAdmin && (
        <nav aria-label="Administration" className="admin-nav">
          <Link href="/users">Users</Link>
          <Link href="/api-keys">API keys</Link>
        </nav>
      )}
      <span className="user-who">
        <span className="user-name">{user.name}</span>
        {user.email && user.email !== user.name && (
          <span className="muted user-email">{user.email}</span>
        )}
      </span>
      <span className={`badge badge-role badge-role-${user.role}`} data-testid="user-role">
        {user.role}
      </span>
      {user.kind === 'session' && (
        <button type="button" className="button" onClick={signOut} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      )}
      {failed && (
        <span className="error-text" role="alert">
          Sign-out failed; try again.
        </span>
      )}
    </div>
  );
}
