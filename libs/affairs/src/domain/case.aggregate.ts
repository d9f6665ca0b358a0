import type {
  CaseActor,
  CaseEntry,
  CaseEntryKind,
  CaseEntryOf,
  CaseFiling,
  CaseMaterial,
  CaseState,
  CaseStatus,
  DecisionOutcome,
  DeliveryMethod,
  MaterialEvidence,
  SpecialProcedure,
  SupplementItem,
  SupplementResponse,
} from '@guangfo/contracts';
import { toShanghaiDate } from '@guangfo/kernel';
import { affairsError } from '../affairs.errors.js';

/**
 * The 跨城通办 case as a pure aggregate: `decide` validates a command against the case and returns
 * the timeline entry it produces; `apply` folds an entry into the case. Every city keeps a copy
 * and folds the same entries in `seq` order, so the copies agree. Exactly one city — the holder,
 * a function of the state — may write the next entry (single writer per case).
 */

export type CaseAction =
  | 'forward'
  | 'return'
  | 'accept'
  | 'reject'
  | 'request-supplement'
  | 'supplement'
  | 'review'
  | 'special-procedure'
  | 'resume'
  | 'decide'
  | 'deliver'
  | 'complete'
  | 'withdraw';

export const CASE_ACTIONS: readonly CaseAction[] = [
  'forward',
  'return',
  'accept',
  'reject',
  'request-supplement',
  'supplement',
  'review',
  'special-procedure',
  'resume',
  'decide',
  'deliver',
  'complete',
  'withdraw',
];

/** Who performs a step: the receiving city's clerk (收件地), the administering city's clerk (办理地), or the applicant. */
export type Performer = 'receiving' | 'administering' | 'applicant';

export const TERMINAL_STATES: readonly CaseState[] = ['returned', 'not-accepted', 'completed', 'withdrawn'];
/** States in which the clock is stopped (waiting on the applicant, or a special procedure). */
export const PAUSED_STATES: readonly CaseState[] = ['supplement-requested', 'special-procedure'];
/** The applicant may withdraw (撤回) until the decision. */
export const WITHDRAWABLE_STATES: readonly CaseState[] = [
  'submitted',
  'forwarded',
  'supplement-requested',
  'accepted',
  'under-review',
  'special-procedure',
];

/**
 * 退件 at the receiving window (收件地), each code with its basis. Incomplete materials or a form not in
 * the legal shape are never a 退件: 行政许可法 art. 32(4) makes them a one-time 补正 notice (else the
 * application is deemed accepted), and art. 32(3) has correctable errors fixed on the spot.
 * (Entries written before this rule may carry `FORM_INCOMPLETE`; they still replay.)
 */
export const RETURN_REASON_BASIS = {
  /** There is no application: the person is not who they claim (身份核验, 行政许可法 art. 29/31 — the applicant applies and answers for the truth of it). */
  IDENTITY_NOT_VERIFIED: '行政许可法 art. 29, 31: identity not verified, so no application by the applicant',
  /** Art. 32(1)(2): not a matter this route or authority handles — the window tells the applicant at once and where to apply. */
  WRONG_ROUTE: '行政许可法 art. 32(1)(2): not a matter for this route/authority; the applicant is told at once where to apply',
  /** The same application is already pending: nothing new to receive (the pending case goes on). */
  DUPLICATE_APPLICATION: 'same application already pending: nothing new to receive',
  /** Any other lawful ground, in writing; never incomplete materials (art. 32(4): 补正). */
  OTHER: 'another lawful ground, stated in writing (never incomplete materials: art. 32(4) 补正)',
} as const;
/** Reason codes a clerk picks from. `OTHER` needs a written reason. */
export const RETURN_REASONS = Object.keys(RETURN_REASON_BASIS) as (keyof typeof RETURN_REASON_BASIS)[];
export const REJECT_REASONS = ['NOT_COMPETENT', 'NOT_ELIGIBLE', 'NO_PERMIT_REQUIRED', 'MATERIALS_FALSE', 'OTHER'] as const;
export const DENY_REASONS = ['REQUIREMENTS_NOT_MET', 'STATUTORY_PROHIBITION', 'PUBLIC_INTEREST', 'HEARING_FINDINGS', 'OTHER'] as const;
export type ReturnReason = keyof typeof RETURN_REASON_BASIS;
export type RejectReason = (typeof REJECT_REASONS)[number];
export type DenyReason = (typeof DENY_REASONS)[number];

