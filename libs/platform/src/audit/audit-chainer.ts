import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PollLoop } from '../workers/poll-loop.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { AUDIT_COLUMNS, type AuditRow, recordOf } from './audit-row.js';

/** Held (transaction-scoped) by the chainer only, so two processes of one city never chain at once. */
export const AUDIT_CHAIN_LOCK = 7_440_100_001;

export interface AuditChainerOptions {
  /** Records linked per transaction. */
  batchSize: number;
  /** How often the chainer looks for records to link. */
  pollMs: number;
}

export const AUDIT_CHAINER_OPTIONS = Symbol('AUDIT_CHAINER_OPTIONS');
const DEFAULTS: AuditChainerOptions = { batchSize: 500, pollMs: 500 };

/**
 * Links committed audit records into the hash chain, in the background.
 *
 * A request's transaction only inserts its record (`AuditService.record`): `seq` comes from an
 * identity, no lock is taken, nothing is read, so audited requests of a city no longer queue
 * behind each other, and the record still commits (or rolls back) with the change it describes.
 *
 * The chain order is not `seq` order but the order in which the chainer sees records committed:
 * each pass takes every record that has no chain position yet (`pos IS NULL`; a record becomes
 * visible only once its transaction committed; rolled-back ones never do), oldest `seq` first,
 * and appends them at the end of the chain: `pos` = head position + 1…, `prev_hash` = the head's
 * hash, `hash` = SM3(prev_hash ‖ canonical JSON of the record as stored). Because the chain has
 * its own gap-free position, `seq` gaps (rolled-back transactions, sequence caching) and commit
 * order do not matter: a record with a lower `seq` that commits after a higher one is simply
 * linked after it, in a later pass; none is skipped and none is waited for. The chain is never
 * rewritten: a linked record is never linked again (the table trigger lets an UPDATE only set
 * `pos`/`prev_hash`/`hash` of a record that has none and change nothing else, and `pos` is unique).
 *
 * One chainer at a time per database: each pass is one short transaction that first takes
 * `pg_try_advisory_xact_lock(AUDIT_CHAIN_LOCK)`; a process that does not get it skips the pass
 * (the holder is chaining). Nothing is lost in a crash: an unlinked record is just a committed row
 * with `pos IS NULL`, linked by the next pass of whichever chainer runs next (a pass that dies
 * mid-way rolls back whole).
 */
@Injectable()
export class AuditChainer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditChainer.name);
  private readonly options: AuditChainerOptions;
  private readonly loop: PollLoop;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(AUDIT_CHAINER_OPTIONS) options?: Partial<AuditChainerOptions>,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.loop = new PollLoop(
      () => this.pass(),
      () => this.options.pollMs,
      this.logger,
      'audit chainer',
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Links every committed unlinked record (batch after batch). Returns how many it linked. */
  async pass(): Promise<number> {
    let linked = 0;
    for (;;) {
      const n = await this.linkBatch();
      if (n === undefined) return linked;
      linked += n;
      if (n < this.options.batchSize) return linked;
    }
  }

  /** One transaction linking up to a batch; undefined when another chainer holds the lock. */
  async linkBatch(): Promise<number | undefined> {
    const [{ pending }] = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM platform.audit_log WHERE pos IS NULL) AS pending`,
    )) as { pending: boolean }[];
    if (!pending) return 0;
    return this.dataSource.transaction(async (em) => {
      const [{ locked }] = (await em.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [AUDIT_CHAIN_LOCK])) as { locked: boolean }[];
      if (!locked) return undefined;
      const [head] = (await em.query(`SELECT pos, hash FROM platform.audit_log WHERE pos IS NOT NULL ORDER BY pos DESC LIMIT 1`)) as {
        pos: string;
        hash: string;
      }[];
      const rows = (await em.query(`SELECT ${AUDIT_COLUMNS} FROM platform.audit_log WHERE pos IS NULL ORDER BY seq LIMIT $1`, [
        this.options.batchSize,
      ])) as AuditRow[];
      if (!rows.length) return 0;
      let pos = head ? Number(head.pos) : 0;
      let prev = head?.hash ?? GENESIS_HASH;
      const seqs: string[] = [];
      const positions: number[] = [];
      const prevHashes: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        const hash = chainHash(prev, recordOf(row));
        pos += 1;
        seqs.push(row.seq);
        positions.push(pos);
        prevHashes.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      // TypeORM answers an UPDATE with [rows, rowCount].
      const [, updated] = (await em.query(
        `UPDATE platform.audit_log a SET pos = v.pos, prev_hash = v.prev_hash, hash = v.hash
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS v(seq, pos, prev_hash, hash)
          WHERE a.seq = v.seq AND a.pos IS NULL`,
        [seqs, positions, prevHashes, hashes],
      )) as [unknown[], number];
      if (updated !== rows.length) throw new Error(`audit chainer: linked ${updated} of ${rows.length} records; the pass is rolled back`);
      return rows.length;
    });
  }
}
