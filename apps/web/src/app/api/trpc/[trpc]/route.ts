import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '@weather/api';
import { createContext } from '@/server/context';

export const dynamic = 'force-dynamic';

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext(resHeaders),
  });

export { handler as GET, handler as POST };
