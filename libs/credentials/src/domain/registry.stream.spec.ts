import { describe, expect, it } from '@jest/globals';
import { advanceWatermark, applyCheckpoint, emptyStream, isBehind } from './registry.stream.js';

const t = (m: number) => new Date(Date.UTC(2026, 5, 1, 4, m)).toISOString();

describe('registry stream freshness', () => {
  it('advances over changes applied in order; as-of is the newest change', () => {
    let s = advanceWatermark(emptyStream(), new Map([[1, t(0)]]));
    s = advanceWatermark(s, new Map([[2, t(5)]]));
    expect(s).toMatchObject({ watermark: 2, watermarkAt: t(5), asOf: t(5) });
  });

  it('a checkpoint the receiver has reached moves as-of to the checkpoint time', () => {
    const s = applyCheckpoint(
      advanceWatermark(
        emptyStream(),
        new Map([
          [1, t(0)],
          [2, t(1)],
        ]),
      ),
      { sequence: 2, occurredAt: t(30) },
    );
    expect(s.asOf).toBe(t(30));
    expect(isBehind(s, 2)).toBe(false);
  });

  it('a gap holds as-of back: later changes are applied but prove nothing until the gap is filled', () => {
    let s = advanceWatermark(emptyStream(), new Map([[1, t(0)]]));
    s = advanceWatermark(s, new Map([[3, t(10)]])); // 2 was dead-lettered
    s = applyCheckpoint(s, { sequence: 3, occurredAt: t(30) });
    expect(s).toMatchObject({ watermark: 1, asOf: t(0), checkpointSequence: 3 });
    expect(isBehind(s, 3)).toBe(true);
    // The dead letter is replayed: 2 and the already-applied 3 close the gap, and the checkpoint counts.
    s = advanceWatermark(
      s,
      new Map([
        [2, t(5)],
        [3, t(10)],
      ]),
    );
    expect(s).toMatchObject({ watermark: 3, asOf: t(30) });
    expect(isBehind(s, 3)).toBe(false);
  });

  it('an empty registry is fresh as of its checkpoint (sequence 0)', () => {
    expect(applyCheckpoint(emptyStream(), { sequence: 0, occurredAt: t(1) }).asOf).toBe(t(1));
  });

  it('ignores an older checkpoint and never moves as-of backwards', () => {
    let s = applyCheckpoint(emptyStream(), { sequence: 0, occurredAt: t(20) });
    s = applyCheckpoint(s, { sequence: 0, occurredAt: t(10) });
    expect(s).toMatchObject({ checkpointAt: t(20), asOf: t(20) });
    s = applyCheckpoint(s, { sequence: 5, occurredAt: t(40) }); // ahead of us
    expect(s.asOf).toBe(t(20));
  });
});
