import 'server-only';
import { handleRest as handle } from '@weather/api';
import { createContext, services } from './context';

/** REST for the web app: the API's OpenAPI handler with this process's context and cache. */
export const handleRest = (req: Request) =>
  handle(
    req,
    (resHeaders) => createContext(req.headers, resHeaders),
    '/api',
    services().cache,
    services().access(req.headers),
  );
