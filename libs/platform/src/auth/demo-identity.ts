import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { USER_ROLES } from './principal.js';

const demoSchema = z.object({
  users: z.array(
    z.object({
      username: z.string().min(1),
      role: z.enum(USER_ROLES as [string, ...string[]]),
      city: z.string().regex(/^\d{6}$/),
      hall: z.string().optional(),
      name: z.string(),
      residentId: z.string().optional(),
    }),
  ),
  partners: z.array(
    z.object({
      id: z.string(),
      city: z.string().regex(/^\d{6}$/),
      name: z.string(),
      apiKey: z.string().min(16),
      scopes: z.array(z.string()),
      /** Catalogue items whose cases the partner may read (besides the items its webhooks subscribe to). */
      caseItems: z.array(z.string()).default([]),
      /** USCC of the body the key issues credentials for (seeds/issuing-authorities.yaml). */
      issuingBody: z.string().length(18).optional(),
    }),
  ),
});
export type DemoDirectory = z.infer<typeof demoSchema>;

/** The sandbox's demo identity provider: demo users and partner keys (fictional, public). */
export interface DemoIdentity {
  issuer: string;
  privateKeyPem: string;
  directory: DemoDirectory;
}

export const loadDemoDirectory = (file: string): DemoDirectory => {
  const parsed = demoSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
};
