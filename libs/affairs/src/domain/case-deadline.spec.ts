import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { loadOfficialCalendar, WorkingDayCalendar } from '@guangfo/catalogue';
import { calendarPauses, computeCaseDeadline, pausesOf, type TimelinePoint } from './case-deadline.js';

const calendar = loadOfficialCalendar();
const limits = { committed: 10, legal: 20 };
/** 09:00 in Shanghai on a date. */
const at = (date: string): string => new Date(`${date}T09:00:00+08:00`).toISOString();
const tl = (...points: [TimelinePoint['kind'], string][]): TimelinePoint[] => points.map(([kind, d]) => ({ kind, at: at(d) }));

describe('case deadlines (working days, official calendar, Asia/Shanghai)', () => {
  it('skips the National Day holiday and counts the 调休 Saturday: filed 2026-09-30, 10 working days → 2026-10-20', () => {
    const d = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: tl(['filed', '2026-09-30']),
      state: 'submitted',
      now: at('2026-09-30'),
    });
    // Oct 1–7 are holidays; Sat Oct 10 is a make-up working day: 8, 9, 10, 12, 13, 14, 15, 16, 19, 20.
    expect(d.decisionDueDate).toBe('2026-10-20');
    expect(d.legalDueDate).toBe('2026-11-03');
    expect(d).toMatchObject({
      stage: 'decision',
      startDate: '2026-09-30',
      dueDate: '2026-10-20',
      remainingWorkingDays: 10,
      overdue: false,
      nearDue: false,
      clockPaused: false,
      calendarCovered: true,
    });
    // Without the holiday the same 10 working days would end on 2026-10-14.
    expect(new WorkingDayCalendar({ 2026: { holidays: [], workdays: [] } }).addWorkingDays('2026-09-30', 10)).toBe('2026-10-14');
  });

  it('counts the filing day as day zero (期间开始之日不计入) even when filed late in the evening, Shanghai time', () => {
    const d = computeCaseDeadline(calendar, {
      timeLimits: { committed: 1, legal: null },
      timeline: [{ kind: 'filed', at: '2026-11-23T15:30:00Z' }],
      state: 'submitted',
      now: '2026-11-23T15:30:00Z',
    });
    expect(d.startDate).toBe('2026-11-23'); // 23:30 in Shanghai is still Monday the 23rd
    expect(d.decisionDueDate).toBe('2026-11-24');
    expect(d.legalDueDate).toBeNull();
  });

  it('flags near-due (≤ 3 working days left) and overdue', () => {
    const timeline = tl(['filed', '2026-11-02']);
    const due = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'accepted', now: at('2026-11-02') }).dueDate;
    expect(due).toBe('2026-11-16');
    const near = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'accepted', now: at('2026-11-11') });
    expect(near).toMatchObject({ remainingWorkingDays: 3, nearDue: true, overdue: false });
    const fourLeft = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'accepted', now: at('2026-11-10') });
    expect(fourLeft).toMatchObject({ remainingWorkingDays: 4, nearDue: false });
    const today = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'accepted', now: at('2026-11-16') });
    expect(today).toMatchObject({ remainingWorkingDays: 0, nearDue: true, overdue: false });
    const late = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'under-review', now: at('2026-11-18') });
    expect(late).toMatchObject({ remainingWorkingDays: -2, overdue: true, nearDue: false });
  });

  it('stops the clock while waiting on the applicant (补正), from the day after the request to the day of the answer', () => {
    // Requested Tue 11-03, answered Fri 11-06: Wed, Thu, Fri do not count → due moves by 3 working days.
    const timeline = tl(
      ['filed', '2026-11-02'],
      ['accepted', '2026-11-02'],
      ['supplement-requested', '2026-11-03'],
      ['supplemented', '2026-11-06'],
    );
    const d = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'accepted', now: at('2026-11-06') });
    expect(d.pauses).toEqual([{ reason: 'supplement', startedOn: '2026-11-03', endedOn: '2026-11-06' }]);
    expect(d.pausedWorkingDays).toBe(3);
    expect(d.dueDate).toBe('2026-11-19');
    expect(d.clockPaused).toBe(false);
  });

  it('keeps the due date moving while a pause is still open, and does not flag a paused case overdue', () => {
    const timeline = tl(
      ['filed', '2026-11-02'],
      ['accepted', '2026-11-02'],
      ['review-started', '2026-11-02'],
      ['special-procedure-started', '2026-11-04'],
    );
    const d1 = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'special-procedure', now: at('2026-11-10') });
    expect(d1.clockPaused).toBe(true);
    expect(d1.pausedWorkingDays).toBe(4); // Thu 5, Fri 6, Mon 9, Tue 10
    expect(d1.dueDate).toBe('2026-11-20');
    const d2 = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'special-procedure', now: at('2026-11-25') });
    expect(d2.overdue).toBe(false);
    expect(d2.remainingWorkingDays).toBe(d1.remainingWorkingDays);
  });

  it('a pause that starts and ends on the same day stops nothing', () => {
    expect(
      calendarPauses(
        pausesOf(tl(['filed', '2026-11-02'], ['supplement-requested', '2026-11-03'], ['supplemented', '2026-11-03'])),
        '2026-11-20',
      ),
    ).toEqual([]);
  });

  it('gives delivery 10 working days after the decision, and no due date once closed', () => {
    const timeline = tl(['filed', '2026-09-28'], ['accepted', '2026-09-28'], ['decided', '2026-09-30']);
    const d = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'decided', now: at('2026-10-09') });
    expect(d).toMatchObject({ stage: 'delivery', deliveryDueDate: '2026-10-20', dueDate: '2026-10-20' });
    const closed = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: [...timeline, ...tl(['delivered', '2026-10-09'])],
      state: 'delivered',
      now: at('2026-12-01'),
    });
    expect(closed).toMatchObject({ stage: 'closed', dueDate: null, remainingWorkingDays: null, overdue: false, nearDue: false });
  });

  it('counts a case filed on 2026-12-15 for 20 working days into January 2027, marked provisional', () => {
    const d = computeCaseDeadline(calendar, {
      timeLimits: { committed: 20, legal: 20 },
      timeline: tl(['filed', '2026-12-15']),
      state: 'submitted',
      now: at('2026-12-15'),
    });
    expect(d).toMatchObject({
      calendarCovered: true,
      provisional: true,
      provisionalYears: [2027],
      decisionDueDate: '2027-01-13',
      dueDate: '2027-01-13',
    });
    const official = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: tl(['filed', '2026-09-30']),
      state: 'submitted',
      now: at('2026-09-30'),
    });
    expect(official).toMatchObject({ provisional: false, provisionalYears: [], dueDate: '2026-10-20' });
  });

  it('reports a year the calendar cannot count (no notice, no provisional rule) instead of guessing', () => {
    const strict = new WorkingDayCalendar({ 2026: calendar.officialYear(2026)! });
    const d = computeCaseDeadline(strict, {
      timeLimits: limits,
      timeline: tl(['filed', '2026-12-28']),
      state: 'submitted',
      now: at('2026-12-28'),
    });
    expect(d).toMatchObject({ calendarCovered: false, dueDate: null, overdue: false });
  });

  it('handles an on-the-spot item (committed 0): due the day it is filed if that is a working day', () => {
    const d = computeCaseDeadline(calendar, {
      timeLimits: { committed: 0, legal: null },
      timeline: tl(['filed', '2026-10-03']),
      state: 'submitted',
      now: at('2026-10-03'),
    });
    expect(d.dueDate).toBe('2026-10-08');
  });
});

