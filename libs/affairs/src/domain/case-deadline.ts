import type { CaseEntryKind, CaseMode, CaseState } from '@guangfo/contracts';
import { addCivilDays, toShanghaiDate } from '@guangfo/kernel';
import type { DayPause, WorkingDays } from './working-days.js';

/**
 * Time limits of a case in working days (工作日, 行政许可法 art. 82) on the official calendar, Asia/Shanghai.
 *
 * - The clock runs from acceptance (受理, 行政许可法 art. 42: 自受理行政许可申请之日起), the day of
 *   acceptance not counted (期间开始之日不计入): `decisionDueDate = addWorkingDays(acceptedOn,
 *   committed, pauses)`, and the statutory `legalDueDate` likewise when the catalogue gives one.
 * - Art. 32(4): the 补正 notice must go out within 5 working days of receiving the application;
 *   without a timely notice the application counts as accepted from the day it was received
 *   (deemed acceptance), so then `acceptedOn` is the day of receipt. Until acceptance the due dates
 *   are a projection from the day of receipt (or of the applicant's answer to the notice).
 * - The clock stops while the case waits on the applicant (补正) or on a special procedure
 *   (听证, 检验检测, 鉴定…). A pause covers the days after the day it started up to and including
 *   the day it ended: the start day was already a working day spent, and the day work resumes
 *   counts like the start of a fresh period. A pause still open runs to "today".
 * - After the decision, the result is due for delivery (送达/制证) within `deliveryDays` working days.
 */

export interface DeadlineOptions {
  /** Near-due when this many working days or fewer are left. Default 3. */
  nearDueDays?: number;
  /** Working days to deliver the result after the decision. Default 10. */
  deliveryDays?: number;
}

export interface TimelinePoint {
  kind: CaseEntryKind;
  at: string;
}

export interface DeadlineInput {
  timeLimits: { committed: number; legal: number | null };
  /** The filing's mode: joint handling (多地联办) has the 45-day statutory base and +15 extensions (art. 42). */
  mode?: CaseMode;
  /** The case's timeline in seq order (the first entry is the filing). */
  timeline: readonly TimelinePoint[];
  state: CaseState;
  /** The current instant or date (the injectable clock). */
  now: Date | string;
}

export type DeadlineStage = 'decision' | 'delivery' | 'closed';

/** 行政许可法 art. 42 para. 2: the statutory limit of unified or joint handling (多地联办). */
export const JOINT_HANDLING_WORKING_DAYS = 45;

/** 行政许可法 art. 32(4): working days after receipt within which the 补正 notice must go out. */
export const SUPPLEMENT_NOTICE_WORKING_DAYS = 5;

/** Acceptance of a case under art. 32: when it was (or is deemed) accepted, and the 补正 window. */
export interface CaseAcceptance {
  /** Day of receipt (收到申请材料之日). */
  receivedOn: string;
  /** Last day a 补正 notice may go out (5 working days after receipt). */
  supplementNoticeDueOn: string;
  /** Day of acceptance (受理) the clock runs from; null while not (yet) accepted. */
  acceptedOn: string | null;
  /** True when acceptance is deemed (art. 32(4)): no 补正 notice within the window. */
  deemed: boolean;
}

/** Art. 32(4): the acceptance of a case as of `today`. */
export const acceptanceOf = (calendar: WorkingDays, timeline: readonly TimelinePoint[], today: string): CaseAcceptance => {
  const first = timeline[0];
  if (!first) throw new RangeError('a case timeline starts with its filing');
  const receivedOn = toShanghaiDate(first.at);
  const supplementNoticeDueOn = calendar.addWorkingDays(receivedOn, SUPPLEMENT_NOTICE_WORKING_DAYS);
  const notice = timeline.find((e) => e.kind === 'supplement-requested');
  const accepted = timeline.find((e) => e.kind === 'accepted');
  const acceptedDay = accepted ? toShanghaiDate(accepted.at) : null;
  const timelyNotice = notice !== undefined && toShanghaiDate(notice.at) <= supplementNoticeDueOn;
  if (timelyNotice) return { receivedOn, supplementNoticeDueOn, acceptedOn: acceptedDay, deemed: false };
  if (acceptedDay !== null && acceptedDay <= supplementNoticeDueOn)
    return { receivedOn, supplementNoticeDueOn, acceptedOn: acceptedDay, deemed: false };
  const refused = timeline.some((e) => e.kind === 'not-accepted' || e.kind === 'returned');
  if (!refused && (acceptedDay !== null || today > supplementNoticeDueOn))
    return { receivedOn, supplementNoticeDueOn, acceptedOn: receivedOn, deemed: true };
  return { receivedOn, supplementNoticeDueOn, acceptedOn: null, deemed: false };
};

