import { defineConfig } from 'vitest/config';

// The end-to-end alert tests wait out real silences and retries (seconds each).
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 60_000 } });
