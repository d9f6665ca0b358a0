import { describe, expect, it } from '@jest/globals';
import { CASE_STATES, type CaseActor, type CaseState } from '@guangfo/contracts';
import { DomainError } from '@guangfo/platform';
import { AT, CASE_ID, caseIn, FS, fsClerk, fsResident, GZ, gzClerk, onlineFiling, proxyFiling } from '../../test-fixtures/case-factory.js';
import {
  apply,
  availableActions,
  CASE_ACTIONS,
  type CaseAction,
  type CaseAggregate,
  type CaseCommand,
  CaseReplicaError,
  decide,
  fileCase,
  holderOf,
  extendTimeLimit,
  refuseWithdrawal,
  responsibleCityOf,
  replay,
  RETURN_REASON_BASIS,
  RETURN_REASONS,
  transitionOf,
} from './case.aggregate.js';

/** A valid command for each action (details do not matter for the state machine). */
const COMMANDS: { [A in CaseAction]: Extract<CaseCommand, { action: A }> } = {
  forward: { action: 'forward' },
  return: { action: 'return', reasonCode: 'IDENTITY_NOT_VERIFIED' },
  accept: { action: 'accept' },
  reject: { action: 'reject', reasonCode: 'NOT_ELIGIBLE' },
  'request-supplement': { action: 'request-supplement', items: [{ materialId: 'home', description: '请提供清晰的住所证明' }] },
  supplement: {
    action: 'supplement',
    responses: [
      {
        itemId: 's1',
        evidence: { kind: 'file', fileName: 'home.pdf', mediaType: 'application/pdf', sizeBytes: 2, sha256: 'b'.repeat(64) },
      },
    ],
  },
  review: { action: 'review' },
  'special-procedure': { action: 'special-procedure', procedure: 'HEARING', expectedEnd: '2099-12-31' },
  resume: { action: 'resume' },
  decide: { action: 'decide', outcome: 'approved' },
  deliver: { action: 'deliver', method: 'window-pickup' },
  complete: { action: 'complete' },
  withdraw: { action: 'withdraw' },
};

/** The whole state machine, written out: state → action → next state. Every other pair is illegal. */
const WITH_INTAKE: Record<CaseState, Partial<Record<CaseAction, CaseState>>> = {
  // 行政许可法 art. 32(4): the receiving window gives the 补正 notice for what it finds missing.
  submitted: { forward: 'forwarded', return: 'returned', 'request-supplement': 'supplement-requested', withdraw: 'withdrawn' },
  returned: {},
  forwarded: { accept: 'accepted', reject: 'not-accepted', 'request-supplement': 'supplement-requested', withdraw: 'withdrawn' },
  'supplement-requested': { supplement: 'accepted', withdraw: 'withdrawn' },
  'not-accepted': {},
  // 行政许可法 art. 32(4): no 补正 after acceptance (受理).
  accepted: { review: 'under-review', decide: 'decided', withdraw: 'withdrawn' },
  'under-review': { 'special-procedure': 'special-procedure', decide: 'decided', withdraw: 'withdrawn' },
  'special-procedure': { resume: 'under-review', withdraw: 'withdrawn' },
  decided: { deliver: 'delivered' },
  delivered: { complete: 'completed' },
  completed: {},
  withdrawn: {},
};
/** Without intake (全程网办) only the submitted row differs: the administering city starts. */
const WITHOUT_INTAKE: Record<CaseState, Partial<Record<CaseAction, CaseState>>> = {
  ...WITH_INTAKE,
  submitted: { accept: 'accepted', reject: 'not-accepted', 'request-supplement': 'supplement-requested', withdraw: 'withdrawn' },
};

/** The right actor for an action on a case: the performer's clerk, or the applicant. */
const actorFor = (c: CaseAggregate, action: CaseAction): CaseActor => {
  const p = transitionOf(c, action)?.performer ?? 'administering';
  if (p === 'applicant') return fsResident;
  const city = p === 'receiving' ? c.filing.receivingCity : c.filing.administeringCity;
  return city === GZ ? gzClerk : fsClerk;
};

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    if (err instanceof CaseReplicaError) return 'REPLICA';
    throw err;
  }
  return 'OK';
};

