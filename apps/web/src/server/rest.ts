import 'server-only';
import { handleRest as handle } from '@weather/api';
import { createContext } from './context';

/** REST for the web app: the API's OpenAPI handler with this process's context. */
export const handleRest = (req: Request) => handle(req, createContext);
