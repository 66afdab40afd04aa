import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureInstanceSecrets, INSTANCE_SECRETS } from './instance-secrets';

describe('ensureInstanceSecrets', () => {
  it('makes each secret once, owner-readable only, and keeps it on later runs', () => {
    const folder = path.join(mkdtempSync(path.join(os.tmpdir(), 'secrets-')), 'volume');
    expect(ensureInstanceSecrets(folder)).toEqual(Object.keys(INSTANCE_SECRETS));
    const first = Object.keys(INSTANCE_SECRETS).map((name) =>
      readFileSync(path.join(folder, name), 'utf8'),
    );
    for (const [i, value] of first.entries()) {
      expect(value).toMatch(/^[A-Za-z0-9_-]{20,}\n$/);
      const name = Object.keys(INSTANCE_SECRETS)[i] as string;
      expect(statSync(path.join(folder, name)).mode & 0o777).toBe(0o600);
    }
    expect(ensureInstanceSecrets(folder)).toEqual([]);
    expect(
      Object.keys(INSTANCE_SECRETS).map((name) => readFileSync(path.join(folder, name), 'utf8')),
    ).toEqual(first);
  });
});
