import { describe, expect, it } from 'vitest';
import { randomClusterId } from '../infra/kafka/jvm.mjs';

describe('randomClusterId', () => {
  it('is 22 base64url characters and never starts with "-" (the storage tool would read it as an option)', () => {
    for (let i = 0; i < 5000; i += 1) {
      const id = randomClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});
