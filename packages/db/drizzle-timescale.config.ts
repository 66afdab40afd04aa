import { defineConfig } from 'drizzle-kit';

// TimescaleDB-only migrations (hand-written with `generate --custom`), applied after the core
// ones and only where the extension is available.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle-timescale',
  casing: 'snake_case',
});
