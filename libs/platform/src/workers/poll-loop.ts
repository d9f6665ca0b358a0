import type { Logger } from '@nestjs/common';

/**
 * Runs `pass` every `intervalMs`, one pass at a time; `nudge()` asks for a pass soon (after the
 * current one, if running). The loop of `LeaseWorker`.
 */
export class PollLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private again = false;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly intervalMs: () => number,
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(5);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn({ err }, `${this.what} pass failed`))
        .finally(() => {
          this.running = undefined;
          const next = this.again ? 5 : this.intervalMs();
          this.again = false;
          this.schedule(next);
        });
    }, ms);
  }
}
