import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { hashApiKey } from './api-key.hash.js';
import type { PartnerPrincipal } from './principal.js';

/**
 * How long a key's partner is believed without reading `platform.api_key` again: a key revoked in the database stops working
 * within this time (a bearer token, for comparison, works until it expires). Unknown keys are never remembered.
 */
export const API_KEY_MAX_AGE_MS = 5_000;
const API_KEY_CACHE_ENTRIES = 1_000;

/** A partner system's API key as provisioned: the key itself is stored only as its SHA-256. */
export interface ApiKeyGrant {
  id: string;
  name: string;
  city: string;
  apiKey: string;
  scopes: readonly string[];
  /** Catalogue items whose cases the partner may read (besides the items its webhooks subscribe to). */
  caseItems: readonly string[];
  /** The issuing body (发证机关) the partner acts for, if any. */
  issuingBody?: string | null;
}

/** Partner systems' API keys in `platform.api_key`. */
@Injectable()
export class ApiKeyService {
  private readonly known = new Map<string, { readAt: number; partner: PartnerPrincipal }>();

  constructor(private readonly dataSource: DataSource) {}

  /** The partner a presented key belongs to, if the key is live (one lookup per key and API_KEY_MAX_AGE_MS). */
  async partnerFor(key: string): Promise<PartnerPrincipal | undefined> {
    const hash = hashApiKey(key);
    const hit = this.known.get(hash);
    if (hit && Date.now() - hit.readAt < API_KEY_MAX_AGE_MS) return hit.partner;
    const rows = (await this.dataSource.query(
      `SELECT id, name, city_code, scopes, issuing_body_code FROM platform.api_key WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hash],
    )) as { id: string; name: string; city_code: string; scopes: string[]; issuing_body_code: string | null }[];
    const row = rows[0];
    this.known.delete(hash);
    if (!row) return undefined;
    const partner: PartnerPrincipal = {
      kind: 'partner',
      id: row.id,
      name: row.name,
      city: row.city_code,
      scopes: row.scopes,
      ...(row.issuing_body_code ? { issuingBody: row.issuing_body_code } : {}),
    };
    // Oldest first out when full (a Map iterates in insertion order).
    if (this.known.size >= API_KEY_CACHE_ENTRIES) this.known.delete(this.known.keys().next().value!);
    this.known.set(hash, { readAt: Date.now(), partner });
    return partner;
  }

  /** Creates the key, or replaces the hash, name, scopes and grants of the key with this id. */
  async provision(grant: ApiKeyGrant, em?: EntityManager): Promise<void> {
    await (em ?? this.dataSource).query(
      `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes, case_item_grants, issuing_body_code) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash, scopes = EXCLUDED.scopes, name = EXCLUDED.name, case_item_grants = EXCLUDED.case_item_grants, issuing_body_code = EXCLUDED.issuing_body_code`,
      [grant.id, grant.name, grant.city, hashApiKey(grant.apiKey), grant.scopes, grant.caseItems, grant.issuingBody ?? null],
    );
    this.known.clear();
  }
}
