import { z } from 'zod';

/**
 * Shared vocabulary of the 跨城通办 case events: states, actors, materials, and the timeline entry
 * every transition carries. Both cities fold the same entries, in `seq` order, into the same case.
 */

/** Life-cycle states of a case (申请 → 补正/不予受理 → 受理 → 审查 → 特别程序 → 决定 → 送达 → 办结; 撤回; 退件). */
export const CASE_STATES = [
  'submitted',
  'returned',
  'forwarded',
  'supplement-requested',
  'not-accepted',
  'accepted',
  'under-review',
  'special-procedure',
  'decided',
  'delivered',
  'completed',
  'withdrawn',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** 全程网办, 异地代收代办, 多地联办 (国办发〔2020〕35号). */
export const CASE_MODES = ['online', 'proxy', 'joint'] as const;
export type CaseMode = (typeof CASE_MODES)[number];
export const CASE_CHANNELS = ['window', 'online', 'self-service'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

/** 特别程序 that stop the clock (行政许可法 art. 45): 听证, 检验检测, 鉴定, 专家评审, 现场核查. */
/**
 * 行政许可法 art. 45: the only procedures whose time is not counted in the limit — 听证 (HEARING),
 * 招标 (TENDER), 拍卖 (AUCTION), 检验 (INSPECTION), 检测 (TESTING), 检疫 (QUARANTINE), 鉴定
 * (APPRAISAL), 专家评审 (EXPERT_REVIEW); the applicant is told in writing how long it will take.
 */
export const SPECIAL_PROCEDURES = [
  'HEARING',
  'TENDER',
  'AUCTION',
  'INSPECTION',
  'TESTING',
  'QUARANTINE',
  'APPRAISAL',
  'EXPERT_REVIEW',
] as const;
export type SpecialProcedure = (typeof SPECIAL_PROCEDURES)[number];

export const DELIVERY_METHODS = ['window-pickup', 'mail', 'electronic'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export const DECISION_OUTCOMES = ['approved', 'denied'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

const city = z.string().regex(/^\d{6}$/);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256');
const text = z.string().min(1).max(2000);
const reasonCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/)
  .max(64);
const civilDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const caseStateSchema = z.enum(CASE_STATES);
export const caseModeSchema = z.enum(CASE_MODES);
export const caseChannelSchema = z.enum(CASE_CHANNELS);

/** Who made a timeline entry. `id` is the identity provider's opaque subject, never an ID number. */
export const caseActorSchema = z.object({
  role: z.enum(['resident', 'clerk', 'supervisor', 'system']),
  id: z.string().min(1).max(128),
  city,
  hall: z.string().min(1).max(64).optional(),
});
export type CaseActor = z.infer<typeof caseActorSchema>;

/**
 * What stands for a material: file metadata (bytes travel through the platform file store), a
 * reference to a file already in the store, an electronic credential (verified by the credentials
 * domain), or an explicit "missing" (to be requested in one 补正 notice).
 */
export const materialEvidenceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    fileName: z.string().min(1).max(255),
    mediaType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/)
      .max(127),
    sizeBytes: z.number().int().min(0).max(10_000_000_000),
    sha256,
  }),
  z.object({
    kind: z.literal('file-ref'),
    fileId: z.string().min(1).max(128),
    sha256: sha256.optional(),
    /** Set once the receiving city found the file in its store (the claim check other cities fetch by). */
    sizeBytes: z.number().int().min(0).max(10_000_000_000).optional(),
    mediaType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/)
      .max(127)
      .optional(),
    ownerCity: city.optional(),
  }),
  z.object({
    kind: z.literal('credential'),
    credentialType: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .max(64),
    credentialId: z.string().min(1).max(128),
    verification: z.enum(['pending', 'verified', 'failed']),
    /** 免提交: who verified it, when, and against which issuer (set by the city that took the filing). */
    verifiedBy: city.optional(),
    verifiedAt: z.iso.datetime().optional(),
    issuerCity: city.optional(),
    credentialNumber: z.string().min(1).max(64).optional(),
    warnings: z.array(z.string().min(1).max(64)).max(20).optional(),
  }),
  z.object({ kind: z.literal('missing') }),
]);
export type MaterialEvidence = z.infer<typeof materialEvidenceSchema>;

