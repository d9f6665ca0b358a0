import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prepared, queryRows } from '@guangfo/platform';
import type { NonceStore } from './interchange-signature.js';

/** Every node-to-node request runs it (prepared on each connection). */
const REMEMBER_NONCE = prepared(
  `INSERT INTO platform.interchange_nonce (city_code, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS ok`,
);

/** Nonces of node-to-node requests, in the node's database (shared by every process of the node). */
@Injectable()
export class DbNonceStore implements NonceStore {
  private lastPurge = 0;

  constructor(private readonly dataSource: DataSource) {}

  async remember(city: string, nonce: string): Promise<boolean> {
    if (Date.now() - this.lastPurge > 60_000) {
      this.lastPurge = Date.now();
      // Twice the skew window and then some: a nonce older than this carries a stale date anyway.
      await this.dataSource.query(`DELETE FROM platform.interchange_nonce WHERE seen_at < now() - interval '15 minutes'`);
    }
    return (await queryRows(this.dataSource, REMEMBER_NONCE, [city, nonce])).length === 1;
  }
}
