import type { defineConfig, Options } from 'tsup';

export declare function nodeService(overrides?: Options): ReturnType<typeof defineConfig>;
