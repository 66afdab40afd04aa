import { Writable } from 'node:stream';
import { createLogger } from '@weather/core/logger';
import { describe, expect, it } from 'vitest';
import { LateDataRefresher } from './late-data';

const logger = createLogger({
  service: 'test',
  destination: new Writable({ write: (_c, _e, cb) => cb() }),
});
const NOW = Date.parse('2026-06-10T00:00:00Z');

describe('LateDataRefresher', () => {
  it('refreshes once over the merged span of readings older than the policy window, ignoring recent ones', async () => {
    const calls: { start: string; end: string }[] = [];
    const refresher = new LateDataRefresher(
      async ({ start, end }) =>
        void calls.push({ start: start.toISOString(), end: end.toISOString() }),
      logger,
      60_000,
      () => NOW,
    );
    refresher.note(['2026-06-09T12:00:00.000Z']);
    refresher.note(['2026-06-01T05:00:00.000Z', '2026-05-30T01:00:00.000Z']);
    refresher.note(['2026-06-02T07:30:00.000Z']);
    await refresher.flush();
    expect(calls).toEqual([{ start: '2026-05-30T01:00:00.000Z', end: '2026-06-02T07:30:00.001Z' }]);
    await refresher.flush();
    expect(calls).toHaveLength(1);
  });
});
