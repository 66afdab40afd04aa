import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Pipeline tests run real services; one file at a time keeps them within 2 cores.
    fileParallelism: false,
  },
});
