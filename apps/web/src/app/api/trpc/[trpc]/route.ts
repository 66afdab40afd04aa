import { handleTrpc } from '@weather/api';
import { createContext } from '@/server/context';
import { onlyMethods } from '@/server/http-errors';

export const dynamic = 'force-dynamic';

const handler = (req: Request) =>
  handleTrpc(req, (resHeaders) => createContext(req.headers, resHeaders), '/api/trpc');

export { handler as GET, handler as POST };
export const { DELETE, OPTIONS, PATCH, PUT } = onlyMethods('GET', 'POST');
