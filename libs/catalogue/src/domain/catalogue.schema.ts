import { z } from 'zod';
import {
  cityCodeSchema,
  civilDateSchema,
  commitmentIdSchema,
  credentialTypeCodeSchema,
  localizedNameSchema,
  versionLabelSchema,
} from './common.schema.js';

/** `<seedDir>/index.yaml`: which version directory is the current catalogue. */
export const seedIndexSchema = z.strictObject({ current: versionLabelSchema });

/** `<version>/catalogue.yaml`: the version's label, start date and participating cities. */
export const manifestSchema = z.strictObject({
  version: versionLabelSchema,
  effectiveFrom: civilDateSchema,
  cities: z
    .array(cityCodeSchema)
    .min(1)
    .refine((c) => new Set(c).size === c.length, 'lists a city twice'),
  description: z.string().trim().min(1).optional(),
});
export type CatalogueManifest = z.infer<typeof manifestSchema>;

export const COMMITMENT_SCOPES = ['item', 'out-of-scope'] as const;

/** One commitment of the plan, quoted word for word. */
export const commitmentSchema = z
  .strictObject({
    id: commitmentIdSchema,
    chapter: z.number().int().min(1).max(20),
    section: z.number().int().min(1).max(20),
    chapterTitle: z.string().trim().min(2),
    sectionTitle: z.string().trim().min(2),
    /** The bold lead-in of the paragraph, e.g. 深化医疗服务政策对接. */
    topic: z.string().trim().min(2),
    /** The exact phrase of the plan this commitment stands for. */
    quote: z.string().trim().min(4),
    /** `item`: resident- or enterprise-facing, must map to ≥1 item; `out-of-scope`: government-internal. */
    scope: z.enum(COMMITMENT_SCOPES).default('item'),
    reason: z.string().trim().min(2).optional(),
  })
  .superRefine((c, ctx) => {
    const prefix = `P${c.chapter}-${c.section}-`;
    if (!c.id.startsWith(prefix))
      ctx.addIssue({ code: 'custom', path: ['id'], message: `must start with ${prefix} (chapter ${c.chapter}, section ${c.section})` });
    if (c.scope === 'out-of-scope' && c.reason === undefined)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'an out-of-scope commitment needs a reason' });
  });
export type Commitment = z.infer<typeof commitmentSchema>;

export const commitmentFileSchema = z.strictObject({
  source: z.string().trim().min(2),
  commitments: z.array(z.unknown()),
});

export const credentialTypeSchema = z.strictObject({
  code: credentialTypeCodeSchema,
  name: localizedNameSchema,
  /** Kind of issuing authority, e.g. 公安机关. */
  issuer: z.string().trim().min(2),
});
export type CredentialType = z.infer<typeof credentialTypeSchema>;

export const credentialTypeFileSchema = z.strictObject({ credentialTypes: z.array(z.unknown()) });

/** Where a rule of the catalogue comes from: the document, its number and the provision, in its own words. */
export const ruleSourceSchema = z.strictObject({
  document: z.string().trim().min(4),
  number: z.string().trim().min(2).optional(),
  provision: z.string().trim().min(2),
  /** What the provision says, as the catalogue applies it. */
  text: z.string().trim().min(4),
});
export type RuleSource = z.infer<typeof ruleSourceSchema>;

/** 好差评 差评整改: how many working days the responsible city has to remedy a 差评, and on what basis. */
export const remediationRuleSchema = z.strictObject({
  city: cityCodeSchema,
  workingDays: z.number().int().min(1).max(60),
  source: ruleSourceSchema,
});
export type RemediationRule = z.infer<typeof remediationRuleSchema>;

/** `<version>/evaluation.yaml`: one remediation rule per city of the version. */
export const evaluationFileSchema = z.strictObject({ remediation: z.array(z.unknown()) });
