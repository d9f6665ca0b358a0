import { z } from 'zod';
import { defineEvent } from '../../event-type.js';
import { civilDateSchema } from './social-insurance-common.schema.js';

/** A keyed hash of an ID number: HMAC-SM3 under the cities' shared match key `keyId`, hex. Never the number itself. */
export const matchHashSchema = z.string().regex(/^[0-9a-f]{64}$/);
export const CROSS_CHECK_SOURCES = ['death-records', 'prison-records'] as const;
export type CrossCheckSource = (typeof CROSS_CHECK_SOURCES)[number];

export const crossCheckRequestedSchema = z.object({
  checkId: z.uuid(),
  /** The shared match key the hashes are made with (rotated by key id). */
  keyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** What the addressed city matches the hashes against. */
  sources: z.array(z.enum(CROSS_CHECK_SOURCES)).min(1),
  /** The sender's benefit roll (people it pays), as keyed hashes only. */
  hashes: z.array(matchHashSchema).max(100_000),
});
export type CrossCheckRequested = z.infer<typeof crossCheckRequestedSchema>;

/** 数据比对: a paying city sends its benefit roll as keyed hashes; the addressed city matches them against its death and prison records. */
export const CrossCheckRequestedV1 = defineEvent<CrossCheckRequested>({
  type: 'gov.guangfo.social-insurance.cross-check-requested.v1',
  audience: 'addressed',
  schema: crossCheckRequestedSchema,
  summary: 'A paying city asks another to match its benefit roll (HMAC-SM3 keyed hashes, no ID numbers) against death and prison records.',
  example: {
    checkId: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
    keyId: 'match-2026',
    sources: ['death-records', 'prison-records'],
    hashes: ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  },
});

export const crossCheckAnsweredSchema = z.object({
  checkId: z.uuid(),
  keyId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Refused: the key id is not (or no longer) shared. */
  refused: z.enum(['UNKNOWN_KEY']).optional(),
  /** Each hit opens a joint investigation (its id, the same in both cities); the answering city keeps the identity. */
  hits: z
    .array(z.object({ investigationId: z.uuid(), hash: matchHashSchema, source: z.enum(CROSS_CHECK_SOURCES), eventDate: civilDateSchema }))
    .max(100_000),
});
export type CrossCheckAnswered = z.infer<typeof crossCheckAnsweredSchema>;

export const CrossCheckAnsweredV1 = defineEvent<CrossCheckAnswered>({
  type: 'gov.guangfo.social-insurance.cross-check-answered.v1',
  audience: 'addressed',
  schema: crossCheckAnsweredSchema,
  summary: 'The matching city answers a cross-check: the hashes found in its death or prison records, each a joint investigation.',
  example: {
    checkId: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b',
    keyId: 'match-2026',
    hits: [
      {
        investigationId: '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c',
        hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        source: 'death-records',
        eventDate: '2026-10-15',
      },
    ],
  },
});

export const INVESTIGATION_OUTCOMES = ['confirmed', 'unfounded'] as const;
export type InvestigationOutcome = (typeof INVESTIGATION_OUTCOMES)[number];

export const investigationClosedSchema = z.object({
  investigationId: z.uuid(),
  /** `confirmed`: the record is the person's; `unfounded`: it is not (e.g. a hash collision or a corrected record). */
  outcome: z.enum(INVESTIGATION_OUTCOMES),
  /** The closing clerk's reason (no ID numbers: each city keeps its own person). */
  reason: z.string().min(1).max(500),
  closedOn: civilDateSchema,
  closedAt: z.iso.datetime(),
});
export type InvestigationClosed = z.infer<typeof investigationClosedSchema>;

/** One city's clerk closed a joint investigation: the other city closes its copy with the same outcome. */
export const InvestigationClosedV1 = defineEvent<InvestigationClosed>({
  type: 'gov.guangfo.social-insurance.investigation-closed.v1',
  audience: 'addressed',
  schema: investigationClosedSchema,
  summary: 'A city closed a joint cross-check investigation (outcome and reason); the other city closes its copy.',
  example: {
    investigationId: '5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c',
    outcome: 'confirmed',
    reason: '死亡登记核实无误，已停发并追回',
    closedOn: '2026-11-02',
    closedAt: '2026-11-02T02:30:00.000Z',
  },
});