export type CaseCommand =
  | { action: 'forward' }
  | { action: 'return'; reasonCode: ReturnReason; reason?: string }
  | { action: 'accept' }
  | { action: 'reject'; reasonCode: RejectReason; reason?: string }
  | { action: 'request-supplement'; items: { materialId?: string | null; description: string }[] }
  | { action: 'supplement'; responses: SupplementResponse[] }
  | { action: 'review' }
  | { action: 'special-procedure'; procedure: SpecialProcedure; expectedEnd: string }
  | { action: 'resume'; result?: string }
  | { action: 'decide'; outcome: DecisionOutcome; reasonCode?: DenyReason; reason?: string; certificateNo?: string }
  | { action: 'deliver'; method: DeliveryMethod; trackingNumber?: string; carrier?: string }
  | { action: 'complete' }
  | { action: 'withdraw'; requestId?: string; reason?: string };

/** The replicated state of a case: the same on every city that keeps it. */
export interface CaseAggregate {
  readonly id: string;
  readonly filing: CaseFiling;
  readonly state: CaseState;
  readonly version: number;
  readonly outcome: DecisionOutcome | null;
  readonly materials: readonly CaseMaterial[];
  /** The one 补正 notice (一次性告知), once made. */
  readonly supplement: {
    readonly seq: number;
    readonly items: readonly SupplementItem[];
    readonly resumeState: CaseState;
    readonly answeredSeq: number | null;
  } | null;
  readonly decision: {
    readonly outcome: DecisionOutcome;
    readonly reasonCode: string;
    readonly reason?: string;
    readonly certificateNo?: string;
    readonly at: string;
  } | null;
  readonly delivery: {
    readonly method: DeliveryMethod;
    readonly trackingNumber?: string;
    readonly carrier?: string;
    readonly at: string;
  } | null;
  /** 行政许可法 art. 42: the one extension of the time limit, once granted. */
  readonly extension?: { readonly seq: number; readonly workingDays: 10 | 15; readonly reason: string; readonly at: string };
}

/** 行政许可法 art. 42: states in which the time limit may still be extended (accepted, before the decision). */
export const EXTENDABLE_STATES: readonly CaseState[] = ['accepted', 'under-review', 'special-procedure'];
/** Art. 42: +10 working days; +15 for unified or joint handling (多地联办). */
export const extensionDaysOf = (f: Pick<CaseFiling, 'mode'>): 10 | 15 => (f.mode === 'joint' ? 15 : 10);

/** Who is asking, and which city writes the entry (the holder: the node applying the command). */
export interface CommandContext {
  actor: CaseActor;
  authorCity: string;
  at: string;
  /** Art. 32(4): the last day (Asia/Shanghai) a 补正 notice may go out; from the working-day calendar. */
  supplementNoticeDueOn?: string;
}

/** What the pure aggregate cannot know by itself: today's date and the 补正 window (calendar). */
export interface ActionContext {
  today?: string;
  supplementNoticeDueOn?: string;
}

/**
 * Every transition, stated once: the action, who performs it, from which states, the entry it writes
 * and the state it leads to (`resume`: back to where the case was before the 补正 notice). In state
 * `submitted` a clerk row applies only to its mode: the receiving city's rows when the filing has an
 * intake step (异地代收代办), the administering city's when it has none (全程网办).
 */
