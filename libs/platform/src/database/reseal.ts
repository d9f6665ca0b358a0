import type { QueryRunner } from 'typeorm';
import type { NodeConfig } from '../config/node-config.js';
import { Sealer } from '@guangfo/gm-crypto';

/** What a re-sealing migration needs: the new keyring, and the settings the old schemes derived their keys from. */
export interface ResealKeys {
  readonly cityCode: NodeConfig['cityCode'];
  readonly signingKey: NodeConfig['signingKey'];
  readonly sealingKeys: NodeConfig['sealingKeys'];
  /** The credentials domain's former CREDENTIAL_KEY_ENCRYPTION_KEY (32 hex digits), if rows were sealed with it. */
  readonly legacyCredentialKek?: string;
}

export interface ResealColumn {
  /** Schema-qualified table, e.g. `affairs."case"`. */
  readonly table: string;
  readonly idColumn: string;
  readonly column: string;
  /** The associated data the new seal is bound to (purpose and row). */
  readonly ad: (id: string) => string;
  /** Opens a value of the old scheme (throws with a message an operator can act on). */
  readonly openLegacy: (value: string, id: string) => string | Buffer;
}

/**
 * Re-seals every row of one column from an old scheme to the data-sealing primitive, inside the
 * migration's transaction (all rows or none). Rows already sealed (`gfs1.`) are left alone, so a
 * re-run does nothing. Returns the number of rows re-sealed.
 */
export const resealColumn = async (q: QueryRunner, keys: ResealKeys, c: ResealColumn): Promise<number> => {
  const sealer = new Sealer(keys.sealingKeys);
  const rows = (await q.query(
    `SELECT ${c.idColumn} AS id, ${c.column} AS value FROM ${c.table} WHERE ${c.column} NOT LIKE 'gfs1.%' FOR UPDATE`,
  )) as { id: string; value: string }[];
  for (const r of rows) {
    let plain: string | Buffer;
    try {
      plain = c.openLegacy(r.value, r.id);
    } catch (err) {
      throw new Error(`re-sealing ${c.table}.${c.column} of ${r.id}: ${(err as Error).message}`);
    }
    await q.query(`UPDATE ${c.table} SET ${c.column} = $2 WHERE ${c.idColumn} = $1`, [r.id, sealer.seal(plain, c.ad(r.id))]);
  }
  return rows.length;
};

/** A migration class that closes over the keys it needs (TypeORM instantiates migrations without arguments). */
export type MigrationClass = new () => { name: string; up(q: QueryRunner): Promise<void>; down(q: QueryRunner): Promise<void> };