describe('case state machine', () => {
  for (const [label, filing, table] of [
    ['异地代收代办 (intake at the receiving city)', proxyFiling(), WITH_INTAKE],
    ['全程网办 (no intake)', onlineFiling(), WITHOUT_INTAKE],
  ] as const) {
    describe(label, () => {
      for (const state of CASE_STATES) {
        for (const action of CASE_ACTIONS) {
          const expected = table[state][action];
          it(`${state} --${action}--> ${expected ?? '409 CASE_ILLEGAL_TRANSITION'}`, () => {
            const c = caseIn(state, filing);
            const ctx = { actor: actorFor(c, action), authorCity: holderOf(c) ?? GZ, at: AT };
            if (!expected) {
              expect(codeOf(() => decide(c, COMMANDS[action], ctx))).toBe('CASE_ILLEGAL_TRANSITION');
              return;
            }
            const entry = decide(c, COMMANDS[action], ctx);
            expect(entry).toMatchObject({
              seq: 6,
              fromState: state,
              toState: expected,
              kind: transitionOf(c, action)!.kind,
              reasonCode: expect.stringMatching(/^[A-Z_]+$/),
            });
            const next = apply(c, entry, ctx.authorCity);
            expect(next.state).toBe(expected);
            expect(next.version).toBe(6);
          });
        }
      }
    });
  }

  it('lists as available exactly the legal actions', () => {
    for (const state of CASE_STATES) {
      expect(
        availableActions(caseIn(state))
          .map((a) => a.action)
          .sort(),
      ).toEqual(Object.keys(WITH_INTAKE[state]).sort());
    }
  });

  it('passes the case between the cities: receiving (intake) → administering → applicant (补正) → receiving (送达)', () => {
    const holders = (
      [
        'submitted',
        'forwarded',
        'accepted',
        'supplement-requested',
        'under-review',
        'special-procedure',
        'decided',
        'delivered',
        'completed',
      ] as const
    ).map((s) => holderOf(caseIn(s)));
    expect(holders).toEqual([FS, GZ, GZ, FS, GZ, GZ, FS, FS, null]);
    expect(holderOf(caseIn('submitted', onlineFiling()))).toBe(GZ);
  });
});

describe('division of duties', () => {
  const at = AT;
  it("lets only the receiving city's clerk forward, and only the administering city's clerk accept and decide", () => {
    expect(codeOf(() => decide(caseIn('submitted'), { action: 'forward' }, { actor: gzClerk, authorCity: FS, at }))).toBe(
      'CASE_NOT_YOUR_DUTY',
    );
    expect(codeOf(() => decide(caseIn('forwarded'), { action: 'accept' }, { actor: fsClerk, authorCity: GZ, at }))).toBe(
      'CASE_NOT_YOUR_DUTY',
    );
    expect(
      codeOf(() => decide(caseIn('accepted'), { action: 'decide', outcome: 'approved' }, { actor: fsResident, authorCity: GZ, at })),
    ).toBe('CASE_NOT_YOUR_DUTY');
    expect(
      codeOf(() => decide(caseIn('decided'), { action: 'deliver', method: 'window-pickup' }, { actor: gzClerk, authorCity: FS, at })),
    ).toBe('CASE_NOT_YOUR_DUTY');
    expect(codeOf(() => decide(caseIn('accepted'), { action: 'withdraw' }, { actor: gzClerk, authorCity: GZ, at }))).toBe(
      'CASE_NOT_YOUR_DUTY',
    );
  });

  it('refuses a step written by a city that does not hold the case', () => {
    expect(codeOf(() => decide(caseIn('forwarded'), { action: 'accept' }, { actor: gzClerk, authorCity: FS, at }))).toBe(
      'CASE_NOT_HELD_HERE',
    );
  });

  it("lets a clerk of the applicant's city hand in a supplement for the applicant", () => {
    const e = decide(caseIn('supplement-requested'), COMMANDS.supplement, { actor: fsClerk, authorCity: FS, at });
    expect(e.kind).toBe('supplemented');
  });
});

