import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { CaseActor, CaseEntry } from '@guangfo/contracts';
import { AT, CASE_ID, fsClerk, fsResident, GZ, gzClerk, proxyFiling } from '../../test-fixtures/case-factory.js';
import { apply, availableActions, type CaseAction, type CaseAggregate, type CaseCommand, decide, fileCase } from './case.aggregate.js';
import { CaseReplica, placeEntry, type ReplicatedEntry } from './case-replica.js';

const command = (a: CaseAction): CaseCommand => {
  switch (a) {
    case 'forward':
      return { action: 'forward' };
    case 'return':
      return { action: 'return', reasonCode: 'WRONG_ROUTE' };
    case 'accept':
      return { action: 'accept' };
    case 'reject':
      return { action: 'reject', reasonCode: 'NOT_ELIGIBLE' };
    case 'request-supplement':
      return { action: 'request-supplement', items: [{ description: '情况说明' }] };
    case 'supplement':
      return { action: 'supplement', responses: [{ itemId: 's1', text: '已说明' }] };
    case 'review':
      return { action: 'review' };
    case 'special-procedure':
      return { action: 'special-procedure', procedure: 'TESTING', expectedEnd: '2099-12-31' };
    case 'resume':
      return { action: 'resume' };
    case 'decide':
      return { action: 'decide', outcome: 'denied', reasonCode: 'REQUIREMENTS_NOT_MET' };
    case 'deliver':
      return { action: 'deliver', method: 'mail', trackingNumber: 'EMS1' };
    case 'complete':
      return { action: 'complete' };
    case 'withdraw':
      return { action: 'withdraw' };
  }
};

const actorOf = (city: string, a: CaseAction): CaseActor =>
  a === 'supplement' || a === 'withdraw' ? fsResident : city === GZ ? gzClerk : fsClerk;

/** A random legal life of a case, as the authoring cities wrote it. */
const randomTimeline = (choices: number[]): { entries: ReplicatedEntry[]; final: CaseAggregate } => {
  const filing = proxyFiling();
  const first: CaseEntry = {
    seq: 1,
    kind: 'filed',
    at: AT,
    actor: fsClerk,
    fromState: null,
    toState: 'submitted',
    reasonCode: 'FILED_AT_WINDOW',
    detail: { mode: 'proxy', channel: 'window' },
  };
  let c = fileCase(CASE_ID, filing, first);
  const entries: ReplicatedEntry[] = [{ caseId: CASE_ID, entry: first, authorCity: '440600', filing }];
  for (const pick of choices) {
    const options = availableActions(c);
    if (!options.length) break;
    const { action } = options[pick % options.length];
    const holder =
      action === 'withdraw'
        ? c.state === 'supplement-requested' || c.state === 'submitted'
          ? '440600'
          : GZ
        : options[pick % options.length].city;
    const e = decide(c, command(action), { actor: actorOf(holder, action), authorCity: holder, at: AT });
    c = apply(c, e, holder);
    entries.push({ caseId: CASE_ID, entry: e, authorCity: holder });
  }
  return { entries, final: c };
};

describe('case replica ordering', () => {
  it('places entries: apply the next, buffer later ones, drop what it has', () => {
    expect(placeEntry(0, 1)).toBe('apply');
    expect(placeEntry(3, 4)).toBe('apply');
    expect(placeEntry(3, 6)).toBe('buffer');
    expect(placeEntry(3, 3)).toBe('duplicate');
    expect(placeEntry(3, 1)).toBe('duplicate');
  });

  it("converges to the author's case after any delivery order, with duplicates", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(20), { minLength: 0, maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        fc.array(fc.nat(30), { maxLength: 10 }),
        (choices, keys, dupes) => {
          const { entries, final } = randomTimeline(choices);
          const deliveries = [...entries, ...dupes.map((d) => entries[d % entries.length])];
          const order = deliveries
            .map((e, i) => ({ e, k: keys[i % keys.length] * 64 + i }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          const replica = new CaseReplica();
          for (const e of order) replica.receive(e);
          expect(replica.buffered).toBe(0);
          expect(replica.case).toEqual(final);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds early entries until the gap is filled', () => {
    const { entries, final } = randomTimeline([0, 0, 2, 0, 0, 0]);
    const replica = new CaseReplica();
    expect(replica.receive(entries[2])).toBe('buffer');
    expect(replica.receive(entries[1])).toBe('buffer');
    expect(replica.case).toBeNull();
    expect(replica.receive(entries[0])).toBe('apply');
    expect(replica.case?.version).toBe(3);
    for (const e of entries.slice(3).reverse()) replica.receive(e);
    expect(replica.receive(entries[3])).toBe('duplicate');
    expect(replica.case).toEqual(final);
  });
});