export const TRANSITIONS = [
  { action: 'forward', performer: 'receiving', from: ['submitted'], kind: 'forwarded', to: 'forwarded' },
  { action: 'return', performer: 'receiving', from: ['submitted'], kind: 'returned', to: 'returned' },
  // 行政许可法 art. 32(4): the receiving window sees missing or defective materials first and gives the
  // one 补正 notice itself (the 5-working-day window runs from receipt); the answer comes back to it.
  { action: 'request-supplement', performer: 'receiving', from: ['submitted'], kind: 'supplement-requested', to: 'supplement-requested' },
  { action: 'accept', performer: 'administering', from: ['submitted', 'forwarded'], kind: 'accepted', to: 'accepted' },
  { action: 'reject', performer: 'administering', from: ['submitted', 'forwarded'], kind: 'not-accepted', to: 'not-accepted' },
  // Art. 32(4): 补正 comes before acceptance (受理); after it only art. 45 procedures stop the clock.
  {
    action: 'request-supplement',
    performer: 'administering',
    from: ['submitted', 'forwarded'],
    kind: 'supplement-requested',
    to: 'supplement-requested',
  },
  { action: 'supplement', performer: 'applicant', from: ['supplement-requested'], kind: 'supplemented', to: 'resume' },
  { action: 'review', performer: 'administering', from: ['accepted'], kind: 'review-started', to: 'under-review' },
  {
    action: 'special-procedure',
    performer: 'administering',
    from: ['under-review'],
    kind: 'special-procedure-started',
    to: 'special-procedure',
  },
  { action: 'resume', performer: 'administering', from: ['special-procedure'], kind: 'special-procedure-ended', to: 'under-review' },
  { action: 'decide', performer: 'administering', from: ['accepted', 'under-review'], kind: 'decided', to: 'decided' },
  { action: 'deliver', performer: 'receiving', from: ['decided'], kind: 'delivered', to: 'delivered' },
  { action: 'complete', performer: 'receiving', from: ['delivered'], kind: 'completed', to: 'completed' },
  { action: 'withdraw', performer: 'applicant', from: WITHDRAWABLE_STATES, kind: 'withdrawn', to: 'withdrawn' },
] as const satisfies readonly Transition[];

export interface Transition {
  readonly action: CaseAction;
  readonly performer: Performer;
  readonly from: readonly CaseState[];
  readonly kind: CaseEntryKind;
  readonly to: CaseState | 'resume';
}

type KindOf<A extends CaseAction> = Extract<(typeof TRANSITIONS)[number], { action: A }>['kind'];

/** Whether a row applies to the case as it is (state, and in `submitted` the mode's first performer). */
const applies = (c: Pick<CaseAggregate, 'state' | 'filing'>, t: Transition): boolean =>
  t.from.includes(c.state) &&
  (c.state !== 'submitted' || t.performer === 'applicant' || (t.performer === 'receiving') === c.filing.requiresIntake);

/** The transition `action` takes from the case's state, if any (ignoring who asks). */
export const transitionOf = (c: Pick<CaseAggregate, 'state' | 'filing'>, action: CaseAction): Transition | undefined =>
  (TRANSITIONS as readonly Transition[]).find((t) => t.action === action && applies(c, t));

/** Whether `action` is a clerk's step wherever it is possible (clerk steps need If-Match). */
export const isClerkStep = (action: CaseAction): boolean =>
  (TRANSITIONS as readonly Transition[]).some((t) => t.action === action && t.performer !== 'applicant');

/** The city that may write the next entry; null once the case is closed. */
export const holderOf = (c: Pick<CaseAggregate, 'state' | 'filing'>): string | null => {
  const f = c.filing;
  switch (c.state) {
    case 'submitted':
      return f.requiresIntake ? f.receivingCity : f.administeringCity;
    case 'forwarded':
    case 'accepted':
    case 'under-review':
    case 'special-procedure':
      return f.administeringCity;
    case 'supplement-requested':
      return f.applicantCity;
    case 'decided':
    case 'delivered':
      return f.receivingCity;
    case 'returned':
    case 'not-accepted':
    case 'completed':
    case 'withdrawn':
      return null;
  }
};

/**
 * 好差评 谁办理、谁负责: the city answerable for a rating, and so the one that remediates a 差评 —
 * the receiving city for an application it returned at intake (退件), else the administering city.
 */
export const responsibleCityOf = (c: Pick<CaseAggregate, 'state' | 'filing'>): string =>
  c.state === 'returned' ? c.filing.receivingCity : c.filing.administeringCity;

export const performerCity = (f: CaseFiling, p: Performer): string => {
  switch (p) {
    case 'receiving':
      return f.receivingCity;
    case 'administering':
      return f.administeringCity;
    case 'applicant':
      return f.applicantCity;
  }
};

/** Whether `action` is possible from the case's state (ignoring who asks). */
export const isAllowedFrom = (c: Pick<CaseAggregate, 'state' | 'filing'>, action: CaseAction): boolean =>
  transitionOf(c, action) !== undefined;

