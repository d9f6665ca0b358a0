import { STATEMENT_CHUNK_MAX_ITEMS } from '@guangfo/contracts';

/** The domain's seed directory (policies, catalogues, hospitals of this city). */
export const MEDICAL_SEED_DIR = Symbol('MEDICAL_SEED_DIR');

/** How many items the treating city puts in one statement-chunk event. */
export const MEDICAL_STATEMENT_CHUNK_ITEMS = Symbol('MEDICAL_STATEMENT_CHUNK_ITEMS');

/** Items per statement-chunk event by default: about 250 KB of JSON with realistic amounts (docs/medical-settlement.md § 5). */
export const DEFAULT_STATEMENT_CHUNK_ITEMS = 2_000;

/**
 * Items per statement-chunk event: `MEDICAL_STATEMENT_CHUNK_ITEMS`, an integer from 1 to STATEMENT_CHUNK_MAX_ITEMS (what a
 * chunk event may carry), default 2 000. Anything else stops the node at start with the reason.
 */
export const statementChunkItems = (env: NodeJS.ProcessEnv = process.env): number => {
  const raw = env.MEDICAL_STATEMENT_CHUNK_ITEMS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_STATEMENT_CHUNK_ITEMS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > STATEMENT_CHUNK_MAX_ITEMS)
    throw new Error(`MEDICAL_STATEMENT_CHUNK_ITEMS must be an integer from 1 to ${STATEMENT_CHUNK_MAX_ITEMS}, not "${raw}"`);
  return n;
};
