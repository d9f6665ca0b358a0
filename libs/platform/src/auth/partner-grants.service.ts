import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PartnerPrincipal } from './principal.js';

/**
 * Which catalogue items' cases a partner system may read: the items granted on its API key
 * (`platform.api_key.case_item_grants`) and the items of its live webhook subscriptions that name
 * items. A subscription to "every item" grants nothing: scope is always explicit.
 */
@Injectable()
export class PartnerGrants {
  constructor(private readonly dataSource: DataSource) {}

  async caseItems(p: PartnerPrincipal, em?: EntityManager): Promise<ReadonlySet<string>> {
    const rows = (await (em ?? this.dataSource).query(
      `SELECT unnest(case_item_grants) AS item FROM platform.api_key WHERE id = $1 AND city_code = $2 AND revoked_at IS NULL
       UNION
       SELECT unnest(item_codes) AS item FROM platform.webhook_subscription WHERE partner_id = $1 AND city_code = $2 AND deleted_at IS NULL AND item_codes IS NOT NULL`,
      [p.id, p.city],
    )) as { item: string }[];
    return new Set(rows.map((r) => r.item));
  }
}
