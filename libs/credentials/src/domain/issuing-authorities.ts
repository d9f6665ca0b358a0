import { readFileSync } from 'node:fs';
import { isValidSocialCreditCode } from '@guangfo/kernel';
import { parse } from 'yaml';
import { z } from 'zod';

/** One body (发证机关) allowed to issue some credential types, as a city publishes it. */
export interface IssuingBody {
  /** 统一社会信用代码 (GB 32100 check character verified). */
  readonly code: string;
  readonly name: string;
  readonly credentialTypes: readonly string[];
}

/** One city's part of the seed: its bodies, and which body each of its halls acts for. */
export interface CityIssuingAuthorities {
  readonly bodies: readonly IssuingBody[];
  /** hall code (the `hall` claim) → body code. */
  readonly halls: Readonly<Record<string, string>>;
}

export type IssuingAuthorities = Readonly<Record<string, CityIssuingAuthorities>>;

const uscc = z.string().refine(isValidSocialCreditCode, { message: 'must be a 统一社会信用代码 with a valid GB 32100 check character' });
const typeCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/);
const bodySchema = z.object({ code: uscc, name: z.string().min(1).max(100), credentialTypes: z.array(typeCode).min(1).max(200) }).strict();
const citySchema = z
  .object({ bodies: z.array(bodySchema).max(500), halls: z.record(z.string().min(1).max(64), uscc).default({}) })
  .strict();
const fileSchema = z.object({ cities: z.record(z.string().regex(/^\d{6}$/), citySchema) }).strict();

/**
 * Parses and checks the issuing-authority seed (e.g. seeds/issuing-authorities.yaml): valid codes,
 * no body listed twice in a city, every hall bound to a body of its own city, and (when
 * `knownTypes` is given) only credential types of the catalogue.
 */
export const parseIssuingAuthorities = (doc: unknown, knownTypes?: ReadonlySet<string>): IssuingAuthorities => {
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const issues: string[] = [];
  for (const [city, c] of Object.entries(parsed.data.cities)) {
    const codes = new Set<string>();
    c.bodies.forEach((b, i) => {
      if (codes.has(b.code)) issues.push(`cities.${city}.bodies.${i}: body ${b.code} listed twice`);
      codes.add(b.code);
      for (const t of b.credentialTypes)
        if (knownTypes && !knownTypes.has(t)) issues.push(`cities.${city}.bodies.${i}: ${t} is not a catalogue credential type`);
    });
    for (const [hall, code] of Object.entries(c.halls))
      if (!codes.has(code)) issues.push(`cities.${city}.halls.${hall}: ${code} is not a body of ${city}`);
  }
  if (issues.length) throw new Error(issues.join('; '));
  return parsed.data.cities;
};

export const loadIssuingAuthorities = (file: string, knownTypes?: ReadonlySet<string>): IssuingAuthorities => {
  try {
    return parseIssuingAuthorities(parse(readFileSync(file, 'utf8')), knownTypes);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
};

/** A published list in a canonical order (bodies by code, types sorted), so two lists compare by value. */
export const canonicalBodies = (bodies: readonly IssuingBody[]): IssuingBody[] =>
  [...bodies]
    .map((b) => ({ code: b.code, name: b.name, credentialTypes: [...new Set(b.credentialTypes)].sort() }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

/** True when `bodyCode` may issue `typeCode` according to `bodies` (a city's published list). */
export const isAuthorised = (bodies: readonly IssuingBody[], bodyCode: string, typeCode: string): boolean =>
  bodies.some((b) => b.code === bodyCode && b.credentialTypes.includes(typeCode));
