import { toNextJsHandler } from 'better-auth/next-js';
import { services } from '@/server/context';

export const dynamic = 'force-dynamic';

/** Better Auth's endpoints: sign-in, sign-out, the session (SPEC §15). */
export const { GET, POST } = toNextJsHandler((request: Request) =>
  services().auth.handler(request),
);
