import { handleRest } from '@/server/rest';

export const dynamic = 'force-dynamic';
export const GET = handleRest;
