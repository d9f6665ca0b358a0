import { z } from 'zod';
import { cityCodeSchema, civilDateSchema, commitmentIdSchema, credentialTypeCodeSchema, localizedNameSchema } from './common.schema.js';

/** Handling modes of 国办发〔2020〕35号: 全程网办, 异地代收代办, 多地联办. */
export const HANDLING_MODES = ['online', 'proxy', 'joint'] as const;
export type HandlingMode = (typeof HANDLING_MODES)[number];

/** Where an application can be lodged: hall window, web/app, self-service terminal. */
export const CHANNELS = ['window', 'online', 'self-service'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DOMAINS = ['affairs', 'social-insurance', 'medical-settlement', 'credentials', 'other'] as const;
export type Domain = (typeof DOMAINS)[number];

/** Item kinds (事项类型) and the two-letter code that opens an item's base code. */
export const ITEM_KIND_CODES = {
  行政许可: 'XK',
  行政给付: 'GF',
  行政确认: 'QR',
  行政裁决: 'CJ',
  行政奖励: 'JL',
  行政征收: 'ZS',
  其他行政权力: 'QT',
  公共服务: 'GG',
} as const;
export type ItemKind = keyof typeof ITEM_KIND_CODES;
export const ITEM_KINDS = Object.keys(ITEM_KIND_CODES) as [ItemKind, ...ItemKind[]];

/** Base code (基本编码): kind code (2 letters) + main item (5 digits) + sub-item (3 digits, 000 = none). */
export const BASE_CODE_PATTERN = /^(XK|GF|QR|CJ|JL|ZS|QT|GG)\d{5}\d{3}$/;
/** Implementation code (实施编码): base code + GB/T 2260 city code + 3-digit handling-item number. */
export const IMPLEMENTATION_CODE_PATTERN = /^(XK|GF|QR|CJ|JL|ZS|QT|GG)\d{8}\d{6}\d{3}$/;

export const MATERIAL_FORMS = ['original', 'copy', 'form', 'commitment'] as const;
export type MaterialForm = (typeof MATERIAL_FORMS)[number];

const noDuplicates = <T>(values: T[]) => new Set(values).size === values.length;

export const materialSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a short kebab-case id, e.g. id-card'),
  name: localizedNameSchema,
  required: z.boolean().default(true),
  form: z.enum(MATERIAL_FORMS),
  /** Credential types whose valid electronic credential replaces this material (免提交). */
  replaceableBy: z.array(credentialTypeCodeSchema).default([]).refine(noDuplicates, 'lists a credential type twice'),
});
export type Material = z.infer<typeof materialSchema>;

/**
 * One ordered city pair: an applicant belonging to `from` (户籍/参保/持证地) served with `to`.
 * `receivedBy` is the city that takes the application (收件地), `administeredBy` the city whose
 * authority decides (办理地); both are `from` or `to`.
 */
export const routeSchema = z
  .strictObject({
    from: cityCodeSchema,
    to: cityCodeSchema,
    receivedBy: cityCodeSchema,
    administeredBy: cityCodeSchema,
    modes: z.array(z.enum(HANDLING_MODES)).min(1).refine(noDuplicates, 'lists a mode twice'),
    channels: z.array(z.enum(CHANNELS)).min(1).refine(noDuplicates, 'lists a channel twice'),
  })
  .superRefine((r, ctx) => {
    if (r.from === r.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must differ from "from" (routes are between two cities)' });
    for (const key of ['receivedBy', 'administeredBy'] as const) {
      if (r[key] !== r.from && r[key] !== r.to) {
        ctx.addIssue({ code: 'custom', path: [key], message: `must be "from" (${r.from}) or "to" (${r.to})` });
      }
    }
    if (r.modes.includes('proxy') && r.receivedBy === r.administeredBy) {
      ctx.addIssue({ code: 'custom', path: ['modes'], message: 'proxy (异地代收代办) needs receivedBy to differ from administeredBy' });
    }
    if (r.modes.includes('online') && !r.channels.includes('online') && !r.channels.includes('self-service')) {
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'online (全程网办) needs the online or self-service channel' });
    }
    if (r.modes.includes('proxy') && !r.channels.includes('window') && !r.channels.includes('self-service')) {
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'proxy (异地代收代办) needs the window or self-service channel' });
    }
  });
