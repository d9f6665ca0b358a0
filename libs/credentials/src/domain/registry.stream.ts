/**
 * The replicated registry of one issuing city, as a receiver tracks it. The issuer numbers every
 * key and status change 1, 2, 3, … on one ordered stream (one Kafka key, so one partition). The
 * receiver knows the issuer's registry "as of" the issuer time of the newest change it applied
 * without a gap, or of a checkpoint (heartbeat) that names a sequence it has reached.
 * A gap (an event dead-lettered, say) stops the clock: status goes stale instead of silently wrong.
 */
export interface StreamState {
  /** Highest sequence applied with no gap before it (0: none). */
  watermark: number;
  /** Issuer time of the change at the watermark. */
  watermarkAt: string | null;
  /** The newest checkpoint received: the stream ended at `checkpointSequence` at `checkpointAt`. */
  checkpointSequence: number | null;
  checkpointAt: string | null;
  /** The registry is known as of this issuer time (monotonic). */
  asOf: string | null;
}

export const emptyStream = (): StreamState => ({
  watermark: 0,
  watermarkAt: null,
  checkpointSequence: null,
  checkpointAt: null,
  asOf: null,
});

const later = (a: string | null, b: string | null): string | null => {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
};

/** What the state proves, before taking the running maximum. */
const provenAsOf = (s: StreamState): string | null =>
  s.checkpointSequence !== null && s.checkpointAt !== null && s.watermark >= s.checkpointSequence
    ? later(s.watermarkAt, s.checkpointAt)
    : s.watermarkAt;

const settle = (s: StreamState): StreamState => ({ ...s, asOf: later(s.asOf, provenAsOf(s)) });

/**
 * Moves the watermark over every applied sequence that follows it without a gap.
 * @param applied issuer times of the applied changes with a sequence above the watermark
 */
export const advanceWatermark = (state: StreamState, applied: ReadonlyMap<number, string>): StreamState => {
  let { watermark, watermarkAt } = state;
  while (applied.has(watermark + 1)) {
    watermark += 1;
    watermarkAt = applied.get(watermark)!;
  }
  return settle({ ...state, watermark, watermarkAt });
};

/** Records a checkpoint (only a newer one replaces the last). */
export const applyCheckpoint = (state: StreamState, checkpoint: { sequence: number; occurredAt: string }): StreamState => {
  if (state.checkpointAt !== null && Date.parse(checkpoint.occurredAt) <= Date.parse(state.checkpointAt)) return settle(state);
  return settle({ ...state, checkpointSequence: checkpoint.sequence, checkpointAt: checkpoint.occurredAt });
};

/** True when the receiver is missing changes the issuer has announced (a gap or a checkpoint ahead). */
export const isBehind = (state: StreamState, highestSeen: number): boolean =>
  highestSeen > state.watermark || (state.checkpointSequence ?? 0) > state.watermark;
