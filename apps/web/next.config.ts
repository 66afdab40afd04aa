import path from 'node:path';
import type { NextConfig } from 'next';
import { API_CSP, COMMON_HEADERS } from './src/server/security-headers';

const config: NextConfig = {
  // Workspace packages ship as TypeScript source; Next compiles them with the app.
  transpilePackages: ['@weather/core', '@weather/db', '@weather/api', '@weather/auth'],
  // A self-contained server (apps/web/server.js under .next/standalone, traced from the repo
  // root) that `npm start` and the Docker image both run.
  output: 'standalone',
  outputFileTracingRoot: path.join(import.meta.dirname, '../..'),
  poweredByHeader: false,
  reactStrictMode: true,
  // The static headers (SPEC §15); the proxy sets the pages' CSP, whose nonce changes per request.
  async headers() {
    return [
      { source: '/:path*', headers: COMMON_HEADERS },
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: API_CSP }] },
    ];
  },
};

export default config;
