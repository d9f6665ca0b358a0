import type { Logger } from '@nestjs/common';
import { backoffMs } from '@guangfo/kernel';
import pg from 'pg';

/**
 * Wakes a worker when rows it waits for are committed, in this process or any other on the same
 * database: the writer's transaction runs `pg_notify(channel)` (PostgreSQL delivers it only at
 * commit, once per transaction and channel), and this listener, on a connection of its own, calls
 * `onNotify`. The worker still polls: a notification missed while the connection was down costs one
 * poll interval, never a row. The connection is re-opened with backoff when it drops.
 */
export class CommitNotifier {
  private client?: pg.Client;
  private stopped = false;
  private attempt = 0;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly logger: Logger,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid notification channel ${channel}`);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: `guangfo-listen-${this.channel}` });
    client.on('notification', () => this.onNotify());
    client.on('error', (err) => {
      this.logger.warn({ err }, `${this.channel} listener connection failed; polling until it is back`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.client = client;
      this.attempt = 0;
      // Rows committed while no one listened: one pass now.
      this.onNotify();
    } catch (err) {
      this.logger.warn({ err }, `${this.channel} listener could not connect; polling until it is back`);
      await client.end().catch(() => undefined);
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || this.retry || (this.client && this.client !== client)) return;
    this.client = undefined;
    this.attempt += 1;
    this.retry = setTimeout(
      () => {
        this.retry = undefined;
        void this.connect();
      },
      backoffMs({ baseMs: 200, maxMs: 10_000 }, this.attempt),
    );
    this.retry.unref();
  }
}
