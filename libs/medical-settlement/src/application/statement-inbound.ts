import { Injectable } from '@nestjs/common';
import type { MedicalStatementChunk, MedicalStatementIssued } from '@guangfo/contracts';
import { stableJson } from '@guangfo/kernel';
import type { SqlRunner } from '@guangfo/platform';
import { periodRange, type StatementProof, statementTotals, verifyStatement } from '../domain/clearing.js';
import { assembleStatement, distinctItems, itemsDigest, type StatementLine } from '../domain/statement-chunks.js';
import { ClearingRepository, type InboundRow } from '../infrastructure/clearing.repository.js';

/**
 * What a piece did: `staged` (the statement is not whole yet), `recorded` (this piece completed it: assembled, proven and
 * recorded in this transaction), `late` (the statement was recorded before: nothing changes).
 */
export type StatementPieceOutcome = 'staged' | 'recorded' | 'late';

/**
 * The insured city's side of a statement arriving in pieces (domain/statement-chunks.ts): each piece is staged in the inbox
 * transaction that received it (medical.statement_inbound, medical.statement_chunk), and the piece that completes the statement
 * — whichever it is: normally the last chunk, as the relay keeps a subject's order — assembles it, checks it against the
 * header, proves it against this city's own copies of the claims and records it, in that same transaction. Pieces of one
 * statement are serialised by the lock on its inbound row. The caller has checked who sent the piece and to whom.
 */
@Injectable()
export class StatementInbound {
  constructor(private readonly repo: ClearingRepository) {}

  /** The header arrived. A second header that differs from the first is a problem of the proof (the first is kept). */
  async header(db: SqlRunner, treatingCity: string, h: MedicalStatementIssued): Promise<StatementPieceOutcome> {
    const row = await this.lock(db, h.statementId, treatingCity);
    if (row.completed_at) return 'late';
    if (!row.header) {
      await this.repo.setInboundHeader(db, h.statementId, h);
      row.header = h;
    } else if (stableJson(row.header) !== stableJson(h)) {
      const problem = 'a second header differs from the first (the first is kept)';
      await this.repo.addInboundProblem(db, h.statementId, problem);
      row.problems = [...row.problems, problem];
    }
    return this.completeIfWhole(db, row);
  }

  /**
   * A chunk arrived. A repeat of a staged chunk (same index, same items) is absorbed by the staging key; the same index with
   * other items is a problem of the proof (the first is kept).
   */
  async chunk(db: SqlRunner, treatingCity: string, c: MedicalStatementChunk): Promise<StatementPieceOutcome> {
    const row = await this.lock(db, c.statementId, treatingCity);
    if (row.completed_at) return 'late';
    const digest = itemsDigest(c.items);
    if (!(await this.repo.stageChunk(db, c.statementId, c.index, digest, c.items))) {
      if ((await this.repo.stagedChunkDigest(db, c.statementId, c.index)) === digest) return 'staged';
      const problem = `chunk ${c.index} arrived twice with other items (the first is kept)`;
      await this.repo.addInboundProblem(db, c.statementId, problem);
      row.problems = [...row.problems, problem];
    }
    return this.completeIfWhole(db, row);
  }

  private async lock(db: SqlRunner, statementId: string, treatingCity: string): Promise<InboundRow> {
    const row = await this.repo.lockInbound(db, statementId, treatingCity);
    if (row.treating_city !== treatingCity)
      throw new Error(`statement ${statementId}: a piece from ${treatingCity}, the statement is ${row.treating_city}'s`);
    return row;
  }

  /** When the header and every chunk it announces are staged: assemble, prove and record the statement, now. */
  private async completeIfWhole(db: SqlRunner, row: InboundRow): Promise<StatementPieceOutcome> {
    const h = row.header;
    if (!h || (await this.repo.stagedChunkCount(db, h.statementId, h.chunkCount)) < h.chunkCount) return 'staged';
    const assembly = assembleStatement(h, await this.repo.stagedChunks(db, h.statementId));
    const [from, to] = periodRange(h.period);
    const claims = await this.repo.insuredClaims(db, row.treating_city, from, to);
    // The treating city's totals are the stated ones: the verifier checks them against the items.
    const verified = verifyStatement({ period: h.period, items: assembly.items, totals: h.totals }, claims);
    const problems = [...row.problems, ...assembly.problems, ...verified.problems];
    const proof: StatementProof = { ok: problems.length === 0, problems };
    // A statement that proves lists no item twice; one that does not is recorded with each item once (its proof says which).
    const items: readonly StatementLine[] = proof.ok ? assembly.items : distinctItems(assembly.items);
    await this.repo.insertStatement(
      db,
      {
        id: h.statementId,
        treating_city: row.treating_city,
        insured_city: h.insuredCity,
        period: h.period,
        role: 'insured',
        advance_fen: h.advanceFen,
        proof,
        totals: statementTotals(items, h.advanceFen),
      },
      items,
    );
    await this.repo.completeInbound(db, h.statementId);
    return 'recorded';
  }
}