export const caseMaterialSchema = z.object({
  materialId: z.string().min(1).max(64),
  name: z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
  required: z.boolean(),
  status: z.enum(['provided', 'missing', 'supplemented']),
  evidence: materialEvidenceSchema,
});
export type CaseMaterial = z.infer<typeof caseMaterialSchema>;

/** One line of a 补正 notice: a catalogue material, or a free-form item (materialId null). */
export const supplementItemSchema = z.object({
  id: z.string().regex(/^s\d{1,3}$/),
  materialId: z.string().min(1).max(64).nullable(),
  description: z.string().min(1).max(500),
});
export type SupplementItem = z.infer<typeof supplementItemSchema>;

export const supplementResponseSchema = z.object({
  itemId: z.string().regex(/^s\d{1,3}$/),
  evidence: materialEvidenceSchema.optional(),
  text: text.optional(),
});
export type SupplementResponse = z.infer<typeof supplementResponseSchema>;

const entryBase = {
  /** Position in the case's timeline, from 1; the case's version after this entry. */
  seq: z.number().int().min(1).max(10_000),
  at: z.iso.datetime(),
  actor: caseActorSchema,
  fromState: caseStateSchema.nullable(),
  toState: caseStateSchema,
  reasonCode,
};

const entry = <K extends string, D extends z.ZodObject>(kind: K, detail: D) => z.object({ ...entryBase, kind: z.literal(kind), detail });

/** How a filing established who the applicant is. */
export const IDENTITY_CHECKS = [
  'token:real-name',
  'token:face',
  'in-person:id-card-reader',
  'in-person:id-card-inspection',
  'in-person:face-match',
] as const;
export type IdentityCheck = (typeof IDENTITY_CHECKS)[number];

