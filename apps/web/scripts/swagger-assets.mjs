// @ts-check
// The API docs page runs Swagger UI's own prebuilt bundle (swagger-ui-dist), served as static
// files: bundled by Turbopack instead, swagger-ui-react's ApiDOM breaks ("refract is not a
// function", vercel/next.js#86507) and no operation expands. Copied into public/ before each
// build and dev start (git-ignored), so the version is the one package-lock.json pins.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const target = 'public/vendor/swagger-ui';
mkdirSync(target, { recursive: true });
for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
  copyFileSync(path.join(dist, file), path.join(target, file));
}
