import { z } from 'zod';
import { defineEvent, type EventContract } from '../../event-type.js';
import {
  CASE_ENTRY_KINDS,
  CASE_ENTRY_SCHEMAS,
  type CaseEntry,
  type CaseEntryKind,
  type CaseEntryOf,
  caseActorSchema,
  caseFilingSchema,
  caseStatusSchema,
  type CaseFiling,
  type CaseStatus,
} from './case-common.schema.js';

/**
 * 跨城通办 case events. Every transition of a case is one event, addressed (`tocity`) to each other
 * city that keeps a copy, with subject = case id. It carries the timeline entry (with its per-case
 * `seq`) and the state the case is in after it, so a replica can apply entries in order, buffer
 * early ones and drop duplicates, and check it arrived where the author did.
 */

const CASE_ID = '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c';
const AT = '2026-09-30T02:15:00.000Z';
const GZ_CLERK = { role: 'clerk' as const, id: 'gz-clerk', city: '440100', hall: 'GZ-TH-01' };
const FS_CLERK = { role: 'clerk' as const, id: 'fs-clerk', city: '440600', hall: 'FS-CC-01' };
const RESIDENT = { role: 'resident' as const, id: 'fs-resident', city: '440600' };

/** Example entry of each kind (AsyncAPI examples; each satisfies its schema). */
const EXAMPLES: { [K in CaseEntryKind]: Omit<CaseEntryOf<K>, 'seq' | 'at' | 'kind'> & { status: Omit<CaseStatus, 'version'> } } = {
  filed: {
    actor: FS_CLERK,
    fromState: null,
    toState: 'submitted',
    reasonCode: 'FILED_AT_WINDOW',
    detail: { mode: 'proxy', channel: 'window' },
    status: { state: 'submitted', holder: '440600', outcome: null },
  },
  forwarded: {
    actor: FS_CLERK,
    fromState: 'submitted',
    toState: 'forwarded',
    reasonCode: 'INTAKE_PASSED',
    detail: { to: '440100', checks: { identity: 'verified', form: 'complete' } },
    status: { state: 'forwarded', holder: '440100', outcome: null },
  },
  returned: {
    actor: FS_CLERK,
    fromState: 'submitted',
    toState: 'returned',
    reasonCode: 'IDENTITY_MISMATCH',
    detail: { reason: '申请人身份与证件不符' },
    status: { state: 'returned', holder: null, outcome: null },
  },
  accepted: {
    actor: GZ_CLERK,
    fromState: 'forwarded',
    toState: 'accepted',
    reasonCode: 'MATERIALS_COMPLETE',
    detail: {},
    status: { state: 'accepted', holder: '440100', outcome: null },
  },
  'not-accepted': {
    actor: GZ_CLERK,
    fromState: 'forwarded',
    toState: 'not-accepted',
    reasonCode: 'NOT_ELIGIBLE',
    detail: { reason: '不符合以经常居住地登记户口的条件' },
    status: { state: 'not-accepted', holder: null, outcome: null },
  },
  'supplement-requested': {
    actor: GZ_CLERK,
    fromState: 'accepted',
    toState: 'supplement-requested',
    reasonCode: 'MATERIALS_MISSING',
    detail: {
      items: [{ id: 's1', materialId: 'contributions', description: '请补充近 12 个月社会保险缴费证明' }],
      resumeState: 'accepted',
    },
    status: { state: 'supplement-requested', holder: '440600', outcome: null },
  },
  supplemented: {
    actor: RESIDENT,
    fromState: 'supplement-requested',
    toState: 'accepted',
    reasonCode: 'SUPPLEMENT_PROVIDED',
    detail: {
      responses: [
        {
          itemId: 's1',
          evidence: { kind: 'file', fileName: 'contributions.pdf', mediaType: 'application/pdf', sizeBytes: 48213, sha256: 'e'.repeat(64) },
        },
      ],
    },
    status: { state: 'accepted', holder: '440100', outcome: null },
  },
  'review-started': {
    actor: GZ_CLERK,
    fromState: 'accepted',
    toState: 'under-review',
    reasonCode: 'REVIEW_STARTED',
    detail: {},
    status: { state: 'under-review', holder: '440100', outcome: null },
  },
  'special-procedure-started': {
    actor: GZ_CLERK,
    fromState: 'under-review',
    toState: 'special-procedure',
    reasonCode: 'HEARING',
    detail: { procedure: 'HEARING', expectedEnd: '2026-10-16' },
    status: { state: 'special-procedure', holder: '440100', outcome: null },
  },
  'special-procedure-ended': {
    actor: GZ_CLERK,
    fromState: 'special-procedure',
    toState: 'under-review',
    reasonCode: 'SPECIAL_PROCEDURE_ENDED',
    detail: { result: '听证结束' },
    status: { state: 'under-review', holder: '440100', outcome: null },
  },
  decided: {
    actor: GZ_CLERK,
    fromState: 'under-review',
    toState: 'decided',
    reasonCode: 'APPROVED',
    detail: { outcome: 'approved', certificateNo: 'GZ-HK-2026-000123' },
    status: { state: 'decided', holder: '440600', outcome: 'approved' },
  },
  delivered: {
    actor: FS_CLERK,
    fromState: 'decided',
    toState: 'delivered',
    reasonCode: 'MAIL',
    detail: { method: 'mail', trackingNumber: 'EMS1234567890CN', carrier: 'EMS' },
    status: { state: 'delivered', holder: '440600', outcome: 'approved' },
  },
  completed: {
    actor: FS_CLERK,
    fromState: 'delivered',
    toState: 'completed',
    reasonCode: 'COMPLETED',
    detail: {},
    status: { state: 'completed', holder: null, outcome: 'approved' },
  },
  withdrawn: {
    actor: RESIDENT,
    fromState: 'under-review',
    toState: 'withdrawn',
    reasonCode: 'APPLICANT_REQUEST',
    detail: { requestId: '0b6f2d3c-4e5a-4b7c-8d9e-0f1a2b3c4d5e' },
    status: { state: 'withdrawn', holder: null, outcome: null },
  },
  'withdrawal-refused': {
    actor: { role: 'system', id: 'affairs', city: '440100' },
    fromState: 'decided',
    toState: 'decided',
    reasonCode: 'ALREADY_DECIDED',
    detail: { requestId: '0b6f2d3c-4e5a-4b7c-8d9e-0f1a2b3c4d5e', reason: 'the case was decided before the request arrived' },
    status: { state: 'decided', holder: '440600', outcome: 'approved' },
  },
  extended: {
    actor: { role: 'supervisor', id: 'gz-supervisor', city: '440100', hall: 'GZ-TH-01' },
    fromState: 'under-review',
    toState: 'under-review',
    reasonCode: 'EXTENSION_APPROVED',
    detail: { workingDays: 10, reason: '需现场核实多处住所信息，经本机关负责人批准延长十个工作日' },
    status: { state: 'under-review', holder: '440100', outcome: null },
  },
  'deadline-recomputed': {
    actor: { role: 'system', id: 'affairs', city: '440100' },
    fromState: 'under-review',
    toState: 'under-review',
    reasonCode: 'CALENDAR_NOTICE_LOADED',
    detail: {
      previousDueDate: '2027-01-13',
      dueDate: '2027-01-14',
      calendar: { version: '2025+2026+2027', hash: 'c'.repeat(64) },
      provisionalYears: [],
      reason: '国务院办公厅关于2027年部分节假日安排的通知 loaded: 2027 is no longer provisional',
    },
    status: { state: 'under-review', holder: '440100', outcome: null },
  },
};

