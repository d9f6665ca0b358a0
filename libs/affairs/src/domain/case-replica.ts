import type { CaseEntry, CaseFiling } from '@guangfo/contracts';
import { apply, type CaseAggregate, fileCase } from './case.aggregate.js';

/** An entry as it travels: the filing carries the case as filed; `authorCity` is the signer. */
export interface ReplicatedEntry {
  caseId: string;
  entry: CaseEntry;
  authorCity: string;
  filing?: CaseFiling;
}

/** What a replica does with an entry given the version it holds (0 = no copy yet). */
export type Placement = 'apply' | 'duplicate' | 'buffer';

export const placeEntry = (version: number, seq: number): Placement =>
  seq <= version ? 'duplicate' : seq === version + 1 ? 'apply' : 'buffer';

/**
 * One city's copy of one case, in memory: applies entries in `seq` order, buffers the ones that
 * arrive early and drops duplicates, so any delivery order (with repeats) ends in the same case.
 * The database handler does the same with `affairs.pending_entry` as the buffer.
 */
export class CaseReplica {
  private current: CaseAggregate | null = null;
  private readonly buffer = new Map<number, ReplicatedEntry>();

  get case(): CaseAggregate | null {
    return this.current;
  }

  get buffered(): number {
    return this.buffer.size;
  }

  /** Returns what happened to the entry. */
  receive(r: ReplicatedEntry): Placement {
    const placement = placeEntry(this.current?.version ?? 0, r.entry.seq);
    if (placement === 'duplicate') return placement;
    if (placement === 'buffer') {
      if (!this.buffer.has(r.entry.seq)) this.buffer.set(r.entry.seq, r);
      return placement;
    }
    this.applyOne(r);
    for (let next = this.buffer.get(this.current!.version + 1); next; next = this.buffer.get(this.current!.version + 1)) {
      this.buffer.delete(next.entry.seq);
      this.applyOne(next);
    }
    return placement;
  }

  private applyOne(r: ReplicatedEntry): void {
    if (r.entry.seq === 1) {
      if (!r.filing) throw new Error('the filing entry must carry the case as filed');
      this.current = fileCase(r.caseId, r.filing, r.entry);
    } else {
      this.current = apply(this.current!, r.entry, r.authorCity);
    }
  }
}
