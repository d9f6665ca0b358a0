import type { Logger } from '@nestjs/common';

/** How soon a nudged pass runs (a few ms, so that nudges arriving together make one pass). */
const NUDGE_DELAY_MS = 5;

/**
 * Runs `pass` every `intervalMs`, one pass at a time; `nudge()` asks for a pass soon (after the
 * current one, if running), `wake()` for one at once (after the current one, if running). A pass
 * that resolves `true` (it found more work than it could take: a full batch) is followed at once by
 * the next, so a backlog drains pass after pass instead of one pass per interval. The loop of
 * `LeaseWorker` and of the audit chainer.
 */
export class PollLoop {
  /** Cancels the pending pass (a timer, or an immediate for a pass at once). */
  private cancel?: () => void;
  private running?: Promise<void>;
  private stopped = false;
  /** The delay of the pass asked for while one was running (none: the poll interval). */
  private againIn = Number.POSITIVE_INFINITY;
  /** When the pending pass is due (ms since epoch); a nudge never pushes it later. */
  private dueAt = Number.POSITIVE_INFINITY;

  constructor(
    /** Resolves `true` when more work is probably waiting (the next pass then starts at once). */
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
    this.cancel?.();
    await this.running;
  }

  /**
   * A pass soon: in a few ms, so that nudges arriving together make one pass (e.g. a writer's, before its transaction
   * commits).
   */
  nudge(): void {
    this.request(NUDGE_DELAY_MS);
  }

  /**
   * A pass at once: what it waits for is there now (e.g. a commit notification: the rows are committed). While a pass
   * runs, the next one starts as soon as it ends; what arrives in the meantime makes that pass's batch.
   */
  wake(): void {
    this.request(0);
  }

  private request(delayMs: number): void {
    if (this.stopped) return;
    if (this.running) {
      this.againIn = Math.min(this.againIn, delayMs);
      return;
    }
    // A stream of requests must not keep postponing the pass: keep a pass that is already due by then.
    if (this.cancel && this.dueAt <= Date.now() + delayMs) return;
    this.schedule(delayMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancel?.();
    this.dueAt = Date.now() + ms;
    const run = (): void => {
      this.cancel = undefined;
      this.dueAt = Number.POSITIVE_INFINITY;
      let more = false;
      this.running = this.pass()
        .then((result) => void (more = result === true))
        .catch((err: unknown) => this.logger.warn({ err }, `${this.what} pass failed`))
        .finally(() => {
          this.running = undefined;
          const next = more ? 0 : Number.isFinite(this.againIn) ? this.againIn : this.intervalMs();
          this.againIn = Number.POSITIVE_INFINITY;
          this.schedule(next);
        });
    };
    // At once is an immediate, not a timer (a timer waits at least 1 ms).
    if (ms <= 0) {
      const immediate = setImmediate(run);
      this.cancel = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(run, ms);
      this.cancel = () => clearTimeout(timer);
    }
  }
}
