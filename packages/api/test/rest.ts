import { type ApiContext, handleRest } from '../src';

/** A GET of the REST API under `/api`, in process: its status and JSON body. */
export async function restGet(path: string, context: () => ApiContext) {
  const res = await handleRest(new Request(`http://localhost/api${path}`), context, '/api');
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
