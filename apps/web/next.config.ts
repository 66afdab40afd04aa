import path from 'node:path';
import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship as TypeScript source; Next compiles them with the app.
  transpilePackages: ['@weather/core', '@weather/db', '@weather/api', '@weather/auth'],
  // A self-contained server (apps/web/server.js under .next/standalone, traced from the repo
  // root) that `npm start` and the Docker image both run.
  output: 'standalone',
  outputFileTracingRoot: path.join(import.meta.dirname, '../..'),
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
