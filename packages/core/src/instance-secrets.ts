/**
 * `npm run secrets -- <folder>`: the secrets a deployment needs, generated once into `folder`
 * (Docker Compose's one-shot `secrets` service, into a volume the services mount read-only and
 * read through `*_FILE` variables). Files that exist are kept, so sessions, the control token
 * and the first admin's password survive every later `up`. Prints which files it made, never
 * their contents.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** File name → how many random bytes (base64url). */
export const INSTANCE_SECRETS = {
  /** CONTROL_TOKEN_FILE: the internal services' controls. */
  'control-token': 24,
  /** AUTH_SECRET_FILE: signs session cookies (web and query). */
  'auth-secret': 32,
  /** ADMIN_PASSWORD_FILE: the first admin's password, on a database without users. */
  'admin-password': 15,
} as const;

export function ensureInstanceSecrets(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const made: string[] = [];
  for (const [name, bytes] of Object.entries(INSTANCE_SECRETS)) {
    const file = path.join(folder, name);
    if (existsSync(file)) continue;
    // 'wx': never overwrite one that another run made meanwhile.
    writeFileSync(file, `${randomBytes(bytes).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    made.push(name);
  }
  return made;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folder = process.argv[2];
  if (!folder) {
    process.stderr.write('usage: npm run secrets -- <folder>\n');
    process.exit(64);
  }
  const made = ensureInstanceSecrets(folder);
  process.stdout.write(
    made.length > 0
      ? `made ${made.join(', ')} in ${folder}\n`
      : `every secret already exists in ${folder}\n`,
  );
}
