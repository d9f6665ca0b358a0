import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type MedicalStatementConfirmed,
  MedicalStatementConfirmedV1,
  type MedicalStatementChunk,
  MedicalStatementChunkV1,
  type MedicalStatementIssued,
  MedicalStatementIssuedV2,
  type MedicalStatementItemAnswered,
  MedicalStatementItemAnsweredV1,
  type MedicalStatementItemContested,
  MedicalStatementItemContestedV1,
} from '@guangfo/contracts';
import { Clock, cursorField, cursorShape, decodeCursor, encodeCursor } from '@guangfo/kernel';
import { HandlesEvent, OutboxService, type ReceivedEvent } from '@guangfo/messaging';
import {
  actorOf,
  AuditService,
  CityRegistry,
  NODE_CONFIG,
  type NodeConfig,
  requireVersion,
  type Principal,
  type SqlRunner,
} from '@guangfo/platform';
import {
  type ContestReason,
  periodRange,
  type StatementItem,
  type StatementProof,
  statementItems,
  statementState,
  type StatementState,
  statementTotals,
  type StatementTotals,
  verifyStatement,
} from '../domain/clearing.js';
import { chunkItems, itemsDigest, type StatementLine } from '../domain/statement-chunks.js';
import { medicalError } from '../medical.errors.js';
import { type ArrivingRow, ClearingRepository, type StatementListRow, type StatementRow } from '../infrastructure/clearing.repository.js';
import { MEDICAL_STATEMENT_CHUNK_ITEMS } from './medical.tokens.js';
import { StatementInbound } from './statement-inbound.js';
import { readTimePage, timePage } from './time-cursor.js';

export interface StatementView {
  id: string;
  treatingCity: string;
  insuredCity: string;
  period: string;
  /** This city's part: the treating city issues and answers, the insured city contests and confirms. */
  role: 'treating' | 'insured';
  state: StatementState;
  totals: StatementTotals;
  /** The verifier's result: the statement proven from this city's own records of the claims. */
  proof: StatementProof;
  confirmedAt: string | null;
  /** This city's version of the statement (the ETag): every contest, answer and the confirmation make a new one. */
  version: number;
  items: StatementItem[];
}

/** A statement still arriving at the insured city: what is here of it so far. */
export interface ArrivingStatement {
  statementId: string;
  treatingCity: string;
  /** From the header; null until the header has arrived (chunks may come first). */
  period: string | null;
  headerArrived: boolean;
  chunksArrived: number;
  /** Chunks the header announces; null until it has arrived. */
  chunkCount: number | null;
  itemCount: number | null;
  /** What staging found wrong so far (a chunk sent twice with other items, a second header that differs). */
  problems: number;
  firstAt: string;
  /** When the last piece arrived: a statement whose last piece is old is stuck (its missing pieces are in the treating city's outbox or dead letters). */
  lastAt: string;
}

