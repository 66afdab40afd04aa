import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { syncOutput } from './trpc';

describe('syncOutput', () => {
  const schema = syncOutput(z.object({ n: z.number().min(0) }));

  it('resolves what the schema accepts and rejects what it refuses, through parseAsync', async () => {
    await expect(schema.parseAsync({ n: 1, extra: true })).resolves.toEqual({ n: 1 });
    await expect(schema.parseAsync({ n: -1 })).rejects.toThrow(/>=0|too small/i);
  });
});