export interface CasePause {
  reason: 'supplement' | 'special-procedure';
  /** Day the pause started (the case's clock ran that day). */
  startedOn: string;
  /** Day it ended, or null while it lasts. */
  endedOn: string | null;
}

export interface CaseDeadline {
  stage: DeadlineStage;
  /** The day the clock runs from (not counted): acceptance, or until then the projection's start. */
  startDate: string;
  /** Art. 32 / 42: acceptance (受理) and the 补正 window; null when the calendar cannot count. */
  acceptance: CaseAcceptance | null;
  /** False until the case is accepted (or deemed accepted): the due dates are a projection. */
  clockStarted: boolean;
  committedWorkingDays: number;
  /** The statutory limit: the item's, or 45 for joint handling (art. 42 para. 2). */
  legalWorkingDays: number | null;
  /** Art. 42: working days added by the one extension (10, or 15 for joint handling); 0 without. */
  extensionWorkingDays: number;
  /** Due date of the decision under the committed limit (承诺时限). */
  decisionDueDate: string | null;
  /** Due date of the decision under the statutory limit (法定时限), when there is one. */
  legalDueDate: string | null;
  /** Due date of delivery, once decided. */
  deliveryDueDate: string | null;
  /** The due date of the current stage (decision, then delivery); null once closed. */
  dueDate: string | null;
  pauses: CasePause[];
  pausedWorkingDays: number;
  clockPaused: boolean;
  /** Working days from today to the due date (0 = due today, negative = overdue); null once closed. */
  remainingWorkingDays: number | null;
  overdue: boolean;
  nearDue: boolean;
  /** False when a date falls in a year the calendar cannot count at all (no notice and no provisional rule). */
  calendarCovered: boolean;
  /**
   * True when a due date was counted across a year without a State Council notice (the statutory
   * holidays of the 放假办法 only): shown to residents and clerks, flagged to supervisors, and
   * recomputed (with a `deadline-recomputed` timeline entry) once the notice is loaded.
   */
  provisional: boolean;
  /** The years counted provisionally. */
  provisionalYears: number[];
}

const OPENS: Partial<Record<CaseEntryKind, CasePause['reason']>> = {
  'supplement-requested': 'supplement',
  'special-procedure-started': 'special-procedure',
};
const CLOSES: readonly CaseEntryKind[] = ['supplemented', 'special-procedure-ended', 'withdrawn', 'not-accepted', 'returned'];
const CLOSED_STATES: readonly CaseState[] = ['delivered', 'completed', 'withdrawn', 'not-accepted', 'returned'];

/** The pauses of a timeline, in order. */
export const pausesOf = (timeline: readonly TimelinePoint[]): CasePause[] => {
  const out: CasePause[] = [];
  let open: CasePause | undefined;
  for (const e of timeline) {
    const day = toShanghaiDate(e.at);
    const opens = OPENS[e.kind];
    if (opens) {
      open = { reason: opens, startedOn: day, endedOn: null };
      out.push(open);
    } else if (open && CLOSES.includes(e.kind)) {
      open.endedOn = day;
      open = undefined;
    }
  }
  return out;
};

/** Calendar pauses: the days after the start day up to the end day (or today while open). */
export const calendarPauses = (pauses: readonly CasePause[], today: string): DayPause[] =>
  pauses.flatMap((p) => {
    const end = p.endedOn ?? today;
    return end > p.startedOn ? [{ from: addCivilDays(p.startedOn, 1), to: end }] : [];
  });