describe('rules inside the steps', () => {
  const at = AT;
  const gz = { actor: gzClerk, authorCity: GZ, at };

  it('refuses to accept or approve while a required material is missing', () => {
    const c = caseIn('forwarded', proxyFiling({ missing: ['home'] }));
    expect(codeOf(() => decide(c, { action: 'accept' }, gz))).toBe('CASE_MATERIALS_INCOMPLETE');
    const a = caseIn('accepted', proxyFiling({ missing: ['home'] }));
    expect(codeOf(() => decide(a, { action: 'decide', outcome: 'approved' }, gz))).toBe('CASE_MATERIALS_INCOMPLETE');
    expect(decide(a, { action: 'decide', outcome: 'denied', reasonCode: 'REQUIREMENTS_NOT_MET' }, gz).reasonCode).toBe(
      'REQUIREMENTS_NOT_MET',
    );
  });

  it('lists every missing material in the one supplement notice, and allows only one notice', () => {
    const c = caseIn('forwarded', proxyFiling({ missing: ['id-card', 'home'] }));
    const e = decide(
      c,
      { action: 'request-supplement', items: [{ materialId: 'home', description: '住所证明' }, { description: '情况说明' }] },
      gz,
    );
    if (e.kind !== 'supplement-requested') throw new Error('expected a supplement request');
    expect(e.detail.items).toEqual([
      { id: 's1', materialId: 'home', description: '住所证明' },
      { id: 's2', materialId: null, description: '情况说明' },
      { id: 's3', materialId: 'id-card', description: expect.stringContaining('居民身份证') },
    ]);
    expect(e.detail.resumeState).toBe('forwarded');
    const after = apply(c, e, GZ);
    expect(holderOf(after)).toBe(FS);
    // The applicant answers every item; the case goes back where it was, materials updated.
    const file = { kind: 'file' as const, fileName: 'x.pdf', mediaType: 'application/pdf', sizeBytes: 1, sha256: 'c'.repeat(64) };
    const fs = { actor: fsResident, authorCity: FS, at };
    expect(codeOf(() => decide(after, { action: 'supplement', responses: [{ itemId: 's1', evidence: file }] }, fs))).toBe(
      'CASE_SUPPLEMENT_INVALID',
    );
    expect(
      codeOf(() =>
        decide(
          after,
          {
            action: 'supplement',
            responses: [
              { itemId: 's1', text: 'no file' },
              { itemId: 's2', text: 'x' },
              { itemId: 's3', evidence: file },
            ],
          },
          fs,
        ),
      ),
    ).toBe('CASE_SUPPLEMENT_INVALID');
    expect(codeOf(() => decide(after, { action: 'supplement', responses: [{ itemId: 's9', evidence: file }] }, fs))).toBe(
      'CASE_SUPPLEMENT_INVALID',
    );
    const answer = decide(
      after,
      {
        action: 'supplement',
        responses: [
          { itemId: 's1', evidence: file },
          { itemId: 's2', text: '已说明' },
          { itemId: 's3', evidence: file },
        ],
      },
      fs,
    );
    const back = apply(after, answer, FS);
    expect(back.state).toBe('forwarded');
    expect(back.materials.map((m) => m.status)).toEqual(['supplemented', 'supplemented']);
    expect(decide(back, { action: 'accept' }, gz).kind).toBe('accepted');
    expect(codeOf(() => decide(back, { action: 'request-supplement', items: [{ description: 'more' }] }, gz))).toBe(
      'CASE_SUPPLEMENT_ALREADY_REQUESTED',
    );
  });

  describe('行政许可法', () => {
    it('art. 32(4): 补正 only before acceptance (受理); after it the step is illegal', () => {
      expect(decide(caseIn('forwarded'), COMMANDS['request-supplement'], gz).kind).toBe('supplement-requested');
      for (const s of ['accepted', 'under-review'] as const) {
        expect(codeOf(() => decide(caseIn(s), COMMANDS['request-supplement'], gz))).toBe('CASE_ILLEGAL_TRANSITION');
        expect(availableActions(caseIn(s)).map((a) => a.action)).not.toContain('request-supplement');
      }
    });

    it('art. 32(4): intake problem goes to 补正, not 退件', () => {
      expect(RETURN_REASONS).not.toContain('FORM_INCOMPLETE');
      const c = caseIn('submitted', proxyFiling({ missing: ['home'] }));
      const fsAt = { actor: fsClerk, authorCity: FS, at };
      expect(availableActions(c).map((a) => a.action)).toEqual(['forward', 'return', 'request-supplement', 'withdraw']);
      expect(availableActions(c).find((a) => a.action === 'request-supplement')).toEqual({
        action: 'request-supplement',
        performer: 'receiving',
        city: FS,
      });
      // The receiving window's clerk gives the one notice; the administering city's clerk cannot act at intake.
      expect(codeOf(() => decide(c, COMMANDS['request-supplement'], gz))).toBe('CASE_NOT_YOUR_DUTY');
      const notice = decide(c, COMMANDS['request-supplement'], fsAt);
      expect(notice).toMatchObject({
        kind: 'supplement-requested',
        fromState: 'submitted',
        toState: 'supplement-requested',
        detail: { resumeState: 'submitted' },
      });
      const asked = apply(c, notice, FS);
      const answer = decide(asked, COMMANDS.supplement, { actor: fsResident, authorCity: FS, at });
      const back = apply(asked, answer, FS);
      // The answer comes back to the window, which forwards; the administering city accepts (no second notice).
      expect([back.state, holderOf(back)]).toEqual(['submitted', FS]);
      const forwarded = apply(back, decide(back, COMMANDS.forward, fsAt), FS);
      expect(availableActions(forwarded).map((a) => a.action)).toEqual(['accept', 'reject', 'withdraw']);
      expect(decide(forwarded, COMMANDS.accept, gz).kind).toBe('accepted');
    });

    it("art. 32(4): the 5-day window applies to the receiving window's notice too", () => {
      const c = caseIn('submitted');
      const fsAt = { actor: fsClerk, authorCity: FS, at: '2026-10-14T08:00:00Z', supplementNoticeDueOn: '2026-10-13' };
      expect(codeOf(() => decide(c, COMMANDS['request-supplement'], fsAt))).toBe('CASE_SUPPLEMENT_WINDOW_CLOSED');
      expect(availableActions(c, { today: '2026-10-14', supplementNoticeDueOn: '2026-10-13' }).map((a) => a.action)).not.toContain(
        'request-supplement',
      );
    });

    it('art. 32(1)(2): every 退件 reason cites its basis; an old FORM_INCOMPLETE entry still replays', () => {
      for (const r of RETURN_REASONS) expect(RETURN_REASON_BASIS[r]).toMatch(/\S/);
      const c = caseIn('submitted');
      const legacy = { ...decide(c, COMMANDS.return, { actor: fsClerk, authorCity: FS, at }), reasonCode: 'FORM_INCOMPLETE' };
      expect(apply(c, legacy, FS)).toMatchObject({ state: 'returned', version: 6 });
    });

    it('art. 32(4): the 补正 notice goes out within 5 working days of receipt, not after', () => {
      const c = caseIn('forwarded');
      const due = '2026-10-13';
      expect(decide(c, COMMANDS['request-supplement'], { ...gz, at: '2026-10-13T08:00:00Z', supplementNoticeDueOn: due }).kind).toBe(
        'supplement-requested',
      );
      expect(
        codeOf(() => decide(c, COMMANDS['request-supplement'], { ...gz, at: '2026-10-14T08:00:00Z', supplementNoticeDueOn: due })),
      ).toBe('CASE_SUPPLEMENT_WINDOW_CLOSED');
      expect(availableActions(c, { today: '2026-10-13', supplementNoticeDueOn: due }).map((a) => a.action)).toContain('request-supplement');
      expect(availableActions(c, { today: '2026-10-14', supplementNoticeDueOn: due }).map((a) => a.action)).not.toContain(
        'request-supplement',
      );
    });

    it('art. 32: availableActions offers accept only when every required material is there', () => {
      const missing = caseIn('forwarded', proxyFiling({ missing: ['home'] }));
      expect(availableActions(missing).map((a) => a.action)).toEqual(['reject', 'request-supplement', 'withdraw']);
      expect(codeOf(() => decide(missing, COMMANDS.accept, gz))).toBe('CASE_MATERIALS_INCOMPLETE');
      expect(availableActions(caseIn('forwarded')).map((a) => a.action)).toEqual(['accept', 'reject', 'request-supplement', 'withdraw']);
    });

    it('art. 42: a supervisor of the administering city extends the time limit once, +10 (+15 joint), with reasons', () => {
      const gzSupervisor: CaseActor = { role: 'supervisor', id: 'gz-supervisor', city: GZ, hall: 'GZ-TH-01' };
      const sup = { actor: gzSupervisor, authorCity: GZ, at };
      const c = caseIn('under-review');
      const e = extendTimeLimit(c, '需现场核实住所信息', sup);
      expect(e).toMatchObject({
        kind: 'extended',
        fromState: 'under-review',
        toState: 'under-review',
        reasonCode: 'EXTENSION_APPROVED',
        detail: { workingDays: 10, reason: '需现场核实住所信息' },
      });
      const after = apply(c, e, GZ);
      expect(after).toMatchObject({ state: 'under-review', version: 6, extension: { seq: 6, workingDays: 10 } });
      expect(codeOf(() => extendTimeLimit(after, 'again', sup))).toBe('CASE_ALREADY_EXTENDED');
      expect(codeOf(() => apply(after, { ...e, seq: 7 }, GZ))).toBe('REPLICA');
      expect(codeOf(() => extendTimeLimit(c, 'x', gz))).toBe('CASE_NOT_YOUR_DUTY');
      expect(codeOf(() => extendTimeLimit(c, '  ', sup))).toBe('CASE_REASON_REQUIRED');
      expect(codeOf(() => extendTimeLimit(caseIn('forwarded'), 'x', sup))).toBe('CASE_ILLEGAL_TRANSITION');
      expect(codeOf(() => extendTimeLimit(caseIn('decided'), 'x', sup))).toBe('CASE_NOT_HELD_HERE');
      const joint = caseIn('accepted', { ...proxyFiling(), mode: 'joint' });
      expect(extendTimeLimit(joint, '联合办理需协调', sup).detail.workingDays).toBe(15);
      expect(codeOf(() => apply(c, { ...e, detail: { ...e.detail, workingDays: 15 } }, GZ))).toBe('REPLICA');
    });

    it('好差评 谁办理、谁负责: the administering city answers for a case, the receiving city for its 退件', () => {
      expect(responsibleCityOf(caseIn('completed'))).toBe(GZ);
      expect(responsibleCityOf(caseIn('not-accepted'))).toBe(GZ);
      expect(responsibleCityOf(caseIn('returned'))).toBe(FS);
    });

    it('art. 45: only the listed procedures stop the clock, each with its expected end in writing', () => {
      const c = caseIn('under-review');
      for (const procedure of [
        'HEARING',
        'TENDER',
        'AUCTION',
        'INSPECTION',
        'TESTING',
        'QUARANTINE',
        'APPRAISAL',
        'EXPERT_REVIEW',
      ] as const) {
        expect(decide(c, { action: 'special-procedure', procedure, expectedEnd: '2026-10-30' }, gz)).toMatchObject({
          kind: 'special-procedure-started',
          detail: { procedure, expectedEnd: '2026-10-30' },
        });
      }
      expect(codeOf(() => decide(c, { action: 'special-procedure', procedure: 'HEARING' } as CaseCommand, gz))).toBe(
        'CASE_REASON_REQUIRED',
      );
      expect(codeOf(() => decide(c, { action: 'special-procedure', procedure: 'HEARING', expectedEnd: '2026-09-29' }, gz))).toBe(
        'CASE_REASON_REQUIRED',
      );
    });
  });

  it('needs reasons where the law does', () => {
    expect(codeOf(() => decide(caseIn('accepted'), { action: 'decide', outcome: 'denied' }, gz))).toBe('CASE_REASON_REQUIRED');
    expect(codeOf(() => decide(caseIn('forwarded'), { action: 'reject', reasonCode: 'OTHER' }, gz))).toBe('CASE_REASON_REQUIRED');
    expect(decide(caseIn('forwarded'), { action: 'reject', reasonCode: 'OTHER', reason: '另有规定' }, gz).reasonCode).toBe('OTHER');
    expect(codeOf(() => decide(caseIn('decided'), { action: 'deliver', method: 'mail' }, { actor: fsClerk, authorCity: FS, at }))).toBe(
      'CASE_REASON_REQUIRED',
    );
  });

  it('refuses a late withdrawal with an entry that changes nothing', () => {
    const c = caseIn('decided');
    const e = refuseWithdrawal(c, '0b6f2d3c-4e5a-4b7c-8d9e-0f1a2b3c4d5e', {
      actor: { role: 'system', id: 'affairs', city: FS },
      authorCity: FS,
      at,
    });
    const after = apply(c, e, FS);
    expect(after.state).toBe('decided');
    expect(after.version).toBe(6);
    expect(
      codeOf(() => refuseWithdrawal(caseIn('accepted'), '0b6f2d3c-4e5a-4b7c-8d9e-0f1a2b3c4d5e', { actor: gzClerk, authorCity: GZ, at })),
    ).toBe('CASE_ILLEGAL_TRANSITION');
  });
});

