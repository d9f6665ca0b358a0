/**
 * The node's one time source for "now": every domain injects `Clock` (provided once by the platform
 * module) instead of calling `new Date()`. Production uses the system clock; the sandbox uses an
 * AdjustableClock so tests (and demos) can file a case "on 2026-09-30" and look at it "on 2026-10-19".
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that can be pinned to an instant or shifted; unpinned it follows the system clock plus the offset. */
export class AdjustableClock extends Clock {
  private pinned?: number;
  private offsetMs = 0;

  now(): Date {
    return new Date(this.pinned ?? Date.now() + this.offsetMs);
  }

  /** Pin the clock to an instant (it stays there until moved). */
  set(instant: Date | string): void {
    const t = new Date(instant).getTime();
    if (Number.isNaN(t)) throw new RangeError(`not an instant: ${String(instant)}`);
    this.pinned = t;
  }

  /** Move the clock by `ms` (pinned or not). */
  advance(ms: number): void {
    if (this.pinned !== undefined) this.pinned += ms;
    else this.offsetMs += ms;
  }

  /** Back to the system clock. */
  reset(): void {
    this.pinned = undefined;
    this.offsetMs = 0;
  }
}
