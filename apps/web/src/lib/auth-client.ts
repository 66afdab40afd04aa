import { createAuthClient } from 'better-auth/react';

/**
 * Better Auth's browser client: sign-in and sign-out on this site's `/api/auth` (same origin,
 * so the session cookie and the Origin header travel with every call).
 */
export const authClient = createAuthClient({ basePath: '/api/auth' });
