import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionFor } from './partition';

describe('partitionFor', () => {
  it.each([1, 3, 6, 12])(
    'agrees with the Java-compatible partitioner of kafkajs (%i partitions)',
    (n) => {
      const partitioner = Partitioners.DefaultPartitioner();
      const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        replicas: [1],
        isr: [1],
        offlineReplicas: [],
        partitionErrorCode: 0,
      }));
      const keys = [
        '',
        'a',
        'ab',
        'abc',
        'abcd',
        'ST-001',
        'BENCH-0042',
        'Zürich-Fluntern',
        'x'.repeat(99),
      ];
      for (let i = 0; i < 500; i++) keys.push(`SIM-${i}`);
      for (const key of keys) {
        expect(partitionFor(key, n)).toBe(
          partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }),
        );
      }
    },
  );
});