const SUMMARIES: Record<CaseEntryKind, string> = {
  filed: 'A case was filed (申请) at the receiving city or online; carries the whole case as filed.',
  forwarded: 'The receiving city checked form and identity and forwarded the case to the administering city (异地代收代办).',
  returned: 'The receiving city returned the application at intake (退件), with a reason code.',
  accepted: 'The administering city accepted the case (受理).',
  'not-accepted': 'The administering city refused to accept the case (不予受理), with a reason code.',
  'supplement-requested': 'One 补正 notice listing every missing item; the clock stops until the applicant answers.',
  supplemented: 'The applicant answered the 补正 notice; the clock runs again.',
  'review-started': 'Substantive review (审查) started.',
  'special-procedure-started': 'A special procedure (听证, 检验检测, 鉴定…) started; the clock stops.',
  'special-procedure-ended': 'The special procedure ended; review resumes and the clock runs again.',
  decided: 'The administering city decided (准予 / 不予); the result goes to the receiving city for delivery.',
  delivered: 'The result was delivered (送达): window pickup, mail with tracking number, or electronically.',
  completed: 'The case was closed (办结).',
  withdrawn: 'The applicant withdrew the application (撤回) before the decision.',
  'withdrawal-refused': 'A withdrawal request arrived after the decision and was refused; the state is unchanged.',
  extended:
    "行政许可法 art. 42: the administering city's supervisor (负责人) extended the time limit once, +10 working days (+15 for joint handling), with the reasons shown to the applicant; the state is unchanged.",
  'deadline-recomputed':
    'The holder recounted the due date on a newly loaded holiday notice (a year that was provisional); the state is unchanged.',
};

