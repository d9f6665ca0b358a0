import { isCivilDate } from '@guangfo/kernel';
import { z } from 'zod';

/** GB/T 2260 administrative-division code of a city, e.g. 440100 (Guangzhou). */
export const CITY_CODE_PATTERN = /^\d{6}$/;
/** Catalogue version label: `<year>.<sequence>`, e.g. 2026.1. */
export const VERSION_LABEL_PATTERN = /^\d{4}\.\d{1,3}$/;

/** A city code; YAML authors may write it unquoted (a number), it is kept as a string. */
export const cityCodeSchema = z
  .union([z.string(), z.number().int()])
  .transform(String)
  .pipe(z.string().regex(CITY_CODE_PATTERN, 'must be a 6-digit GB/T 2260 code, e.g. "440100"'));

export const civilDateSchema = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isCivilDate, 'must be a real date written YYYY-MM-DD');

export const versionLabelSchema = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(VERSION_LABEL_PATTERN, 'must look like 2026.1 (year.sequence)'));

export const localizedNameSchema = z.strictObject({
  zh: z.string().trim().min(1, 'Chinese name is required'),
  en: z.string().trim().min(1, 'English name is required'),
});
export type LocalizedName = z.infer<typeof localizedNameSchema>;

/** Credential type code, e.g. RESIDENCE_PERMIT. */
export const credentialTypeCodeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'must be an UPPER_SNAKE credential type code, e.g. RESIDENCE_PERMIT');

/** Plan commitment id: P<chapter>-<section>-<nn>, e.g. P8-2-04. */
export const commitmentIdSchema = z.string().regex(/^P\d{1,2}-\d{1,2}-\d{2}$/, 'must look like P8-2-04 (chapter-section-number)');