/**
 * The actions that would succeed now, with who performs each (for clients and the queue): no
 * `accept` while required materials are missing (art. 32: 补正 first), no 补正 notice after the
 * 5-working-day window (art. 32(4)) or a second one (一次性告知).
 */
export const availableActions = (c: CaseAggregate, ctx: ActionContext = {}): { action: CaseAction; performer: Performer; city: string }[] =>
  CASE_ACTIONS.flatMap((a) => {
    const t = transitionOf(c, a);
    if (!t) return [];
    if (a === 'request-supplement' && (c.supplement !== null || supplementWindowClosed(ctx.today, ctx.supplementNoticeDueOn))) return [];
    if (a === 'accept' && missingRequired(c.materials).length > 0) return [];
    return [{ action: a, performer: t.performer, city: performerCity(c.filing, t.performer) }];
  });

export const statusOf = (c: CaseAggregate): CaseStatus => ({ state: c.state, version: c.version, holder: holderOf(c), outcome: c.outcome });

const supplementWindowClosed = (today: string | undefined, dueOn: string | undefined): boolean =>
  today !== undefined && dueOn !== undefined && today > dueOn;

const missingRequired = (materials: readonly CaseMaterial[]): string[] =>
  materials.filter((m) => m.required && m.evidence.kind === 'missing').map((m) => m.materialId);

const needReason = (reasonCode: string | undefined, reason: string | undefined, what: string): void => {
  if (reasonCode === 'OTHER' && !reason?.trim())
    throw affairsError('CASE_REASON_REQUIRED', { detail: `${what} with reason code OTHER needs a written reason` });
};

/** Checks that the actor may perform the step here. Throws the domain's errors. */
const checkActor = (c: CaseAggregate, { action, performer }: Transition, ctx: CommandContext): void => {
  const city = performerCity(c.filing, performer);
  const { actor } = ctx;
  if (performer === 'applicant') {
    // The applicant acts at their own city; a clerk there may hand in a supplement on their behalf.
    const ok = actor.role === 'resident' || (action === 'supplement' && actor.role === 'clerk' && actor.city === city);
    if (!ok) throw affairsError('CASE_NOT_YOUR_DUTY', { detail: `${action} is the applicant's step`, extra: { action, performer } });
  } else if (actor.role !== 'clerk' || actor.city !== city) {
    throw affairsError('CASE_NOT_YOUR_DUTY', {
      detail: `${action} is a step for a clerk of the ${performer} city ${city}`,
      extra: { action, performer, city },
    });
  }
  const holder = holderOf(c);
  if (holder !== ctx.authorCity)
    throw affairsError('CASE_NOT_HELD_HERE', { detail: `city ${holder ?? '(none)'} holds the case for its next step`, extra: { holder } });
};

const illegal = (c: CaseAggregate, action: CaseAction) =>
  affairsError('CASE_ILLEGAL_TRANSITION', {
    detail: `cannot ${action} a case that is ${c.state}${c.state === 'submitted' ? (c.filing.requiresIntake ? ' (awaiting intake at the receiving city)' : ' (no intake step in this mode)') : ''}`,
    extra: {
      state: c.state,
      action,
      allowed: availableActions(c).map((a) => a.action),
    },
  });

/** What a step adds to its entry: the reason code and the detail of its kind. */
type StepBody<A extends CaseAction> = Pick<CaseEntryOf<KindOf<A>>, 'reasonCode' | 'detail'>;

/** Validates a command and returns the entry it produces (not yet applied): kind and state from TRANSITIONS. */
export const decide = (c: CaseAggregate, cmd: CaseCommand, ctx: CommandContext): CaseEntry => {
  const t = transitionOf(c, cmd.action);
  if (!t) throw illegal(c, cmd.action);
  checkActor(c, t, ctx);
  const body = stepBody(c, cmd, ctx);
  const toState = t.to === 'resume' ? c.supplement!.resumeState : t.to;
  return { seq: c.version + 1, at: ctx.at, actor: ctx.actor, fromState: c.state, toState, kind: t.kind, ...body } as CaseEntry;
};