export const computeCaseDeadline = (calendar: WorkingDays, input: DeadlineInput, options: DeadlineOptions = {}): CaseDeadline => {
  const nearDueDays = options.nearDueDays ?? 3;
  const deliveryDays = options.deliveryDays ?? 10;
  const today = toShanghaiDate(input.now);
  const first = input.timeline[0];
  if (!first) throw new RangeError('a case timeline starts with its filing');
  const receivedOn = toShanghaiDate(first.at);
  const pauses = pausesOf(input.timeline);
  const decided = input.timeline.find((e) => e.kind === 'decided');
  const decidedOn = decided ? toShanghaiDate(decided.at) : null;
  const dayPauses = calendarPauses(pauses, today);
  // 行政许可法 art. 42: 20 days (the item's limit), 45 for joint handling; one extension of 10 (15 joint).
  const joint = input.mode === 'joint';
  const legal =
    input.timeLimits.legal === null ? null : joint ? Math.max(input.timeLimits.legal, JOINT_HANDLING_WORKING_DAYS) : input.timeLimits.legal;
  const extension = input.timeline.some((e) => e.kind === 'extended') ? (joint ? 15 : 10) : 0;
  const stage: DeadlineStage = CLOSED_STATES.includes(input.state) ? 'closed' : input.state === 'decided' ? 'delivery' : 'decision';
  const clockPaused = stage === 'decision' && (input.state === 'supplement-requested' || input.state === 'special-procedure');
  const base: CaseDeadline = {
    stage,
    startDate: receivedOn,
    acceptance: null,
    clockStarted: false,
    committedWorkingDays: input.timeLimits.committed,
    legalWorkingDays: legal,
    extensionWorkingDays: extension,
    decisionDueDate: null,
    legalDueDate: null,
    deliveryDueDate: null,
    dueDate: null,
    pauses,
    pausedWorkingDays: 0,
    clockPaused,
    remainingWorkingDays: null,
    overdue: false,
    nearDue: false,
    calendarCovered: true,
    provisional: false,
    provisionalYears: [],
  };
  try {
    const acceptance = acceptanceOf(calendar, input.timeline, today);
    const answered = input.timeline.find((e) => e.kind === 'supplemented');
    // Art. 42: from acceptance; until then projected from receipt, or from the answer to the 补正 notice.
    const startDate = acceptance.acceptedOn ?? (answered ? toShanghaiDate(answered.at) : receivedOn);
    const decisionDueDate = calendar.addWorkingDays(startDate, input.timeLimits.committed + extension, dayPauses);
    const legalDueDate = legal === null ? null : calendar.addWorkingDays(startDate, legal + extension, dayPauses);
    const deliveryDueDate = decidedOn ? calendar.addWorkingDays(decidedOn, deliveryDays) : null;
    const dueDate = stage === 'decision' ? decisionDueDate : stage === 'delivery' ? deliveryDueDate : null;
    const remaining = dueDate === null ? null : calendar.countWorkingDays(today, dueDate);
    const overdue = dueDate !== null && today > dueDate;
    const latest = [decisionDueDate, legalDueDate, deliveryDueDate].reduce<string>((a, d) => (d !== null && d > a ? d : a), startDate);
    const provisionalYears = calendar.provisionalYears(startDate, latest);
    return {
      ...base,
      startDate,
      acceptance,
      clockStarted: acceptance.acceptedOn !== null,
      provisional: provisionalYears.length > 0,
      provisionalYears,
      decisionDueDate,
      legalDueDate,
      deliveryDueDate,
      dueDate,
      pausedWorkingDays: calendar.pausedWorkingDays(dayPauses),
      remainingWorkingDays: remaining,
      overdue,
      nearDue: !overdue && remaining !== null && remaining <= nearDueDays,
    };
  } catch (err) {
    if (calendar.isCoverageGap(err)) return { ...base, calendarCovered: false };
    throw err;
  }
};
