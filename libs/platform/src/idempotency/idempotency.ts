import type { EntityManager } from 'typeorm';
import { sha256Hex, stableJson } from '@guangfo/kernel';
import { prepared, queryRow, queryRows } from '../database/query-rows.js';

/** The reservation every idempotent create makes (prepared on each connection). */
const CLAIM_KEY = prepared(
  `INSERT INTO platform.idempotency_key (scope, caller, key, request_hash, resource_id) VALUES ($1, $2, $3, $4, $5)
   ON CONFLICT (scope, caller, key) DO NOTHING RETURNING resource_id`,
);

/** The rule for an Idempotency-Key header, the same on every route that reads one. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const IDEMPOTENCY_KEY_RULE = '1–128 characters of A–Z a–z 0–9 _ . : -';

/** The status of a replay (the same key and body again): 200 with the resource the first request made (which answered 201). */
export const IDEMPOTENT_REPLAY_STATUS = 200;

/** What a domain answers for a malformed key and for a key reused with another body, with its own stable codes. */
export interface IdempotencyErrors {
  /** 400: the header breaks IDEMPOTENCY_KEY_RULE. */
  invalid(message: string): Error;
  /** 409: the caller used the key before for a different request body. */
  reused(message: string, resourceId: string): Error;
}

/** The outcome of claiming a key: first use (go on and create `resourceId`), or a replay of the earlier request. */
export type IdempotencyClaim = { replay: false } | { replay: true; resourceId: string };

interface IdempotencyKeyRow {
  request_hash: string;
  resource_id: string;
}

/**
 * Idempotency-Key handling of one operation (`scope`, e.g. `credentials.issue`): keys stored in
 * `platform.idempotency_key` per (scope, caller, key) with the SHA-256 of the request body's
 * canonical JSON and the id of the resource the first request created.
 */
export class Idempotency {
  constructor(
    readonly scope: string,
    private readonly errors: IdempotencyErrors,
  ) {}

  /** The header's key, checked against IDEMPOTENCY_KEY_RULE (never truncated); undefined when absent. */
  key(header: string | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (!IDEMPOTENCY_KEY_PATTERN.test(header)) throw this.errors.invalid(`Idempotency-Key must be ${IDEMPOTENCY_KEY_RULE}`);
    return header;
  }

  /**
   * In the transaction that creates `resourceId`: reserves the key for it, or — when the caller
   * used the key before — returns the earlier resource (same body) or throws `reused` (another
   * body). A concurrent request with the same key waits on the reservation until this
   * transaction ends, then sees its outcome.
   */
  async claim(em: EntityManager, p: { caller: string; key: string; body: unknown; resourceId: string }): Promise<IdempotencyClaim> {
    const hash = sha256Hex(stableJson(p.body));
    const inserted = await queryRows(em, CLAIM_KEY, [this.scope, p.caller, p.key, hash, p.resourceId]);
    if (inserted.length) return { replay: false };
    const earlier = await queryRow<IdempotencyKeyRow>(
      em,
      `SELECT request_hash, resource_id FROM platform.idempotency_key WHERE scope = $1 AND caller = $2 AND key = $3`,
      [this.scope, p.caller, p.key],
    );
    if (!earlier) throw new Error(`idempotency key ${this.scope}/${p.key} neither inserted nor found`);
    if (earlier.request_hash !== hash)
      throw this.errors.reused(`Idempotency-Key ${p.key} was used for a different request (${earlier.resource_id})`, earlier.resource_id);
    return { replay: true, resourceId: earlier.resource_id };
  }
}