const stepBody = (c: CaseAggregate, cmd: CaseCommand, ctx: CommandContext): StepBody<CaseAction> => {
  const f = c.filing;
  switch (cmd.action) {
    case 'forward':
      return {
        reasonCode: 'INTAKE_PASSED',
        detail: { to: f.administeringCity, checks: { identity: 'verified', form: 'complete' } },
      } satisfies StepBody<'forward'>;
    case 'return':
      needReason(cmd.reasonCode, cmd.reason, 'return');
      return { reasonCode: cmd.reasonCode, detail: opt({ reason: cmd.reason }) } satisfies StepBody<'return'>;
    case 'accept': {
      const missing = missingRequired(c.materials);
      if (missing.length)
        throw affairsError('CASE_MATERIALS_INCOMPLETE', {
          detail: `required materials missing (${missing.join(', ')}): request a supplement first`,
          extra: { missing },
        });
      return { reasonCode: 'MATERIALS_COMPLETE', detail: {} } satisfies StepBody<'accept'>;
    }
    case 'reject':
      needReason(cmd.reasonCode, cmd.reason, 'reject');
      return { reasonCode: cmd.reasonCode, detail: opt({ reason: cmd.reason }) } satisfies StepBody<'reject'>;
    case 'request-supplement': {
      if (c.supplement)
        throw affairsError('CASE_SUPPLEMENT_ALREADY_REQUESTED', {
          detail: `the supplement notice was given at entry ${c.supplement.seq}: all missing items go in one notice (一次性告知)`,
        });
      if (supplementWindowClosed(toShanghaiDate(ctx.at), ctx.supplementNoticeDueOn)) {
        throw affairsError('CASE_SUPPLEMENT_WINDOW_CLOSED', {
          detail: `行政许可法 art. 32(4): the 补正 notice was due by ${ctx.supplementNoticeDueOn}; the application counts as accepted from the day it was received`,
          extra: { supplementNoticeDueOn: ctx.supplementNoticeDueOn },
        });
      }
      return {
        reasonCode: 'MATERIALS_MISSING',
        detail: { items: supplementItems(c, cmd.items), resumeState: c.state },
      } satisfies StepBody<'request-supplement'>;
    }
    case 'supplement':
      checkSupplement(c, cmd.responses);
      return { reasonCode: 'SUPPLEMENT_PROVIDED', detail: { responses: cmd.responses } } satisfies StepBody<'supplement'>;
    case 'review':
      return { reasonCode: 'REVIEW_STARTED', detail: {} } satisfies StepBody<'review'>;
    case 'special-procedure':
      if (!cmd.expectedEnd || cmd.expectedEnd < toShanghaiDate(ctx.at)) {
        throw affairsError('CASE_REASON_REQUIRED', {
          detail: '行政许可法 art. 45: state in writing when the procedure is expected to end (expectedEnd, not before today)',
          extra: { field: 'expectedEnd' },
        });
      }
      return {
        reasonCode: cmd.procedure,
        detail: opt({ procedure: cmd.procedure, expectedEnd: cmd.expectedEnd }),
      } satisfies StepBody<'special-procedure'>;
    case 'resume':
      return { reasonCode: 'SPECIAL_PROCEDURE_ENDED', detail: opt({ result: cmd.result }) } satisfies StepBody<'resume'>;
    case 'decide': {
      if (cmd.outcome === 'denied') {
        if (!cmd.reasonCode) throw affairsError('CASE_REASON_REQUIRED', { detail: 'a denial (不予) needs a reason code' });
        needReason(cmd.reasonCode, cmd.reason, 'a denial');
      } else {
        const missing = missingRequired(c.materials);
        if (missing.length)
          throw affairsError('CASE_MATERIALS_INCOMPLETE', {
            detail: `cannot approve with required materials missing (${missing.join(', ')})`,
            extra: { missing },
          });
      }
      const reasonCode = cmd.outcome === 'approved' ? 'APPROVED' : cmd.reasonCode!;
      return {
        reasonCode,
        detail: opt({ outcome: cmd.outcome, reason: cmd.reason, certificateNo: cmd.certificateNo }),
      } satisfies StepBody<'decide'>;
    }
    case 'deliver':
      if (cmd.method === 'mail' && !cmd.trackingNumber)
        throw affairsError('CASE_REASON_REQUIRED', { detail: 'delivery by mail needs the tracking number' });
      return {
        reasonCode: deliveryReason(cmd.method),
        detail: opt({ method: cmd.method, trackingNumber: cmd.trackingNumber, carrier: cmd.carrier }),
      } satisfies StepBody<'deliver'>;
    case 'complete':
      return { reasonCode: 'COMPLETED', detail: {} } satisfies StepBody<'complete'>;
    case 'withdraw':
      return {
        reasonCode: 'APPLICANT_REQUEST',
        detail: opt({ requestId: cmd.requestId, reason: cmd.reason }),
      } satisfies StepBody<'withdraw'>;
  }
};

