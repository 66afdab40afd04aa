import { onlyMethods } from '@/server/http-errors';
import { handleRest } from '@/server/rest';

export const dynamic = 'force-dynamic';
export const GET = handleRest;

export const { DELETE, OPTIONS, PATCH, POST, PUT } = onlyMethods('GET');