export const caseTransitionSchemaOf = <K extends CaseEntryKind>(kind: K) =>
  z.object({ caseId: z.uuid(), entry: CASE_ENTRY_SCHEMAS[kind], status: caseStatusSchema });

/** Data of every case event but the filing: the entry and the resulting state. */
export interface CaseTransitionData {
  caseId: string;
  entry: CaseEntry;
  status: CaseStatus;
}

export const caseFiledSchema = z.object({
  caseId: z.uuid(),
  entry: CASE_ENTRY_SCHEMAS.filed,
  status: caseStatusSchema,
  case: caseFilingSchema,
});
export type CaseFiledData = z.infer<typeof caseFiledSchema>;

const typeOf = (kind: CaseEntryKind): string => `gov.guangfo.affairs.case-${kind}.v1`;

const exampleTransition = (kind: CaseEntryKind, seq: number): CaseTransitionData => {
  const { status, ...rest } = EXAMPLES[kind];
  return { caseId: CASE_ID, entry: { ...rest, seq, at: AT, kind } as CaseEntry, status: { ...status, version: seq } };
};

const EXAMPLE_FILING: CaseFiling = {
  itemCode: 'XK00201000',
  itemName: {
    zh: '以经常居住地登记户口（跨市户口迁移）',
    en: 'Household registration at the habitual residence (moving hukou between the cities)',
  },
  catalogueVersion: '2026.1',
  mode: 'proxy',
  channel: 'window',
  applicantCity: '440600',
  receivingCity: '440600',
  administeringCity: '440100',
  originCity: '440600',
  participants: ['440600', '440100'],
  requiresIntake: true,
  receivingHall: 'FS-CC-01',
  implementationCodes: { receiving: 'XK00201000440600001', administering: 'XK00201000440100001' },
  applicant: { sub: 'fs-resident', name: '李小红', idNumber: '44060419920505002X' },
  materials: [
    {
      materialId: 'id-card',
      name: { zh: '居民身份证', en: 'Resident identity card' },
      required: true,
      status: 'provided',
      evidence: { kind: 'credential', credentialType: 'ID_CARD', credentialId: 'ID_CARD-440600-0001', verification: 'pending' },
    },
    {
      materialId: 'contributions',
      name: { zh: '社会保险缴费证明', en: 'Social insurance contribution record' },
      required: true,
      status: 'missing',
      evidence: { kind: 'missing' },
    },
  ],
  timeLimits: { committed: 10, legal: 20 },
};

/** `gov.guangfo.affairs.case-filed.v1`: the first entry, with the case as filed. */
export const CaseFiledV1 = defineEvent<CaseFiledData>({
  type: typeOf('filed'),
  audience: 'addressed',
  schema: caseFiledSchema,
  summary: SUMMARIES.filed,
  example: { ...(exampleTransition('filed', 1) as CaseFiledData), case: EXAMPLE_FILING },
  // The applicant (name, ID number, account) and the materials (credential numbers, file names).
  personal: ['case.applicant', 'case.materials'],
});

/** One contract per transition kind, `gov.guangfo.affairs.case-<kind>.v1`. */
export const CASE_TRANSITION_CONTRACTS = Object.fromEntries(
  CASE_ENTRY_KINDS.filter((k) => k !== 'filed').map((kind, i) => [
    kind,
    defineEvent<CaseTransitionData>({
      type: typeOf(kind),
      audience: 'addressed',
      schema: caseTransitionSchemaOf(kind) as unknown as z.ZodType<CaseTransitionData>,
      summary: SUMMARIES[kind],
      example: exampleTransition(kind, i + 2),
      // The applicant's answers to a 补正 notice (free text, file names, credential numbers).
      ...(kind === 'supplemented' ? { personal: ['entry.detail.responses'] } : {}),
    }),
  ]),
) as Record<Exclude<CaseEntryKind, 'filed'>, EventContract<CaseTransitionData>>;

/** The contract of an entry kind (the filing has its own, richer one). */
export const caseEventContract = (kind: CaseEntryKind): EventContract<CaseTransitionData> | EventContract<CaseFiledData> =>
  kind === 'filed' ? CaseFiledV1 : CASE_TRANSITION_CONTRACTS[kind];