/**
 * The holder's answer to a withdrawal request that arrived too late (after the decision): an entry
 * that changes nothing but tells both cities (and the applicant) why.
 */
export const refuseWithdrawal = (c: CaseAggregate, requestId: string, ctx: CommandContext): CaseEntryOf<'withdrawal-refused'> => {
  if (holderOf(c) !== ctx.authorCity) throw affairsError('CASE_NOT_HELD_HERE', { detail: 'only the holder answers a withdrawal request' });
  if (WITHDRAWABLE_STATES.includes(c.state)) throw affairsError('CASE_ILLEGAL_TRANSITION', { detail: 'the case can still be withdrawn' });
  return {
    seq: c.version + 1,
    at: ctx.at,
    actor: ctx.actor,
    fromState: c.state,
    toState: c.state,
    kind: 'withdrawal-refused',
    reasonCode: c.state === 'decided' || c.state === 'delivered' || c.state === 'completed' ? 'ALREADY_DECIDED' : 'ALREADY_CLOSED',
    detail: { requestId, reason: `the case was ${c.state} when the request arrived` },
  };
};

/**
 * The holder's note that a due date moved because the calendar changed (a State Council notice
 * was loaded for a year counted provisionally): an entry that changes nothing else, so both
 * cities and the applicant see why the date moved.
 */
export const recordDeadlineRecomputed = (
  c: CaseAggregate,
  detail: CaseEntryOf<'deadline-recomputed'>['detail'],
  ctx: CommandContext,
): CaseEntryOf<'deadline-recomputed'> => {
  if (holderOf(c) !== ctx.authorCity) throw affairsError('CASE_NOT_HELD_HERE', { detail: 'only the holder records a recomputed deadline' });
  return {
    seq: c.version + 1,
    at: ctx.at,
    actor: ctx.actor,
    fromState: c.state,
    toState: c.state,
    kind: 'deadline-recomputed',
    reasonCode: 'CALENDAR_NOTICE_LOADED',
    detail,
  };
};

/**
 * 行政许可法 art. 42: the administering city's supervisor (本行政机关负责人) extends the time limit
 * once, by 10 working days (15 for joint handling), with reasons the applicant sees in the timeline.
 */
export const extendTimeLimit = (c: CaseAggregate, reason: string, ctx: CommandContext): CaseEntryOf<'extended'> => {
  if (ctx.actor.role !== 'supervisor' || ctx.actor.city !== c.filing.administeringCity) {
    throw affairsError('CASE_NOT_YOUR_DUTY', {
      detail: 'art. 42: an extension is approved by a supervisor of the administering city',
      extra: { action: 'extend', city: c.filing.administeringCity },
    });
  }
  if (holderOf(c) !== ctx.authorCity)
    throw affairsError('CASE_NOT_HELD_HERE', { detail: `city ${holderOf(c) ?? '(none)'} holds the case`, extra: { holder: holderOf(c) } });
  if (!EXTENDABLE_STATES.includes(c.state))
    throw affairsError('CASE_ILLEGAL_TRANSITION', {
      detail: `cannot extend the time limit of a case that is ${c.state} (only after acceptance, before the decision)`,
      extra: { state: c.state, action: 'extend' },
    });
  if (c.extension)
    throw affairsError('CASE_ALREADY_EXTENDED', { detail: `art. 42 allows one extension; it was granted at entry ${c.extension.seq}` });
  if (!reason.trim())
    throw affairsError('CASE_REASON_REQUIRED', { detail: 'art. 42: the reasons for the extension are told to the applicant' });
  return {
    seq: c.version + 1,
    at: ctx.at,
    actor: ctx.actor,
    fromState: c.state,
    toState: c.state,
    kind: 'extended',
    reasonCode: 'EXTENSION_APPROVED',
    detail: { workingDays: extensionDaysOf(c.filing), reason },
  };
};

