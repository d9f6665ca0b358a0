import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { PollLoop } from './poll-loop.js';

describe('PollLoop', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('a stream of nudges closer together than the nudge delay still runs passes (it never postpones a due pass)', async () => {
    jest.useFakeTimers();
    let passes = 0;
    const loop = new PollLoop(
      async () => void passes++,
      () => 60_000,
      new Logger('test'),
      'test loop',
    );
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
    const loop = new PollLoop(
      async () => void passes++,
      () => 60_000,
      new Logger('test'),
      'test loop',
    );
    loop.start();
    await jest.advanceTimersByTimeAsync(1);
    loop.nudge();
    await jest.advanceTimersByTimeAsync(10);
    expect(passes).toBe(2);
    await loop.stop();
  });
});