export const caseWithdrawalRequestedSchema = z.object({
  caseId: z.uuid(),
  requestId: z.uuid(),
  requestedAt: z.iso.datetime(),
  /** The case version the applicant saw. */
  knownVersion: z.number().int().min(1),
  actor: caseActorSchema,
  reason: z.string().min(1).max(2000).optional(),
});
export type CaseWithdrawalRequested = z.infer<typeof caseWithdrawalRequestedSchema>;

/**
 * The applicant asked, at their own city, to withdraw a case the other city holds. Only the city
 * holding the case writes its next entry: it answers with `case-withdrawn` or `case-withdrawal-refused`.
 */
export const CaseWithdrawalRequestedV1 = defineEvent<CaseWithdrawalRequested>({
  type: 'gov.guangfo.affairs.case-withdrawal-requested.v1',
  audience: 'addressed',
  schema: caseWithdrawalRequestedSchema,
  personal: ['reason'],
  summary:
    'The applicant asked to withdraw (撤回) a case that the other city holds; that city answers with case-withdrawn or case-withdrawal-refused.',
  example: {
    caseId: CASE_ID,
    requestId: '0b6f2d3c-4e5a-4b7c-8d9e-0f1a2b3c4d5e',
    requestedAt: AT,
    knownVersion: 4,
    actor: RESIDENT,
    reason: '已在本市办理',
  },
});

/** 好差评 levels, from 5 (非常满意) to 1 (非常不满意); 1 and 2 are 差评. */
export const EVALUATION_LEVELS = ['very-dissatisfied', 'dissatisfied', 'basically-satisfied', 'satisfied', 'very-satisfied'] as const;
export type EvaluationLevel = (typeof EVALUATION_LEVELS)[number];

export const caseEvaluatedSchema = z.object({
  caseId: z.uuid(),
  rating: z.number().int().min(1).max(5),
  level: z.enum(EVALUATION_LEVELS),
  comment: z.string().min(1).max(500).optional(),
  evaluatedAt: z.iso.datetime(),
  actor: caseActorSchema,
});
export type CaseEvaluated = z.infer<typeof caseEvaluatedSchema>;

/** The applicant rated the service (好差评); every city that kept the case opens a remediation on a 差评. */
export const CaseEvaluatedV1 = defineEvent<CaseEvaluated>({
  type: 'gov.guangfo.affairs.case-evaluated.v1',
  audience: 'addressed',
  schema: caseEvaluatedSchema,
  personal: ['comment'],
  summary:
    'The applicant rated the service (好差评, five levels); a rating of 1 or 2 opens a remediation in the city responsible for what was rated (谁办理、谁负责), due after the remediation period of that city (catalogue data with its source).',
  example: { caseId: CASE_ID, rating: 2, level: 'dissatisfied', comment: '等待时间较长', evaluatedAt: AT, actor: RESIDENT },
});

/** 追评: the same fields as the rating, stamped when the follow-up was given. */
export const caseFollowUpEvaluatedSchema = caseEvaluatedSchema.omit({ evaluatedAt: true }).extend({ followedUpAt: z.iso.datetime() });
export type CaseFollowUpEvaluated = z.infer<typeof caseFollowUpEvaluatedSchema>;

/**
 * 追评: the applicant added a follow-up rating after the first one (once per case), typically after
 * the remediation of a 差评 (国办发〔2019〕51号 好差评). The city that remediates records on its task
 * whether the applicant is now satisfied (rating 3 or more).
 */
export const CaseFollowUpEvaluatedV1 = defineEvent<CaseFollowUpEvaluated>({
  type: 'gov.guangfo.affairs.case-follow-up-evaluated.v1',
  audience: 'addressed',
  schema: caseFollowUpEvaluatedSchema,
  personal: ['comment'],
  summary:
    'The applicant added a follow-up rating (追评, once, after the first rating); where a 差评 opened a remediation, the responsible city records on it whether the applicant is now satisfied (3 or more).',
  example: {
    caseId: CASE_ID,
    rating: 4,
    level: 'satisfied',
    comment: '整改后已电话回访，问题已解决',
    followedUpAt: '2026-10-20T03:00:00.000Z',
    actor: RESIDENT,
  },
});

/** Every affairs contract, for the event registry. */
export const AFFAIRS_EVENT_CONTRACTS: readonly EventContract<any>[] = [
  CaseFiledV1,
  ...Object.values(CASE_TRANSITION_CONTRACTS),
  CaseWithdrawalRequestedV1,
  CaseEvaluatedV1,
  CaseFollowUpEvaluatedV1,
];
