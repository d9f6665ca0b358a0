import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { PollLoop } from './poll-loop.js';

/** A loop polling every minute (so that only nudges, wakes and full passes run it within a test). */
const loopOf = (pass: () => Promise<unknown>): PollLoop => new PollLoop(pass, () => 60_000, new Logger('test'), 'test loop');

describe('PollLoop', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('a stream of nudges closer together than the nudge delay still runs passes (it never postpones a due pass)', async () => {
    jest.useFakeTimers();
    let passes = 0;
    const loop = loopOf(async () => void passes++);
    loop.start();
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    // 50 nudges, 2 ms apart (as commits arrive under load): about one pass per 5 ms, not none.
    for (let i = 0; i < 50; i++) {
      loop.nudge();
      await jest.advanceTimersByTimeAsync(2);
    }
    expect(passes).toBeGreaterThanOrEqual(10);
    await loop.stop();
  });

  it('a nudge while idle runs a pass within a few milliseconds, long before the poll interval', async () => {
    jest.useFakeTimers();
    let passes = 0;
    const loop = loopOf(async () => void passes++);
    loop.start();
    await jest.advanceTimersByTimeAsync(1);
    loop.nudge();
    await jest.advanceTimersByTimeAsync(10);
    expect(passes).toBe(2);
    await loop.stop();
  });
  it('wake() runs a pass at once, sooner than a nudge already waiting; during a pass, the next starts as it ends', async () => {
    jest.useFakeTimers();
    const started: number[] = [];
    let finish: (() => void) | undefined;
    const loop = loopOf(() => {
      started.push(Date.now());
      return new Promise<void>((resolve) => (finish = resolve));
    });
    loop.start();
    await jest.advanceTimersByTimeAsync(1);
    finish!();
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toHaveLength(1);

    // A nudge (before a commit) waits a few ms; the commit's wake() does not wait for it.
    loop.nudge();
    loop.wake();
    const woken = Date.now();
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(2);
    expect(started[1]! - woken).toBeLessThanOrEqual(1);

    // Woken while that pass runs: the next pass starts as soon as it ends, not after the nudge delay.
    loop.wake();
    await jest.advanceTimersByTimeAsync(20);
    expect(started).toHaveLength(2);
    finish!();
    const ended = Date.now();
    await jest.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(3);
    expect(started[2]! - ended).toBeLessThanOrEqual(1);

    // Nothing asked for: the poll interval.
    finish!();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(started).toHaveLength(3);
    finish!();
    await loop.stop();
  });

  it('a pass that resolves true (a full batch: more is waiting) is followed at once; otherwise the poll interval', async () => {
    jest.useFakeTimers();
    const started: number[] = [];
    // A backlog of 3 full batches, then an empty outbox.
    let backlog = 3;
    const loop = loopOf(async () => {
      started.push(Date.now());
      return backlog-- > 0;
    });
    loop.start();
    await jest.advanceTimersByTimeAsync(5);
    // The three full passes and the one that found the rest, each right after the one before: not one per 60 s.
    expect(started).toHaveLength(4);
    expect(started[3]! - started[0]!).toBeLessThanOrEqual(5);
    // The last found less than a batch: the next waits for the poll interval.
    await jest.advanceTimersByTimeAsync(30_000);
    expect(started).toHaveLength(4);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(started).toHaveLength(5);
    await loop.stop();
  });
});
