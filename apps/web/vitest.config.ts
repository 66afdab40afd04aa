import { defineConfig } from 'vitest/config';

// src/: unit tests. test/: the built server (`next build` output) over real PostgreSQL and Redis.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