describe('行政许可法: acceptance and the clock', () => {
  it('art. 42: the clock runs from acceptance (受理), not from receipt', () => {
    // Received Mon 11-02, accepted Wed 11-04 (within the 补正 window): 10 working days from 11-04 → 11-18.
    const d = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: tl(['filed', '2026-11-02'], ['forwarded', '2026-11-02'], ['accepted', '2026-11-04']),
      state: 'accepted',
      now: at('2026-11-04'),
    });
    expect(d).toMatchObject({
      startDate: '2026-11-04',
      clockStarted: true,
      decisionDueDate: '2026-11-18',
      acceptance: { receivedOn: '2026-11-02', supplementNoticeDueOn: '2026-11-09', acceptedOn: '2026-11-04', deemed: false },
    });
  });

  it('art. 32(4): without a 补正 notice within 5 working days the application counts as accepted from receipt', () => {
    const timeline = tl(['filed', '2026-11-02'], ['forwarded', '2026-11-02']);
    const within = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'forwarded', now: at('2026-11-09') });
    expect(within).toMatchObject({ clockStarted: false, startDate: '2026-11-02', acceptance: { acceptedOn: null, deemed: false } });
    const deemed = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'forwarded', now: at('2026-11-10') });
    expect(deemed).toMatchObject({
      clockStarted: true,
      startDate: '2026-11-02',
      decisionDueDate: '2026-11-16',
      acceptance: { acceptedOn: '2026-11-02', deemed: true },
    });
    // A late formal acceptance does not move the start either.
    const late = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: [...timeline, ...tl(['accepted', '2026-11-12'])],
      state: 'accepted',
      now: at('2026-11-12'),
    });
    expect(late).toMatchObject({ startDate: '2026-11-02', acceptance: { deemed: true } });
  });

  it('art. 32(4): after a timely 补正 notice the clock starts when the case is accepted', () => {
    const timeline = tl(
      ['filed', '2026-11-02'],
      ['forwarded', '2026-11-02'],
      ['supplement-requested', '2026-11-05'],
      ['supplemented', '2026-11-20'],
    );
    const waiting = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'forwarded', now: at('2026-11-20') });
    expect(waiting).toMatchObject({ clockStarted: false, startDate: '2026-11-20', acceptance: { acceptedOn: null, deemed: false } });
    const accepted = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: [...timeline, ...tl(['accepted', '2026-11-23'])],
      state: 'accepted',
      now: at('2026-11-23'),
    });
    expect(accepted).toMatchObject({ clockStarted: true, startDate: '2026-11-23', decisionDueDate: '2026-12-07' });
  });

  it('art. 42: an extension adds 10 working days; joint handling has 45 and adds 15', () => {
    const timeline = tl(['filed', '2026-11-02'], ['accepted', '2026-11-02'], ['review-started', '2026-11-02']);
    const plain = computeCaseDeadline(calendar, { timeLimits: limits, timeline, state: 'under-review', now: at('2026-11-10') });
    expect(plain).toMatchObject({
      extensionWorkingDays: 0,
      decisionDueDate: '2026-11-16',
      legalDueDate: '2026-11-30',
      legalWorkingDays: 20,
    });
    const extended = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: [...timeline, ...tl(['extended', '2026-11-10'])],
      state: 'under-review',
      now: at('2026-11-10'),
    });
    expect(extended).toMatchObject({ extensionWorkingDays: 10, decisionDueDate: '2026-11-30', legalDueDate: '2026-12-14' });
    const joint = computeCaseDeadline(calendar, {
      timeLimits: limits,
      mode: 'joint',
      timeline: [...timeline, ...tl(['extended', '2026-11-10'])],
      state: 'under-review',
      now: at('2026-11-10'),
    });
    expect(joint).toMatchObject({
      legalWorkingDays: 45,
      extensionWorkingDays: 15,
      legalDueDate: calendar.addWorkingDays('2026-11-02', 60),
    });
  });

  it('art. 44: the decision is delivered within 10 working days', () => {
    const d = computeCaseDeadline(calendar, {
      timeLimits: limits,
      timeline: tl(['filed', '2026-11-02'], ['accepted', '2026-11-02'], ['decided', '2026-11-06']),
      state: 'decided',
      now: at('2026-11-06'),
    });
    expect(d).toMatchObject({ stage: 'delivery', deliveryDueDate: '2026-11-20', dueDate: '2026-11-20' });
  });
});

