import { defineConfig } from 'vitest/config';

// The CLI tests start the real entry point, a tsx process of about a second of CPU each; on a
// busy machine a test of several runs takes far longer.
export default defineConfig({ test: { testTimeout: 180_000, hookTimeout: 60_000 } });