const deliveryReason = (m: DeliveryMethod): string => {
  switch (m) {
    case 'window-pickup':
      return 'WINDOW_PICKUP';
    case 'mail':
      return 'MAIL';
    case 'electronic':
      return 'ELECTRONIC';
  }
};

/** Drops undefined fields (the entry is hashed and compared across cities as JSON). */
const opt = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** One notice listing every missing item: the clerk's items plus every material still marked missing. */
const supplementItems = (c: CaseAggregate, asked: { materialId?: string | null; description: string }[]): SupplementItem[] => {
  const known = new Map(c.materials.map((m) => [m.materialId, m]));
  const seen = new Set<string>();
  const items: { materialId: string | null; description: string }[] = [];
  for (const a of asked) {
    const id = a.materialId ?? null;
    if (id !== null) {
      if (!known.has(id))
        throw affairsError('CASE_SUPPLEMENT_INVALID', {
          detail: `material ${id} is not one of this item's materials`,
          extra: { materialId: id },
        });
      if (seen.has(id))
        throw affairsError('CASE_SUPPLEMENT_INVALID', { detail: `material ${id} is listed twice`, extra: { materialId: id } });
      seen.add(id);
    }
    items.push({ materialId: id, description: a.description });
  }
  for (const m of c.materials) {
    if (m.evidence.kind === 'missing' && !seen.has(m.materialId))
      items.push({ materialId: m.materialId, description: `请补充：${m.name.zh} / Please provide: ${m.name.en}` });
  }
  if (items.length === 0) throw affairsError('CASE_SUPPLEMENT_INVALID', { detail: 'a supplement notice lists at least one item' });
  if (items.length > 50) throw affairsError('CASE_SUPPLEMENT_INVALID', { detail: 'at most 50 items' });
  return items.map((it, i) => ({ id: `s${i + 1}`, ...it }));
};

const checkSupplement = (c: CaseAggregate, responses: readonly SupplementResponse[]): void => {
  const items = new Map((c.supplement?.items ?? []).map((i) => [i.id, i]));
  const answered = new Set<string>();
  for (const r of responses) {
    const item = items.get(r.itemId);
    if (!item) throw affairsError('CASE_SUPPLEMENT_INVALID', { detail: `the notice has no item ${r.itemId}`, extra: { itemId: r.itemId } });
    if (answered.has(r.itemId))
      throw affairsError('CASE_SUPPLEMENT_INVALID', { detail: `item ${r.itemId} answered twice`, extra: { itemId: r.itemId } });
    answered.add(r.itemId);
    const hasEvidence = r.evidence !== undefined && r.evidence.kind !== 'missing';
    if (item.materialId !== null && !hasEvidence)
      throw affairsError('CASE_SUPPLEMENT_INVALID', {
        detail: `item ${r.itemId} (${item.materialId}) needs the material itself`,
        extra: { itemId: r.itemId },
      });
    if (!hasEvidence && !r.text?.trim())
      throw affairsError('CASE_SUPPLEMENT_INVALID', {
        detail: `item ${r.itemId} needs a material or a written answer`,
        extra: { itemId: r.itemId },
      });
  }
  const open = [...items.keys()].filter((id) => !answered.has(id));
  if (open.length)
    throw affairsError('CASE_SUPPLEMENT_INVALID', {
      detail: `answer every item of the notice (unanswered: ${open.join(', ')})`,
      extra: { unanswered: open },
    });
};

/** A new case from its filing entry (seq 1). */
export const fileCase = (id: string, filing: CaseFiling, entry: CaseEntry): CaseAggregate => {
  if (entry.kind !== 'filed' || entry.seq !== 1 || entry.toState !== 'submitted' || entry.fromState !== null) {
    throw new CaseReplicaError('the first entry of a case must be its filing (seq 1, submitted)');
  }
  return {
    id,
    filing,
    state: 'submitted',
    version: 1,
    outcome: null,
    materials: filing.materials,
    supplement: null,
    decision: null,
    delivery: null,
  };
};

/** A replicated entry that cannot be applied: forged, out of role, or contradicting the case. */
export class CaseReplicaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseReplicaError';
  }
}