describe('行政许可法 art. 45 and art. 42 — properties of the due date', () => {
  const DAY = 86_400_000;
  const plus = (d: string, n: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
  /** Accepted on `start`, under review, then closed pauses (special procedures) at the given gaps and lengths. */
  const withPauses = (start: string, pauses: readonly [number, number][]): TimelinePoint[] => {
    const points: [TimelinePoint['kind'], string][] = [
      ['filed', start],
      ['accepted', start],
      ['review-started', start],
    ];
    let day = start;
    for (const [gap, length] of pauses) {
      day = plus(day, gap);
      points.push(['special-procedure-started', day]);
      day = plus(day, length);
      points.push(['special-procedure-ended', day]);
    }
    return tl(...points);
  };
  const arbitraries = {
    start: fc.integer({ min: 0, max: 600 }).map((n) => plus('2025-01-02', n)),
    limit: fc.integer({ min: 0, max: 45 }),
    pauses: fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 30 })), { maxLength: 6 }),
    extra: fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 30 })),
  };

  it('for any pauses and extension, the due date never precedes the plain working-day count, and never moves backwards when a pause is added', () => {
    fc.assert(
      fc.property(
        arbitraries.start,
        arbitraries.limit,
        arbitraries.pauses,
        arbitraries.extra,
        fc.boolean(),
        fc.constantFrom('proxy' as const, 'joint' as const),
        (start, committed, pauses, extra, extended, mode) => {
          const due = (ps: readonly [number, number][], ext = extended) => {
            const paused = withPauses(start, ps);
            const timeline = ext ? [...paused, { kind: 'extended' as const, at: paused[paused.length - 1]!.at }] : paused;
            const now = timeline[timeline.length - 1]!.at;
            return computeCaseDeadline(calendar, { timeLimits: { committed, legal: null }, mode, timeline, state: 'under-review', now })
              .decisionDueDate!;
          };
          const plain = calendar.addWorkingDays(start, committed);
          const before = due(pauses);
          const after = due([...pauses, extra]);
          expect(before >= plain).toBe(true);
          expect(after >= before).toBe(true);
          expect(due(pauses, true) >= due(pauses, false)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
