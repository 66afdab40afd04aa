import { describe, expect, it } from 'vitest';
import { SeenKeys } from './seen-keys';

describe('SeenKeys', () => {
  it('remembers keys up to its capacity, forgetting the oldest first', () => {
    const seen = new SeenKeys(3);
    seen.addAll(['a', 'b', 'c']);
    seen.addAll(['a', 'd']);
    expect(seen.size).toBe(3);
    expect(seen.has('b')).toBe(false);
    expect(['a', 'c', 'd'].every((k) => seen.has(k))).toBe(true);
  });
});