/** The state an entry of `kind` leads to from the case as it is (null: the kind is not possible). */
const expectedToState = (c: CaseAggregate, e: CaseEntry): CaseState | null => {
  if (e.kind === 'withdrawal-refused') return WITHDRAWABLE_STATES.includes(c.state) ? null : c.state;
  if (e.kind === 'deadline-recomputed') return holderOf(c) === null ? null : c.state;
  if (e.kind === 'extended')
    return EXTENDABLE_STATES.includes(c.state) && !c.extension && e.detail.workingDays === extensionDaysOf(c.filing) ? c.state : null;
  const t = (TRANSITIONS as readonly Transition[]).find((r) => r.kind === e.kind && applies(c, r));
  if (!t) return null;
  if (t.action === 'request-supplement' && c.supplement) return null;
  return t.to === 'resume' ? (c.supplement?.resumeState ?? null) : t.to;
};

/**
 * Folds the next entry into the case. The same function runs where the entry was written and on
 * every replica; `authorCity` is the city that wrote it (the signer of the event), which must be
 * the holder. Throws CaseReplicaError for an entry that does not fit.
 */
export const apply = (c: CaseAggregate, e: CaseEntry, authorCity: string): CaseAggregate => {
  if (e.seq !== c.version + 1) throw new CaseReplicaError(`entry ${e.seq} does not follow version ${c.version}`);
  const holder = holderOf(c);
  if (holder !== authorCity)
    throw new CaseReplicaError(`entry ${e.seq} (${e.kind}) written by ${authorCity}, but ${holder ?? 'nobody'} holds the case`);
  if (e.fromState !== c.state) throw new CaseReplicaError(`entry ${e.seq} starts from ${String(e.fromState)}, the case is ${c.state}`);
  const to = expectedToState(c, e);
  if (to === null || to !== e.toState)
    throw new CaseReplicaError(`entry ${e.seq} (${e.kind}) cannot take a ${c.state} case to ${e.toState}`);
  const next = { ...c, state: e.toState, version: e.seq };
  switch (e.kind) {
    case 'supplement-requested':
      return { ...next, supplement: { seq: e.seq, items: e.detail.items, resumeState: e.detail.resumeState, answeredSeq: null } };
    case 'supplemented':
      return { ...next, supplement: { ...c.supplement!, answeredSeq: e.seq }, materials: supplied(c, e.detail.responses) };
    case 'decided':
      return {
        ...next,
        outcome: e.detail.outcome,
        decision: {
          outcome: e.detail.outcome,
          reasonCode: e.reasonCode,
          ...opt({ reason: e.detail.reason, certificateNo: e.detail.certificateNo }),
          at: e.at,
        },
      };
    case 'extended':
      return { ...next, extension: { seq: e.seq, workingDays: e.detail.workingDays, reason: e.detail.reason, at: e.at } };
    case 'delivered':
      return {
        ...next,
        delivery: { method: e.detail.method, ...opt({ trackingNumber: e.detail.trackingNumber, carrier: e.detail.carrier }), at: e.at },
      };
    case 'filed':
    case 'forwarded':
    case 'returned':
    case 'accepted':
    case 'not-accepted':
    case 'review-started':
    case 'special-procedure-started':
    case 'special-procedure-ended':
    case 'completed':
    case 'withdrawn':
    case 'withdrawal-refused':
    case 'deadline-recomputed':
      return next;
  }
};

const supplied = (c: CaseAggregate, responses: readonly SupplementResponse[]): CaseMaterial[] => {
  const items = new Map((c.supplement?.items ?? []).map((i) => [i.id, i]));
  const byMaterial = new Map<string, MaterialEvidence>();
  for (const r of responses) {
    const materialId = items.get(r.itemId)?.materialId;
    if (materialId && r.evidence) byMaterial.set(materialId, r.evidence);
  }
  return c.materials.map((m) => {
    const ev = byMaterial.get(m.materialId);
    return ev ? { ...m, evidence: ev, status: 'supplemented' as const } : m;
  });
};

/** Folds a whole timeline (seq 1..n) into a case: what a replica arrives at. */
export const replay = (id: string, filing: CaseFiling, entries: readonly { entry: CaseEntry; authorCity: string }[]): CaseAggregate => {
  const [first, ...rest] = entries;
  if (!first) throw new CaseReplicaError('empty timeline');
  return rest.reduce((c, { entry, authorCity }) => apply(c, entry, authorCity), fileCase(id, filing, first.entry));
};