/** The timeline entry of each kind (one kind per transition, plus the refusal of a late withdrawal). */
export const CASE_ENTRY_SCHEMAS = {
  filed: entry(
    'filed',
    z.object({
      mode: caseModeSchema,
      channel: caseChannelSchema,
      /** How the applicant's identity was established: the resident's verified token, or a clerk's in-person check. Optional: v1 senders before it existed omit it. */
      identityCheck: z.enum(IDENTITY_CHECKS).optional(),
    }),
  ),
  forwarded: entry('forwarded', z.object({ to: city, checks: z.object({ identity: z.literal('verified'), form: z.literal('complete') }) })),
  returned: entry('returned', z.object({ reason: text.optional() })),
  accepted: entry('accepted', z.object({})),
  'not-accepted': entry('not-accepted', z.object({ reason: text.optional() })),
  'supplement-requested': entry(
    'supplement-requested',
    z.object({ items: z.array(supplementItemSchema).min(1).max(50), resumeState: caseStateSchema }),
  ),
  supplemented: entry('supplemented', z.object({ responses: z.array(supplementResponseSchema).min(1).max(50) })),
  'review-started': entry('review-started', z.object({})),
  'special-procedure-started': entry(
    'special-procedure-started',
    z.object({ procedure: z.enum(SPECIAL_PROCEDURES), expectedEnd: civilDate }),
  ),
  'special-procedure-ended': entry('special-procedure-ended', z.object({ result: text.optional() })),
  decided: entry(
    'decided',
    z.object({ outcome: z.enum(DECISION_OUTCOMES), reason: text.optional(), certificateNo: z.string().min(1).max(64).optional() }),
  ),
  delivered: entry(
    'delivered',
    z.object({
      method: z.enum(DELIVERY_METHODS),
      trackingNumber: z.string().min(1).max(64).optional(),
      carrier: z.string().min(1).max(64).optional(),
    }),
  ),
  completed: entry('completed', z.object({})),
  withdrawn: entry('withdrawn', z.object({ requestId: z.uuid().optional(), reason: text.optional() })),
  'withdrawal-refused': entry('withdrawal-refused', z.object({ requestId: z.uuid(), reason: text })),
  /** 行政许可法 art. 42: the time limit extended once, with the agency head's approval, reasons told to the applicant. */
  extended: entry('extended', z.object({ workingDays: z.union([z.literal(10), z.literal(15)]), reason: text })),
  'deadline-recomputed': entry(
    'deadline-recomputed',
    z.object({
      previousDueDate: civilDate.nullable(),
      dueDate: civilDate.nullable(),
      /** The calendar the new due date was counted on (version = its official years). */
      calendar: z.object({ version: z.string().min(1).max(200), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
      /** Years still counted provisionally (no State Council notice yet). */
      provisionalYears: z.array(z.number().int().min(2000).max(2100)).max(20),
      reason: text,
    }),
  ),
} as const;

export type CaseEntryKind = keyof typeof CASE_ENTRY_SCHEMAS;
export const CASE_ENTRY_KINDS = Object.keys(CASE_ENTRY_SCHEMAS) as CaseEntryKind[];
export type CaseEntryOf<K extends CaseEntryKind> = z.infer<(typeof CASE_ENTRY_SCHEMAS)[K]>;

export const caseEntrySchema = z.discriminatedUnion('kind', [
  CASE_ENTRY_SCHEMAS.filed,
  CASE_ENTRY_SCHEMAS.forwarded,
  CASE_ENTRY_SCHEMAS.returned,
  CASE_ENTRY_SCHEMAS.accepted,
  CASE_ENTRY_SCHEMAS['not-accepted'],
  CASE_ENTRY_SCHEMAS['supplement-requested'],
  CASE_ENTRY_SCHEMAS.supplemented,
  CASE_ENTRY_SCHEMAS['review-started'],
  CASE_ENTRY_SCHEMAS['special-procedure-started'],
  CASE_ENTRY_SCHEMAS['special-procedure-ended'],
  CASE_ENTRY_SCHEMAS.decided,
  CASE_ENTRY_SCHEMAS.delivered,
  CASE_ENTRY_SCHEMAS.completed,
  CASE_ENTRY_SCHEMAS.withdrawn,
  CASE_ENTRY_SCHEMAS['withdrawal-refused'],
  CASE_ENTRY_SCHEMAS.extended,
  CASE_ENTRY_SCHEMAS['deadline-recomputed'],
]);
/** One timeline entry: who did what, when, why (reason code), and the state it led to. */
export type CaseEntry = z.infer<typeof caseEntrySchema>;

/** The case's state after an entry: what a replica must arrive at when it applies the entry. */
export const caseStatusSchema = z.object({
  state: caseStateSchema,
  version: z.number().int().min(1),
  /** The city that may write the next entry (null once the case is closed). */
  holder: city.nullable(),
  outcome: z.enum(DECISION_OUTCOMES).nullable(),
});
export type CaseStatus = z.infer<typeof caseStatusSchema>;

/** The case as filed: everything the other city needs to keep its copy. */
export const caseFilingSchema = z.object({
  itemCode: z.string().regex(/^[A-Z]{2}\d{8}$/),
  itemName: z.object({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
  catalogueVersion: z.string().min(1).max(16),
  mode: caseModeSchema,
  channel: caseChannelSchema,
  /** 户籍/参保/持证地: the applicant's own city (the route's `from`). */
  applicantCity: city,
  /** 收件地 and 办理地. */
  receivingCity: city,
  administeringCity: city,
  /** The node where the application was lodged. */
  originCity: city,
  /** Cities keeping a copy of the case (at most the route's two cities). */
  participants: z.array(city).min(1).max(2),
  /** 异地代收代办: the receiving city checks form and identity before forwarding. */
  requiresIntake: z.boolean(),
  receivingHall: z.string().min(1).max(64).nullable(),
  implementationCodes: z.object({ receiving: z.string().min(1).max(32), administering: z.string().min(1).max(32) }),
  applicant: z.object({
    /** The resident's account (identity provider subject), when the applicant has one. */
    sub: z.string().min(1).max(128).nullable(),
    name: z.string().min(1).max(100),
    /** 公民身份号码: personal data, addressed only to the other participating city. */
    idNumber: z.string().regex(/^\d{17}[\dX]$/),
  }),
  materials: z.array(caseMaterialSchema).max(50),
  /** Working days from the catalogue: 承诺时限 and 法定时限 (null: no statute sets one). */
  timeLimits: z.object({ committed: z.number().int().min(0).max(365), legal: z.number().int().min(0).max(365).nullable() }),
});
export type CaseFiling = z.infer<typeof caseFilingSchema>;