describe('applying replicated entries', () => {
  const at = AT;
  it('rejects entries out of sequence, from the wrong city, or to the wrong state', () => {
    const c = caseIn('forwarded');
    const e = decide(c, { action: 'accept' }, { actor: gzClerk, authorCity: GZ, at });
    expect(codeOf(() => apply(c, { ...e, seq: 8 }, GZ))).toBe('REPLICA');
    expect(codeOf(() => apply(c, e, FS))).toBe('REPLICA');
    expect(codeOf(() => apply(c, { ...e, toState: 'decided' }, GZ))).toBe('REPLICA');
    expect(codeOf(() => apply(c, { ...e, fromState: 'submitted' }, GZ))).toBe('REPLICA');
    expect(codeOf(() => apply(caseIn('accepted'), { ...e, fromState: 'accepted' }, GZ))).toBe('REPLICA');
  });

  it('arrives at the same case by replaying the timeline as by acting', () => {
    const filing = proxyFiling();
    const steps: [CaseAction, CaseActor, string][] = [
      ['forward', fsClerk, FS],
      ['request-supplement', gzClerk, GZ],
      ['supplement', fsResident, FS],
      ['accept', gzClerk, GZ],
      ['review', gzClerk, GZ],
      ['special-procedure', gzClerk, GZ],
      ['resume', gzClerk, GZ],
      ['decide', gzClerk, GZ],
      ['deliver', fsClerk, FS],
      ['complete', fsClerk, FS],
    ];
    let c = fileCase(CASE_ID, filing, {
      seq: 1,
      kind: 'filed',
      at,
      actor: fsClerk,
      fromState: null,
      toState: 'submitted',
      reasonCode: 'FILED_AT_WINDOW',
      detail: { mode: 'proxy', channel: 'window' },
    });
    const log = [
      {
        entry: {
          seq: 1,
          kind: 'filed' as const,
          at,
          actor: fsClerk,
          fromState: null,
          toState: 'submitted' as const,
          reasonCode: 'FILED_AT_WINDOW',
          detail: { mode: 'proxy' as const, channel: 'window' as const },
        },
        authorCity: FS,
      },
    ];
    for (const [action, actor, city] of steps) {
      const e = decide(c, COMMANDS[action], { actor, authorCity: city, at });
      c = apply(c, e, city);
      log.push({ entry: e as never, authorCity: city });
    }
    expect(c.state).toBe('completed');
    expect(c.version).toBe(11);
    expect(replay(CASE_ID, filing, log)).toEqual(c);
  });
});
