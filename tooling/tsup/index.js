// @ts-check
// Plain JavaScript: tsup loads each app's tsup.config.ts with this module left external, so it
// must run on Node as is.
import { defineConfig } from 'tsup';

/**
 * How every Node service is built: one ESM bundle per entry that inlines the workspace's own
 * TypeScript packages (`@weather/*`, which ship as source) and leaves npm dependencies external,
 * so `node dist/index.js` runs from a clean clone after `npm ci` with nothing else to compile.
 * @param {import('tsup').Options} [overrides]
 */
export function nodeService(overrides = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    clean: true,
    splitting: false,
    skipNodeModulesBundle: true,
    noExternal: [/^@weather\//],
    ...overrides,
  });
}
