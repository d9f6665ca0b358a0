import type { Logger } from '@nestjs/common';

/** How soon a nudged pass runs (a few ms, so that nudges arriving together make one pass). */
const NUDGE_DELAY_MS = 5;

/**
 * Runs `pass` every `intervalMs`, one pass at a time; `nudge()` asks for a pass soon (after the
 * current one, if running). The loop of `LeaseWorker`.
 */
export class PollLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private again = false;
  /** When the pending pass is due (ms since epoch); a nudge never pushes it later. */
  private dueAt = Number.POSITIVE_INFINITY;

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
    // A stream of nudges must not keep postponing the pass: keep a pass that is already due soon.
    if (this.timer && this.dueAt <= Date.now() + NUDGE_DELAY_MS) return;
    this.schedule(NUDGE_DELAY_MS);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Number.POSITIVE_INFINITY;
      this.running = this.pass()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.warn({ err }, `${this.what} pass failed`))
        .finally(() => {
          this.running = undefined;
          const next = this.again ? NUDGE_DELAY_MS : this.intervalMs();
          this.again = false;
          this.schedule(next);
        });
    }, ms);
  }
}
