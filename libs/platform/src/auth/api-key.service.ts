import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { hashApiKey } from './api-key.hash.js';

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
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the key, or replaces the hash, name, scopes and grants of the key with this id. */
  async provision(grant: ApiKeyGrant, em?: EntityManager): Promise<void> {
    await (em ?? this.dataSource).query(
      `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes, case_item_grants, issuing_body_code) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash, scopes = EXCLUDED.scopes, name = EXCLUDED.name, case_item_grants = EXCLUDED.case_item_grants, issuing_body_code = EXCLUDED.issuing_body_code`,
      [grant.id, grant.name, grant.city, hashApiKey(grant.apiKey), grant.scopes, grant.caseItems, grant.issuingBody ?? null],
    );
  }
}