/** A statement in a list: no items, their counts. */
export interface StatementSummary extends Omit<StatementView, 'items' | 'proof'> {
  proofOk: boolean;
  itemCount: number;
  contests: number;
  openContests: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Statement page cursor: period and id of the last row. */
type StatementCursor = {
  p: string;
  i: string;
};
const isStatementCursor = cursorShape<StatementCursor>({ p: cursorField.month, i: cursorField.uuid });

/**
 * Monthly inter-city clearing (domain/clearing.ts): the treating city issues its statement from its settlements; the insured
 * city proves it from its own copies of the settlements, contests items with reason codes; the treating city answers; the
 * insured city confirms, and both books must then show the same sums to the fen (the treating city checks the confirmation's
 * sums against its own). Confirmed statements are immutable (a trigger refuses changes); corrections go to the next period.
 * A statement travels as a header and chunks of items (domain/statement-chunks.ts); the insured city stages them and records
 * the statement when the last piece arrives (StatementInbound).
 */
@Injectable()
export class ClearingService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly dataSource: DataSource,
    private readonly repo: ClearingRepository,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly inbound: StatementInbound,
    @Inject(MEDICAL_STATEMENT_CHUNK_ITEMS) private readonly chunkSize: number,
  ) {}

  /** The treating city issues the statement of a period for one insured city. */
  async issue(p: Principal, cmd: { insuredCity: string; period: string; advanceFen: number }): Promise<StatementView> {
    if (!this.registry.get(cmd.insuredCity) || cmd.insuredCity === this.config.cityCode)
      throw medicalError('MEDICAL_CITY_UNKNOWN', { detail: `insured city ${cmd.insuredCity} is not another city of the registry` });
    const [from, to] = periodRange(cmd.period);
    return this.dataSource.transaction(async (em) => {
      const claims = await this.repo.treatingClaims(em, cmd.insuredCity, from, to);
      const items = statementItems(claims, cmd.period);
      const totals = statementTotals(items, cmd.advanceFen);
      const proof = verifyStatement({ period: cmd.period, items, totals }, claims);
      const id = randomUUID();
      const inserted = await this.repo.insertStatement(
        em,
        {
          id,
          treating_city: this.config.cityCode,
          insured_city: cmd.insuredCity,
          period: cmd.period,
          role: 'treating',
          advance_fen: cmd.advanceFen,
          proof,
          totals,
        },
        items,
      );
      if (!inserted)
        throw medicalError('MEDICAL_STATEMENT_EXISTS', { detail: `the ${cmd.period} statement for ${cmd.insuredCity} exists` });
      // The header, then the items in chunks, on the statement's subject: they reach the insured city in this order.
      const lines: StatementLine[] = items.map(({ settlementId, kind, fundFen, accountFen, totalFen }) => ({
        settlementId,
        kind,
        fundFen,
        accountFen,
        totalFen,
      }));
      const chunks = chunkItems(lines, this.chunkSize);
      await this.outbox.add(em, {
        contract: MedicalStatementIssuedV2,
        domain: 'medical',
        subject: id,
        toCity: cmd.insuredCity,
        data: {
          statementId: id,
          treatingCity: this.config.cityCode,
          insuredCity: cmd.insuredCity,
          period: cmd.period,
          advanceFen: cmd.advanceFen,
          itemCount: lines.length,
          chunkCount: chunks.length,
          itemsDigest: itemsDigest(lines),
          totals,
        },
      });
      for (const [index, chunk] of chunks.entries())
        await this.outbox.add(em, {
          contract: MedicalStatementChunkV1,
          domain: 'medical',
          subject: id,
          toCity: cmd.insuredCity,
          data: { statementId: id, index, items: chunk },
        });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.clearing.issue',
          resource: `medical-statement:${id}`,
          outcome: 'success',
          detail: { period: cmd.period, items: items.length, chunks: chunks.length, netFen: totals.netFen },
        },
        em,
      );
      return this.view(em, id);
    });
  }

  /**
   * The insured city receives a statement's header; with its chunks (onChunk) it is assembled, proven from this city's own copies
   * of the claims and recorded by the piece that completes it, in that piece's inbox transaction (StatementInbound).
   */
  @HandlesEvent(MedicalStatementIssuedV2, { consumer: 'medical.clearing' })
  async onIssued(event: ReceivedEvent<MedicalStatementIssued>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.treatingCity !== event.fromCity || d.insuredCity !== this.config.cityCode)
      throw new Error(`statement ${d.statementId} not from its treating city to us`);
    await this.inbound.header(em, event.fromCity, d);
  }

  /** A chunk of a statement's items (the treating city is the sender: the statement's, once its first piece named it). */
  @HandlesEvent(MedicalStatementChunkV1, { consumer: 'medical.clearing' })
  async onChunk(event: ReceivedEvent<MedicalStatementChunk>, em: EntityManager): Promise<void> {
    await this.inbound.chunk(em, event.fromCity, event.data);
  }

  /** The insured city contests an item (reason code). */
  async contest(
    p: Principal,
    id: string,
    cmd: { settlementId: string; kind: 'claim' | 'reversal'; reason: ContestReason; note: string },
    ifMatch?: string,
  ): Promise<StatementView> {
    return this.dataSource.transaction(async (em) => {
      const s = await this.own(em, id, 'insured', ifMatch);
      if (!(await this.repo.contest(em, id, cmd.settlementId, cmd.kind, cmd.reason, cmd.note)))
        throw medicalError('MEDICAL_STATEMENT_ITEM_NOT_FOUND', { detail: `no open item ${cmd.kind}:${cmd.settlementId}` });
      await this.repo.bump(em, id);
      await this.outbox.add(em, {
        contract: MedicalStatementItemContestedV1,
        domain: 'medical',
        subject: id,
        toCity: s.treating_city,
        data: { statementId: id, ...cmd },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.clearing.contest',
          resource: `medical-statement:${id}`,
          outcome: 'success',
          detail: { settlementId: cmd.settlementId, reason: cmd.reason },
        },
        em,
      );
      return this.view(em, id);
    });
  }

  @HandlesEvent(MedicalStatementItemContestedV1, { consumer: 'medical.clearing' })
  async onContested(event: ReceivedEvent<MedicalStatementItemContested>, em: EntityManager): Promise<void> {
    const d = event.data;
    const s = await this.repo.statement(em, d.statementId, true);
    if (!s || s.role !== 'treating' || s.insured_city !== event.fromCity) throw new Error(`contest of unknown statement ${d.statementId}`);
    if (!(await this.repo.contest(em, d.statementId, d.settlementId, d.kind, d.reason, d.note)))
      throw new Error(`contest of unknown item ${d.kind}:${d.settlementId}`);
    await this.repo.bump(em, d.statementId);
  }

  /** The treating city answers a contested item: upheld or withdrawn. */
  async answer(
    p: Principal,
    id: string,
    cmd: { settlementId: string; kind: 'claim' | 'reversal'; outcome: 'upheld' | 'withdrawn'; note: string },
    ifMatch?: string,
  ): Promise<StatementView> {
    return this.dataSource.transaction(async (em) => {
      const s = await this.own(em, id, 'treating', ifMatch);
      if (!(await this.repo.answer(em, id, cmd.settlementId, cmd.kind, cmd.outcome, cmd.note)))
        throw medicalError('MEDICAL_STATEMENT_ITEM_NOT_FOUND', { detail: `no contested, unanswered item ${cmd.kind}:${cmd.settlementId}` });
      await this.repo.setTotals(em, id, statementTotals(await this.repo.items(em, id), Number(s.advance_fen)));
      await this.repo.bump(em, id);
      await this.outbox.add(em, {
        contract: MedicalStatementItemAnsweredV1,
        domain: 'medical',
        subject: id,
        toCity: s.insured_city,
        data: { statementId: id, ...cmd },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.clearing.answer',
          resource: `medical-statement:${id}`,
          outcome: 'success',
          detail: { settlementId: cmd.settlementId, outcome: cmd.outcome },
        },
        em,
      );
      return this.view(em, id);
    });
  }

  @HandlesEvent(MedicalStatementItemAnsweredV1, { consumer: 'medical.clearing' })
  async onAnswered(event: ReceivedEvent<MedicalStatementItemAnswered>, em: EntityManager): Promise<void> {
    const d = event.data;
    const s = await this.repo.statement(em, d.statementId, true);
    if (!s || s.role !== 'insured' || s.treating_city !== event.fromCity) throw new Error(`answer for unknown statement ${d.statementId}`);
    if (!(await this.repo.answer(em, d.statementId, d.settlementId, d.kind, d.outcome, d.note)))
      throw new Error(`answer for unknown item ${d.kind}:${d.settlementId}`);
    await this.repo.setTotals(em, d.statementId, statementTotals(await this.repo.items(em, d.statementId), Number(s.advance_fen)));
    await this.repo.bump(em, d.statementId);
  }

  /** The insured city confirms: every contest answered; the statement is immutable from now on. */
  async confirm(p: Principal, id: string, ifMatch?: string): Promise<StatementView> {
    return this.dataSource.transaction(async (em) => {
      const s = await this.own(em, id, 'insured', ifMatch);
      const items = await this.repo.items(em, id);
      if (statementState(items, false) === 'contested')
        throw medicalError('MEDICAL_STATEMENT_OPEN_CONTESTS', { detail: 'answer every contest first' });
      const totals = statementTotals(items, Number(s.advance_fen));
      const at = this.clock.now();
      await this.repo.confirm(em, id, at, totals);
      await this.outbox.add(em, {
        contract: MedicalStatementConfirmedV1,
        domain: 'medical',
        subject: id,
        toCity: s.treating_city,
        data: {
          statementId: id,
          confirmedAt: at.toISOString(),
          payableFundFen: totals.payableFundFen,
          payableAccountFen: totals.payableAccountFen,
          netFen: totals.netFen,
        },
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.clearing.confirm',
          resource: `medical-statement:${id}`,
          outcome: 'success',
          detail: { netFen: totals.netFen },
        },
        em,
      );
      return this.view(em, id);
    });
  }

  /** The treating city's books must show the same sums as the insured city's confirmation, to the fen. */
  @HandlesEvent(MedicalStatementConfirmedV1, { consumer: 'medical.clearing' })
  async onConfirmed(event: ReceivedEvent<MedicalStatementConfirmed>, em: EntityManager): Promise<void> {
    const d = event.data;
    const s = await this.repo.statement(em, d.statementId, true);
    if (!s || s.role !== 'treating' || s.insured_city !== event.fromCity)
      throw new Error(`confirmation of unknown statement ${d.statementId}`);
    const totals = statementTotals(await this.repo.items(em, d.statementId), Number(s.advance_fen));
    if (totals.payableFundFen !== d.payableFundFen || totals.payableAccountFen !== d.payableAccountFen || totals.netFen !== d.netFen)
      throw new Error(
        `statement ${d.statementId}: confirmed sums ${d.payableFundFen}/${d.payableAccountFen}/${d.netFen} differ from ours ${totals.payableFundFen}/${totals.payableAccountFen}/${totals.netFen}`,
      );
    await this.repo.confirm(em, d.statementId, new Date(d.confirmedAt), totals);
  }

  async get(p: Principal, id: string): Promise<StatementView> {
    void p;
    // One snapshot: the statement row (its version, the ETag) and its items are read together, so a
    // contest or an answer committing between the two reads cannot show its state under the old version.
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const s = await this.repo.statement(em, id);
      if (!s) {
        const staged = await this.repo.inbound(em, id);
        if (staged && !staged.completed_at)
          throw medicalError('MEDICAL_STATEMENT_INCOMPLETE', {
            detail: staged.header
              ? `${staged.chunks} of its ${staged.header.chunkCount} chunks have arrived`
              : `${staged.chunks} chunks have arrived, its header not yet`,
          });
        throw medicalError('MEDICAL_STATEMENT_NOT_FOUND', { detail: `no statement ${id}` });
      }
      return this.view(em, id);
    });
  }

  /**
   * The statement, locked, when this step is this city's and the statement still open; If-Match must name the version the
   * clerk acted on (428 without it, 412 when the statement has changed since: e.g. the other city's contest or answer arrived).
   */
  private async own(em: EntityManager, id: string, role: 'treating' | 'insured', ifMatch: string | undefined): Promise<StatementRow> {
    const s = await this.repo.statement(em, id, true);
    if (!s) throw medicalError('MEDICAL_STATEMENT_NOT_FOUND', { detail: `no statement ${id}` });
    if (s.role !== role) throw medicalError('MEDICAL_NOT_YOUR_PART', { detail: `this step is the ${role} city's` });
    if (s.confirmed_at)
      throw medicalError('MEDICAL_STATEMENT_CONFIRMED', {
        detail: `confirmed at ${s.confirmed_at.toISOString()}: corrections go to the next period`,
      });
    requireVersion(s.version, ifMatch, 'statement');
    return s;
  }

  private async view(db: SqlRunner, id: string): Promise<StatementView> {
    const s = (await this.repo.statement(db, id))!;
    const items = await this.repo.items(db, id);
    return {
      id: s.id,
      treatingCity: s.treating_city,
      insuredCity: s.insured_city,
      period: s.period,
      role: s.role,
      state: statementState(items, s.confirmed_at !== null),
      totals: statementTotals(items, Number(s.advance_fen)),
      proof: s.proof ?? { ok: false, problems: ['not verified'] },
      confirmedAt: s.confirmed_at ? new Date(s.confirmed_at).toISOString() : null,
      version: s.version,
      items,
    };
  }

  /** Statements held here (this city's part of each), newest period first; optionally of one period and one state. */
  async list(q: { period?: string; state?: StatementState; cursor?: string; limit?: number }): Promise<Page<StatementSummary>> {
    const limit = q.limit ?? 20;
    let after: StatementCursor | undefined;
    if (q.cursor) {
      after = decodeCursor(q.cursor, isStatementCursor);
      if (!after) throw medicalError('MEDICAL_INVALID_CURSOR', { detail: 'cursor is not one this API returned' });
    }
    const rows = await this.repo.listStatements(this.dataSource, { period: q.period, state: q.state, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.summary(r)),
      nextCursor: rows.length > limit && last ? encodeCursor({ p: last.period, i: last.id } satisfies StatementCursor) : null,
    };
  }

  /**
   * The statements still arriving here (insured city): a header or chunks staged, the statement not yet whole, oldest first,
   * cursor-paged. What a clerk looks at when a statement does not show up (GET …/statements/{id} answers 409 incomplete).
   */
  async arriving(q: { cursor?: string; limit?: number }): Promise<Page<ArrivingStatement>> {
    const { limit, after } = readTimePage(q);
    const rows = await this.repo.arriving(this.dataSource, { after, limit: limit + 1 });
    const { page, nextCursor } = timePage(rows, limit);
    return { items: page.map((r) => this.arrivingView(r)), nextCursor };
  }

  private arrivingView(r: ArrivingRow): ArrivingStatement {
    return {
      statementId: r.id,
      treatingCity: r.treating_city,
      period: r.header?.period ?? null,
      headerArrived: r.header !== null,
      chunksArrived: r.chunks,
      chunkCount: r.header?.chunkCount ?? null,
      itemCount: r.header?.itemCount ?? null,
      problems: r.problems,
      firstAt: new Date(r.first_at).toISOString(),
      lastAt: new Date(r.last_at).toISOString(),
    };
  }

  private summary(r: StatementListRow): StatementSummary {
    const state: StatementState = r.confirmed_at ? 'confirmed' : r.open_contests > 0 ? 'contested' : r.contests > 0 ? 'answered' : 'issued';
    return {
      id: r.id,
      treatingCity: r.treating_city,
      insuredCity: r.insured_city,
      period: r.period,
      role: r.role,
      state,
      totals: r.totals!,
      proofOk: r.proof?.ok ?? false,
      confirmedAt: r.confirmed_at ? new Date(r.confirmed_at).toISOString() : null,
      version: r.version,
      itemCount: r.item_count,
      contests: r.contests,
      openContests: r.open_contests,
    };
  }
}
