import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { MedicalStatementChunk, MedicalStatementIssued } from '@guangfo/contracts';
import { type SignedEvent, toTransportMessage } from '@guangfo/messaging';
import {
  chunkItems,
  type ClearingClaim,
  ClearingRepository,
  itemsDigest,
  type StatementLine,
  StatementInbound,
  statementItems,
  statementTotals,
} from '@guangfo/medical-settlement';
import { waitFor } from '../support/cluster.js';
import { FS, GZ, hospital, registerInGuangzhou, retireeId } from '../support/medical.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/** Items per chunk in this suite: a statement of a few settlements already travels in several chunks. */
const CHUNK = 3;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

interface StatementBody {
  id: string;
  version: number;
  role: string;
  state: string;
  totals: Record<string, number>;
  proof: { ok: boolean; problems: string[] };
  items: { settlementId: string; kind: string; fundFen: number; accountFen: number; totalFen: number; contest: unknown }[];
}
const lineOf = (i: StatementBody['items'][number]) => ({
  settlementId: i.settlementId,
  kind: i.kind,
  fundFen: i.fundFen,
  accountFen: i.accountFen,
  totalFen: i.totalFen,
});

/** 异地就医 monthly clearing of a statement larger than one chunk (MEDICAL_STATEMENT_CHUNK_ITEMS=3), on the embedded transport. */
describe('medical clearing: a statement in chunks (embedded transport)', () => {
  let cluster: EmbeddedCluster;
  const before = process.env.MEDICAL_STATEMENT_CHUNK_ITEMS;

  beforeAll(async () => {
    process.env.MEDICAL_STATEMENT_CHUNK_ITEMS = String(CHUNK);
    cluster = await startEmbeddedCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    if (before === undefined) delete process.env.MEDICAL_STATEMENT_CHUNK_ITEMS;
    else process.env.MEDICAL_STATEMENT_CHUNK_ITEMS = before;
  });

  it('Foshan issues a statement of 8 settlements while Guangzhou is down: header and three chunks wait in order, Guangzhou assembles and proves it; a chunk delivered again changes nothing; contest, answer and confirm work on it; both books balance', async () => {
    const fs = cluster.baseUrl(FS);
    const gz = cluster.baseUrl(GZ);
    const idNumber = retireeId();
    await registerInGuangzhou(cluster, { kind: 'resettled-retiree', idNumber, name: '陈老伯' });
    const h = await hospital(cluster, FS);
    const settlements: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const visit = await request(fs)
        .post('/api/v1/medical/visits')
        .set(h.headers)
        .send({ idNumber, visitType: 'outpatient', msgid: h.msgid() })
        .expect(201);
      await request(fs)
        .post(`/api/v1/medical/visits/${visit.body.id}/fee-lines`)
        .set(h.headers)
        .send({ lines: [{ lineNo: 1, code: 'B-001', name: '阿托伐他汀钙片', quantity: 1 + i, unitPriceFen: 20_000 }] })
        .expect(200);
      const settled = await request(fs)
        .post(`/api/v1/medical/visits/${visit.body.id}/settlement`)
        .set(h.headers)
        .send({ msgid: h.msgid() })
        .expect(201);
      settlements.push(settled.body.id as string);
    }
    const first = (await request(fs).get(`/api/v1/medical/settlements/${settlements[0]}`).set(h.headers).expect(200)).body;
    const period = (first.settledOn as string).slice(0, 7);
    await waitFor('Guangzhou to hold a copy of every settlement', async () => {
      const [{ n }] = await cluster.query<{ n: number }>(
        GZ,
        `SELECT count(*)::int AS n FROM medical.settlement_copy WHERE settlement_id = ANY($1)`,
        [settlements],
      );
      return n === settlements.length;
    });

    const fsClerk = bearer(await cluster.token(FS, 'clerk'));
    const gzClerk = bearer(await cluster.token(GZ, 'clerk'));
    await cluster.stopNode(GZ);
    let treating: StatementBody;
    try {
      const issued = await request(fs)
        .post('/api/v1/medical/clearing/statements')
        .set(fsClerk)
        .send({ insuredCity: GZ, period, advanceFen: 10_000 })
        .expect(201);
      treating = issued.body as StatementBody;
      expect(treating).toMatchObject({ role: 'treating', state: 'issued', proof: { ok: true, problems: [] } });
      expect(treating.items).toHaveLength(8);
      // The header, then the items in chunks of 3, on the statement's subject, in this order.
      const rows = await cluster.query<{ type: string; data: MedicalStatementIssued & MedicalStatementChunk }>(
        FS,
        `SELECT type, envelope->'data' AS data FROM platform.outbox WHERE subject = $1 ORDER BY seq`,
        [treating.id],
      );
      expect(rows.map((r) => r.type)).toEqual([
        'gov.guangfo.medical.statement-issued.v2',
        'gov.guangfo.medical.statement-chunk.v1',
        'gov.guangfo.medical.statement-chunk.v1',
        'gov.guangfo.medical.statement-chunk.v1',
      ]);
      const header = rows[0]!.data;
      expect(header).toMatchObject({ statementId: treating.id, itemCount: 8, chunkCount: 3, advanceFen: 10_000, totals: treating.totals });
      expect(header.itemsDigest).toBe(itemsDigest(treating.items.map(lineOf) as StatementLine[]));
      expect(rows.slice(1).map((r) => [r.data.index, r.data.items.length])).toEqual([
        [0, 3],
        [1, 3],
        [2, 2],
      ]);
      expect(rows.slice(1).flatMap((r) => r.data.items)).toEqual(treating.items.map(lineOf));
    } finally {
      await cluster.startNode(GZ);
    }

    const insured = await waitFor(
      'Guangzhou to receive, assemble and prove the statement',
      async () => {
        const s = await request(gz).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(gzClerk);
        return s.status === 200 ? (s.body as StatementBody) : undefined;
      },
      60_000,
    );
    expect(insured).toMatchObject({
      role: 'insured',
      state: 'issued',
      version: 1,
      proof: { ok: true, problems: [] },
      totals: treating.totals,
    });
    expect(insured.items.map(lineOf)).toEqual(treating.items.map(lineOf));
    // Staging is done with: the inbound row completed, its chunks gone.
    const [inbound] = await cluster.query<{ completed: boolean; chunks: number }>(
      GZ,
      `SELECT completed_at IS NOT NULL AS completed, (SELECT count(*)::int FROM medical.statement_chunk WHERE statement_id = $1) AS chunks
         FROM medical.statement_inbound WHERE statement_id = $1`,
      [treating.id],
    );
    expect(inbound).toEqual({ completed: true, chunks: 0 });

    // A chunk delivered again (the very event, as signed): the inbox absorbs it; nothing changes, nothing is dead-lettered.
    const [again] = await cluster.query<{ envelope: SignedEvent }>(
      FS,
      `SELECT envelope FROM platform.outbox WHERE subject = $1 AND type = 'gov.guangfo.medical.statement-chunk.v1' ORDER BY seq OFFSET 1 LIMIT 1`,
      [treating.id],
    );
    await cluster.inject(GZ, toTransportMessage(again!.envelope));
    const afterRepeat = (await request(gz).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(gzClerk).expect(200))
      .body as StatementBody;
    expect({ version: afterRepeat.version, ok: afterRepeat.proof.ok, items: afterRepeat.items.length }).toEqual({
      version: 1,
      ok: true,
      items: 8,
    });
    const [{ dead }] = await cluster.query<{ dead: number }>(
      GZ,
      `SELECT count(*)::int AS dead FROM platform.dead_letter WHERE event_id = $1`,
      [again!.envelope.id],
    );
    expect(dead).toBe(0);

    // Contest an item of the last chunk; Foshan withdraws it; Guangzhou confirms; both books show the same sums.
    const last = insured.items[7]!;
    const contested = await request(gz)
      .post(`/api/v1/medical/clearing/statements/${treating.id}/contest`)
      .set({ ...gzClerk, 'if-match': '"1"' })
      .send({ settlementId: last.settlementId, kind: last.kind, reason: 'DUPLICATE_CLAIM', note: '与上月重复' })
      .expect(200);
    expect(contested.body.state).toBe('contested');
    const fsContested = await waitFor('Foshan to see the contest', async () => {
      const s = (await request(fs).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(fsClerk).expect(200))
        .body as StatementBody;
      return s.state === 'contested' ? s : undefined;
    });
    await request(fs)
      .post(`/api/v1/medical/clearing/statements/${treating.id}/answer`)
      .set({ ...fsClerk, 'if-match': `"${fsContested.version}"` })
      .send({ settlementId: last.settlementId, kind: last.kind, outcome: 'withdrawn', note: '核实后撤回, 下期更正' })
      .expect(200);
    const gzAnswered = await waitFor('Guangzhou to see the answer', async () => {
      const s = (await request(gz).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(gzClerk).expect(200))
        .body as StatementBody;
      return s.state === 'answered' ? s : undefined;
    });
    const confirmed = (
      await request(gz)
        .post(`/api/v1/medical/clearing/statements/${treating.id}/confirm`)
        .set({ ...gzClerk, 'if-match': `"${gzAnswered.version}"` })
        .send({})
        .expect(200)
    ).body as StatementBody;
    expect(confirmed.state).toBe('confirmed');
    const fsFinal = await waitFor('Foshan to record the confirmation', async () => {
      const s = (await request(fs).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(fsClerk).expect(200))
        .body as StatementBody;
      return s.state === 'confirmed' ? s : undefined;
    });
    expect(fsFinal.totals).toEqual(confirmed.totals);
    const fund = treating.items.reduce((a, i) => a + i.fundFen, 0);
    const acct = treating.items.reduce((a, i) => a + i.accountFen, 0);
    expect(confirmed.totals).toMatchObject({
      items: 8,
      withdrawnFundFen: last.fundFen,
      withdrawnAccountFen: last.accountFen,
      payableFundFen: fund - last.fundFen,
      payableAccountFen: acct - last.accountFen,
      netFen: fund - last.fundFen + acct - last.accountFen - 10_000,
    });
  });

  describe("Guangzhou's staging, piece by piece (its StatementInbound in its own transactions, as the inbox runs it)", () => {
    let inbound: StatementInbound;
    let ds: DataSource;
    let gzClerk: Record<string, string>;
    // Periods of years nobody settles in, one per statement (a statement per treating city, insured city and period).
    const years = new Set<number>();
    const freshPeriod = () => {
      let y: number;
      do y = randomInt(1930, 1990);
      while (years.has(y));
      years.add(y);
      return `${y}-0${randomInt(1, 10)}`;
    };

    beforeAll(async () => {
      const node = cluster.sandbox.node(GZ);
      inbound = node.get(StatementInbound);
      ds = node.get(DataSource);
      gzClerk = bearer(await cluster.token(GZ, 'clerk'));
    });

    /** Guangzhou's copies of `n` Foshan claims of a period, and the statement Foshan would send for them (items, header, chunks). */
    const statementOf = async (n: number, period: string) => {
      const claims: ClearingClaim[] = Array.from({ length: n }, (_, i) => ({
        settlementId: randomUUID(),
        settledOn: `${period}-0${1 + (i % 9)}`,
        reversedOn: null,
        fundFen: 10_000 + i,
        accountFen: i,
        totalFen: 20_000 + 2 * i,
      }));
      for (const c of claims)
        await cluster.query(
          GZ,
          `INSERT INTO medical.settlement_copy (settlement_id, treating_city, person_id, hospital_code, settled_on, fund_fen, acct_fen, total_fen, totals)
           VALUES ($1, $2, $3, 'H44060499999', $4, $5, $6, $7, '{}')`,
          [c.settlementId, FS, randomUUID(), c.settledOn, c.fundFen, c.accountFen, c.totalFen],
        );
      const items: StatementLine[] = statementItems(claims, period).map(({ contest: _c, ...line }) => line);
      const statementId = randomUUID();
      const chunks = chunkItems(items, CHUNK).map((c, index): MedicalStatementChunk => ({ statementId, index, items: c }));
      const header: MedicalStatementIssued = {
        statementId,
        treatingCity: FS,
        insuredCity: GZ,
        period,
        advanceFen: 0,
        itemCount: items.length,
        chunkCount: chunks.length,
        itemsDigest: itemsDigest(items),
        totals: statementTotals(items, 0),
      };
      return { statementId, items, header, chunks };
    };
    const header = (h: MedicalStatementIssued) => ds.transaction((em) => inbound.header(em, FS, h));
    const chunk = (c: MedicalStatementChunk, from = FS) => ds.transaction((em) => inbound.chunk(em, from, c));
    const get = (id: string) => request(cluster.baseUrl(GZ)).get(`/api/v1/medical/clearing/statements/${id}`).set(gzClerk);

    /** This statement in Guangzhou's list of statements still arriving (walked page by page), or undefined. */
    const arriving = async (id: string) => {
      const all: { statementId: string }[] = [];
      let cursor: string | null = null;
      do {
        const r = await request(cluster.baseUrl(GZ))
          .get(`/api/v1/medical/clearing/arriving?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .set(gzClerk)
          .expect(200);
        all.push(...(r.body.items as { statementId: string }[]));
        cursor = r.body.nextCursor as string | null;
      } while (cursor);
      expect(new Set(all.map((a) => a.statementId)).size).toBe(all.length);
      return all.find((a) => a.statementId === id);
    };

    it('chunks before the header, out of order, one twice: staged, absorbed, shown as incomplete and in the list of statements arriving; the last piece records the proven statement; a late piece changes nothing', async () => {
      const s = await statementOf(7, freshPeriod());
      expect(await arriving(s.statementId)).toBeUndefined();
      const bad = await request(cluster.baseUrl(GZ)).get('/api/v1/medical/clearing/arriving?cursor=nope').set(gzClerk);
      expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'MEDICAL_INVALID_CURSOR' });
      const resident = await request(cluster.baseUrl(GZ))
        .get('/api/v1/medical/clearing/arriving')
        .set(bearer(await cluster.token(GZ, 'resident')));
      expect(resident.status).toBe(403);
      expect(await chunk(s.chunks[2]!)).toBe('staged');
      expect(await chunk(s.chunks[0]!)).toBe('staged');
      expect(await chunk(s.chunks[2]!)).toBe('staged');
      let r = await get(s.statementId);
      expect({ status: r.status, code: r.body.code, detail: r.body.detail }).toEqual({
        status: 409,
        code: 'MEDICAL_STATEMENT_INCOMPLETE',
        detail: '2 chunks have arrived, its header not yet',
      });
      expect(await arriving(s.statementId)).toMatchObject({
        treatingCity: FS,
        period: null,
        headerArrived: false,
        chunksArrived: 2,
        chunkCount: null,
        problems: 0,
      });
      expect(await header(s.header)).toBe('staged');
      r = await get(s.statementId);
      expect(r.body.detail).toBe('2 of its 3 chunks have arrived');
      expect(await arriving(s.statementId)).toMatchObject({
        period: s.header.period,
        headerArrived: true,
        chunksArrived: 2,
        chunkCount: 3,
        itemCount: 7,
      });
      expect(await chunk(s.chunks[1]!)).toBe('recorded');
      expect(await arriving(s.statementId)).toBeUndefined();
      r = await get(s.statementId);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ role: 'insured', version: 1, proof: { ok: true, problems: [] }, totals: s.header.totals });
      expect((r.body as StatementBody).items.map(lineOf)).toEqual(s.items);
      expect(await chunk(s.chunks[0]!)).toBe('late');
      expect(await header(s.header)).toBe('late');
      const [{ n }] = await cluster.query<{ n: number }>(
        GZ,
        `SELECT count(*)::int AS n FROM medical.statement_chunk WHERE statement_id = $1`,
        [s.statementId],
      );
      expect(n).toBe(0);
    });

    it('a tampered chunk, a chunk sent twice with other items, and a chunk carrying another chunk’s items are problems of the proof, recorded, never accepted silently', async () => {
      const tampered = await statementOf(7, freshPeriod());
      await header(tampered.header);
      await chunk(tampered.chunks[0]!);
      const altered = tampered.chunks[1]!.items.map((i, k) => (k === 1 ? { ...i, fundFen: i.fundFen + 1 } : i));
      await chunk({ ...tampered.chunks[1]!, items: altered });
      expect(await chunk(tampered.chunks[2]!)).toBe('recorded');
      const t = (await get(tampered.statementId).expect(200)).body as StatementBody;
      expect(t.proof.ok).toBe(false);
      expect(t.proof.problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^the items' SM3 digest is [0-9a-f]{64}, the header's [0-9a-f]{64}$/),
          `claim:${altered[1]!.settlementId}: amounts differ from the claim`,
          `totals.claimedFundFen is ${tampered.header.totals.claimedFundFen}, the items give ${tampered.header.totals.claimedFundFen + 1}`,
        ]),
      );

      const conflicting = await statementOf(4, freshPeriod());
      await chunk(conflicting.chunks[0]!);
      expect(await chunk({ ...conflicting.chunks[0]!, items: conflicting.chunks[0]!.items.slice(0, 2) })).toBe('staged');
      await header(conflicting.header);
      expect(await chunk(conflicting.chunks[1]!)).toBe('recorded');
      const c = (await get(conflicting.statementId).expect(200)).body as StatementBody;
      // The first copy of chunk 0 is kept (the items are right), the conflict is on record.
      expect(c.proof).toEqual({ ok: false, problems: ['chunk 0 arrived twice with other items (the first is kept)'] });
      expect(c.items.map(lineOf)).toEqual(conflicting.items);

      const repeated = await statementOf(6, freshPeriod());
      await header(repeated.header);
      await chunk(repeated.chunks[0]!);
      expect(await chunk({ ...repeated.chunks[1]!, items: repeated.chunks[0]!.items })).toBe('recorded');
      const rep = (await get(repeated.statementId).expect(200)).body as StatementBody;
      expect(rep.proof.ok).toBe(false);
      expect(rep.proof.problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^the items' SM3 digest is/),
          `claim:${repeated.items[0]!.settlementId} listed twice`,
          `claim:${repeated.items[3]!.settlementId} missing`,
        ]),
      );
      // Recorded with each item once (the repeats are in the proof).
      expect(rep.items.map(lineOf)).toEqual(repeated.items.slice(0, 3));
    });

    it('the completing piece and the recording are one transaction: a failure keeps nothing of it, and the piece again records the statement once', async () => {
      const s = await statementOf(5, freshPeriod());
      await header(s.header);
      await chunk(s.chunks[0]!);
      const repo = cluster.sandbox.node(GZ).get(ClearingRepository);
      const crash = jest.spyOn(repo, 'completeInbound').mockRejectedValueOnce(new Error('the node died here'));
      try {
        await expect(chunk(s.chunks[1]!)).rejects.toThrow('the node died here');
      } finally {
        crash.mockRestore();
      }
      const staged = await cluster.query<{ chunk_index: number }>(
        GZ,
        `SELECT chunk_index FROM medical.statement_chunk WHERE statement_id = $1`,
        [s.statementId],
      );
      expect(staged).toEqual([{ chunk_index: 0 }]);
      expect((await get(s.statementId)).status).toBe(409);
      expect(await chunk(s.chunks[1]!)).toBe('recorded');
      expect(((await get(s.statementId).expect(200)).body as StatementBody).proof).toEqual({ ok: true, problems: [] });
      const [{ n }] = await cluster.query<{ n: number }>(
        GZ,
        `SELECT count(*)::int AS n FROM medical.statement_item WHERE statement_id = $1`,
        [s.statementId],
      );
      expect(n).toBe(5);
    });

    it('a piece of a statement from a city other than its treating city is refused: the handler throws (the receiver dead-letters such an event)', async () => {
      const s = await statementOf(2, freshPeriod());
      await header(s.header);
      await expect(chunk(s.chunks[0]!, '430100')).rejects.toThrow(/a piece from 430100, the statement is 440600's/);
    });
  });
});