export type Route = z.infer<typeof routeSchema>;

export const implementationSchema = z.strictObject({
  city: cityCodeSchema,
  code: z.string().regex(IMPLEMENTATION_CODE_PATTERN, 'must be base code + 6-digit city code + 3-digit number'),
  /** The implementing body (实施主体), e.g. 广州市医疗保障局. */
  body: z.string().trim().min(2),
  /** The local name where a city calls the item differently. */
  localName: z.string().trim().min(2).optional(),
});
export type Implementation = z.infer<typeof implementationSchema>;

export const timeLimitsSchema = z
  .strictObject({
    /** Statutory limit in working days; null where no law sets one. */
    legal: z.number().int().min(0).max(365).nullable(),
    /** Committed limit (承诺时限) in working days; 0 = handled on the spot (即办). */
    committed: z.number().int().min(0).max(365),
  })
  .refine((t) => t.legal === null || t.committed <= t.legal, {
    path: ['committed'],
    message: 'must not exceed the legal limit',
  });
export type TimeLimits = z.infer<typeof timeLimitsSchema>;

export const itemSchema = z
  .strictObject({
    code: z.string().regex(BASE_CODE_PATTERN, 'must be a base code: kind letters + 8 digits, e.g. GG00101001'),
    name: localizedNameSchema,
    kind: z.enum(ITEM_KINDS),
    domain: z.enum(DOMAINS),
    /** Extra search words in Chinese or English (synonyms, common names). */
    keywords: z.array(z.string().trim().min(1)).default([]),
    /** Ids of the plan commitments (commitments.yaml) this item implements. */
    implements: z.array(commitmentIdSchema).min(1, 'must name at least one plan commitment'),
    implementations: z.array(implementationSchema).min(1),
    routes: z.array(routeSchema).min(1),
    materials: z.array(materialSchema),
    timeLimits: timeLimitsSchema,
    /** Fee in integer fen (分). */
    feeFen: z.number().int('must be an integer number of fen').min(0),
    version: z.number().int().min(1),
    effectiveFrom: civilDateSchema,
    effectiveTo: civilDateSchema.optional(),
  })
  .superRefine((item, ctx) => {
    const kindCode = ITEM_KIND_CODES[item.kind];
    if (!item.code.startsWith(kindCode)) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: `must start with ${kindCode} for kind ${item.kind}` });
    }
    const cities = new Set<string>();
    item.implementations.forEach((impl, i) => {
      if (cities.has(impl.city))
        ctx.addIssue({ code: 'custom', path: ['implementations', i, 'city'], message: `duplicate implementation for ${impl.city}` });
      cities.add(impl.city);
      const prefix = item.code + impl.city;
      if (!impl.code.startsWith(prefix)) {
        ctx.addIssue({ code: 'custom', path: ['implementations', i, 'code'], message: `must start with ${prefix} (base code + city)` });
      }
    });
    const routeKeys = new Set<string>();
    item.routes.forEach((r, i) => {
      const key = [r.from, r.to, r.receivedBy, r.administeredBy].join('>');
      if (routeKeys.has(key))
        ctx.addIssue({ code: 'custom', path: ['routes', i], message: 'duplicates another route (same from/to/receivedBy/administeredBy)' });
      routeKeys.add(key);
      for (const key2 of ['receivedBy', 'administeredBy'] as const) {
        if (!cities.has(r[key2])) {
          ctx.addIssue({ code: 'custom', path: ['routes', i, key2], message: `city ${r[key2]} has no entry under implementations` });
        }
      }
    });
    const materialIds = item.materials.map((m) => m.id);
    materialIds.forEach((id, i) => {
      if (materialIds.indexOf(id) !== i)
        ctx.addIssue({ code: 'custom', path: ['materials', i, 'id'], message: `duplicate material id ${id}` });
    });
    if (item.effectiveTo !== undefined && item.effectiveTo < item.effectiveFrom) {
      ctx.addIssue({ code: 'custom', path: ['effectiveTo'], message: 'must not be before effectiveFrom' });
    }
  });
export type CatalogueItem = z.infer<typeof itemSchema>;

/** A file under items/: a list of items. */
export const itemFileSchema = z.strictObject({ items: z.array(z.unknown()) });
