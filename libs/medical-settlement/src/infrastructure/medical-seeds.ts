import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  HOSPITAL_LEVELS,
  type InsuredPolicy,
  insuredPolicySchema,
  type TreatingCatalogue,
  treatingCatalogueSchema,
} from '@guangfo/contracts';

/** Where the domain's seed data is: `MEDICAL_SEED_DIR`, default seeds/medical (policies/<city>.yaml, catalogues/<city>.yaml, hospitals.yaml). */
export const medicalSeedDir = (env: NodeJS.ProcessEnv = process.env): string => resolve(env.MEDICAL_SEED_DIR ?? 'seeds/medical');

const hospitalSchema = z.object({
  partnerId: z.string().min(1),
  city: z.string().regex(/^\d{6}$/),
  code: z.string().regex(/^[A-Z0-9]{12}$/, 'a 12-character institution code (the msgid prefix)'),
  name: z.string().min(1),
  level: z.enum(HOSPITAL_LEVELS),
  /** 预约挂号 slots the hospital offers to the other city's residents (demo data): id, department, start, capacity. */
  slots: z
    .array(
      z.object({
        id: z.uuid(),
        department: z.string().min(1).max(100),
        startsAt: z.iso.datetime(),
        capacity: z.number().int().min(1).max(1000),
      }),
    )
    .default([]),
});
export type HospitalSeed = z.infer<typeof hospitalSchema>;

export interface MedicalSeeds {
  policies: InsuredPolicy[];
  catalogues: TreatingCatalogue[];
  hospitals: HospitalSeed[];
}

const load = <T>(file: string, schema: z.ZodType<T>): T[] => {
  if (!existsSync(file)) return [];
  const parsed = z.object({ versions: z.array(schema) }).safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.versions;
};

/** This city's own policy and catalogue versions and hospitals (a file naming another city is refused). */
export const loadMedicalSeeds = (dir: string, city: string): MedicalSeeds => {
  const policies = load(join(dir, 'policies', `${city}.yaml`), insuredPolicySchema);
  const catalogues = load(join(dir, 'catalogues', `${city}.yaml`), treatingCatalogueSchema);
  for (const v of [...policies, ...catalogues])
    if (v.city !== city) throw new Error(`${dir}: version ${v.version} names city ${v.city}, not ${city}`);
  const hospitalsFile = join(dir, 'hospitals.yaml');
  const hospitals = existsSync(hospitalsFile)
    ? z
        .object({ hospitals: z.array(hospitalSchema) })
        .parse(parse(readFileSync(hospitalsFile, 'utf8')))
        .hospitals.filter((h) => h.city === city)
    : [];
  return { policies, catalogues, hospitals };
};
