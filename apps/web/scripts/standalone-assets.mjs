// @ts-check
// `output: 'standalone'` leaves static assets out of the standalone server tree; copy them in so
// `node .next/standalone/apps/web/server.js` serves the whole app (npm start and Docker alike).
import { cpSync, existsSync } from 'node:fs';

const target = '.next/standalone/apps/web';
cpSync('.next/static', `${target}/.next/static`, { recursive: true });
if (existsSync('public')) cpSync('public', `${target}/public`, { recursive: true });
