import type { Logger } from '@weather/core/logger';
import { type Database, touchCredentials } from '@weather/db';

/**
 * When each credential was last used, written in batches (every `flushIntervalMs`), never per
 * request. A failed write keeps the times for the next one.
 */
export class CredentialUsage {
  private pending = new Map<number, Date>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly flushIntervalMs = 10_000,
  ) {}

  start() {
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  used(credentialId: number, at = new Date()) {
    this.pending.set(credentialId, at);
  }

  /** Writes what is pending, after any write already under way. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private async write() {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await touchCredentials(this.db, batch);
    } catch (err) {
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.logger.warn({ err }, 'could not record when credentials were last used; will retry');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
