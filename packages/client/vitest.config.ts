import { defineConfig } from 'vitest/config';

// test/: the client against the built web app (`next build` output) over a real pipeline.
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 180_000 },
});
