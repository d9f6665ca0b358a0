import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type BenchSection,
  fmt,
  markdownTable,
  offerAtRate,
  type Percentiles,
  percentiles,
  postJson,
  pool,
  progress,
  ratio,
  since,
  waitUntil,
} from './common.js';
import {
  chunkItems,
  ClearingRepository,
  itemsDigest,
  type MedicalStatementChunk,
  type MedicalStatementIssued,
  StatementInbound,
  statementChunkItems,
  statementItems,
  type StatementLine,
  statementTotals,
} from './project.js';
import { type CpuReading, cpuPer } from './process-cpu.js';
import { FS, GZ, type HttpSandboxRun } from './sandbox-run.js';

/**
 * 异地就医直接结算 (issue 14).
 *
 * M1 — real-time settlement at a fixed offered rate: POST /medical/visits/{id}/settlement (2207) at Foshan's node, through HTTP
 * with the demo hospital key, for P Guangzhou-insured persons registered beforehand (visits and fee lines prepared before the
 * clock starts), open loop at `rate` claims/s, each side started once both cities' outboxes are sent and their audit rows chained. Baseline on the same database at the same rate: raw pg doing the same writes in
 * one transaction (lock the visit, read its lines, lock the person's allowance rows, update them in one statement, insert the settlement row with
 * the same JSON, update the visit, insert an outbox row with the same envelope and an audit row) — no HTTP, auth, validation,
 * calculation, signing.
 *
 * M2 — monthly clearing of 1 M and 2 M claims: the insured city's side of a statement as its handlers run it (StatementInbound,
 * what ClearingService.onIssued / onChunk call in the inbox transaction): the header and then every chunk of
 * MEDICAL_STATEMENT_CHUNK_ITEMS items (default 2 000) staged, each in a transaction of its own; the last chunk's transaction
 * assembles the items from the staged chunks, checks count and SM3 digest, reads the period's claims from
 * medical.settlement_copy, proves the statement against them and writes the statement and its items. Not measured: the
 * transport's part of each event (signature, schema validation). What the treating city would send is built from the same
 * synthetic claims before the clock starts. Baseline: raw pg writing the same items with one INSERT … SELECT and summing
 * them. Each size runs on its own data (the previous size's rows are truncated first); the claims are synthetic rows
 * (generate_series).
 */

export interface MedicalSettings {
  persons: number;
  claims: number;
  rate: number;
  clearing: number[];
}

export interface MedicalResult {
  settle: { api: Percentiles & { perSecond: number; capped: number }; raw: Percentiles & { perSecond: number; capped: number } };
  /**
   * CPU per settlement (ms) from /proc, when the sandbox's processes can be read: through the API the two city processes and
   * PostgreSQL from the first claim until both outboxes are sent and the audit rows chained (the copy at Guangzhou included);
   * raw pg, PostgreSQL over its run.
   */
  settleCpu?: { api: CpuReading; raw: CpuReading };
  clearing: {
    n: number;
    /** Staging the header and every chunk but the last, each in its own transaction. */
    stagingSeconds: number;
    /** The last chunk's transaction: stage it, assemble, check, read the claims, prove, write. */
    completionSeconds: number;
    /** The insured side in all: staging + completion. */
    apiSeconds: number;
    rawSeconds: number;
    items: number;
    chunks: number;
    proofOk: boolean;
  }[];
  settings: MedicalSettings;
}

const HOSPITAL_KEY = 'DEMO-fs-hospital-key-0001';
const HOSPITAL_CODE = 'H44060400001';
const msgid = (base: number, i: number) => `${HOSPITAL_CODE}${base + Math.floor(i / 10_000)}${String(i % 10_000).padStart(4, '0')}`;
const idNumber = (i: number): string => {
  const first17 = `44010619550101${String(i).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = [...first17].reduce((a, ch, k) => a + Number(ch) * w[k]!, 0);
  return first17 + '10X98765432'[s % 11]!;
};
const LINES = [
  { lineNo: 1, code: 'A-001', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1_500 },
  { lineNo: 2, code: 'B-001', name: '阿托伐他汀钙片', quantity: 1, unitPriceFen: 20_000 },
  { lineNo: 3, code: 'C-001', name: '特需病房床位费', quantity: 1, unitPriceFen: 5_000 },
];

/** Needs the nodes over HTTP and their databases only: runs on the in-process sandbox or on one process per city. */
export const benchMedical = async (
  run: Pick<HttpSandboxRun, 'base' | 'db' | 'token' | 'cpu'>,
  s: MedicalSettings,
): Promise<MedicalResult> => {
  const gzClerk = await run.token(GZ, 'gz-clerk');
  const post = (city: string, path: string, body: unknown, headers: Record<string, string>) =>
    postJson(`${run.base(city)}${path}`, body, headers);
  const hospital = { 'x-api-key': HOSPITAL_KEY };

  // Setup: P persons registered in Guangzhou for Foshan; Foshan holds their 备案 and allowances.
  const t0 = performance.now();
  await pool(
    Array.from({ length: s.persons }, (_, i) => i),
    4,
    async (i) => {
      const r = await post(
        GZ,
        '/medical/filings',
        { kind: 'resettled-retiree', treatingCity: FS, person: { idNumber: idNumber(i), name: '陈老伯' } },
        { authorization: `Bearer ${gzClerk}` },
      );
      if (r.status !== 201) throw new Error(`filing ${i}: ${r.status} ${JSON.stringify(r.json)}`);
    },
  );
  // Every 备案 and both pots of this year's allowance (in December the next year's rows arrive too: count this year's only).
  await waitUntil(
    'Foshan to hold every 备案 and allowance',
    async () => {
      const { filings, allowances } = (
        await run.db[FS]!.query<{ filings: number; allowances: number }>(
          `SELECT (SELECT count(*)::int FROM medical.filing WHERE treating_city = $1) AS filings,
                  (SELECT count(*)::int FROM medical.allowance
                    WHERE year = extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')) AS allowances`,
          [FS],
        )
      ).rows[0]!;
      return filings >= s.persons && allowances >= 2 * s.persons;
    },
    120_000,
  );
  const visits: string[] = [];
  await pool(
    Array.from({ length: s.claims }, (_, i) => i),
    8,
    async (i) => {
      const v = await post(
        FS,
        '/medical/visits',
        { idNumber: idNumber(i % s.persons), visitType: 'outpatient', msgid: msgid(20260305000000, i) },
        hospital,
      );
      if (v.status !== 201) throw new Error(`visit ${i}: ${v.status} ${JSON.stringify(v.json)}`);
      const l = await post(FS, `/medical/visits/${v.json.id}/fee-lines`, { lines: LINES }, hospital);
      if (l.status !== 200) throw new Error(`fee lines ${i}: ${l.status}`);
      visits[i] = v.json.id as string;
    },
  );
  progress(`  M1: ${s.persons} persons and ${s.claims} visits prepared in ${since(t0)}`);
  // Each side starts on a quiet system: what the setup (or the API run) sent and audited is delivered and chained first.
  const quiet = (what: string) =>
    waitUntil(
      `${what}: both cities' outboxes sent and audit chained`,
      async () => {
        for (const city of [FS, GZ]) {
          const { busy } = (
            await run.db[city]!.query<{ busy: boolean }>(
              `SELECT EXISTS (SELECT 1 FROM platform.outbox WHERE sent_at IS NULL) OR EXISTS (SELECT 1 FROM platform.audit_log WHERE pos IS NULL) AS busy`,
            )
          ).rows[0]!;
          if (busy) return false;
        }
        return true;
      },
      120_000,
    );
  await quiet('before the API run');

  // M1 through the API, open loop.
  const readCpu = run.cpu ?? (() => undefined);
  const cpuAt: (CpuReading | undefined)[] = [readCpu()];
  const apiMs: number[] = [];
  const api = await offerAtRate(s.claims, s.rate, 64, async (i) => {
    const r = await post(FS, `/medical/visits/${visits[i]}/settlement`, { msgid: msgid(20260306000000, i) }, hospital);
    if (r.status !== 201) throw new Error(`settle ${i}: ${r.status} ${JSON.stringify(r.json)}`);
    apiMs.push(r.ms);
  });

  await quiet('before the raw pg run');
  cpuAt.push(readCpu());
  // M1 baseline: the same writes in raw pg, on visits inserted by SQL like the API's.
  const fsDb = run.db[FS]!;
  const sample = (
    await fsDb.query<{ totals: unknown; lines: unknown; envelope: unknown }>(
      `SELECT s.totals, s.lines, o.envelope FROM medical.settlement s, platform.outbox o WHERE o.type = 'gov.guangfo.medical.settlement-recorded.v1' LIMIT 1`,
    )
  ).rows[0]!;
  const template = (
    await fsDb.query<{ person_id: string; filing_id: string }>(`SELECT person_id, filing_id FROM medical.visit LIMIT ${s.persons}`)
  ).rows;
  const rawVisits: string[] = [];
  for (let i = 0; i < s.claims; i++) {
    const id = randomUUID();
    const t = template[i % template.length]!;
    await fsDb.query(
      `INSERT INTO medical.visit (id, hospital_code, partner_id, person_id, filing_id, insured_city, visit_type, begun_on, state, msgid) VALUES ($1, $2, 'demo-hospital-fs', $3, $4, $5, 'outpatient', current_date, 'open', $6)`,
      [id, HOSPITAL_CODE, t.person_id, t.filing_id, GZ, msgid(20260307000000, i)],
    );
    await fsDb.query(
      `INSERT INTO medical.fee_line (visit_id, line_no, code, name, quantity, unit_price_fen) SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::bigint[])`,
      [
        id,
        LINES.map((l) => l.lineNo),
        LINES.map((l) => l.code),
        LINES.map((l) => l.name),
        LINES.map((l) => l.quantity),
        LINES.map((l) => l.unitPriceFen),
      ],
    );
    rawVisits.push(id);
  }
  const rawMs: number[] = [];
  cpuAt.push(readCpu());
  const raw = await offerAtRate(s.claims, s.rate, 64, async (i) => {
    const t1 = performance.now();
    const c = await fsDb.connect();
    try {
      await c.query('BEGIN');
      const v = (
        await c.query<{ person_id: string; filing_id: string }>(`SELECT person_id, filing_id FROM medical.visit WHERE id = $1 FOR UPDATE`, [
          rawVisits[i],
        ])
      ).rows[0]!;
      await c.query(`SELECT line_no, code, quantity, unit_price_fen FROM medical.fee_line WHERE visit_id = $1 ORDER BY line_no`, [
        rawVisits[i],
      ]);
      await c.query(
        `SELECT * FROM medical.allowance WHERE person_id = $1 AND year = extract(year FROM current_date) ORDER BY pot FOR UPDATE`,
        [v.person_id],
      );
      await c.query(
        `UPDATE medical.allowance SET consumed_fen = consumed_fen + 0 WHERE person_id = $1 AND year = extract(year FROM current_date)`,
        [v.person_id],
      );
      const id = randomUUID();
      await c.query(
        `INSERT INTO medical.settlement (id, visit_id, hospital_code, person_id, filing_id, insured_city, visit_type, hospital_level, standing, ratio_bp, settled_on, settled_at, state,
           fund_fen, acct_fen, cash_fen, total_fen, totals, lines, policy_version, catalogue_version, msgid)
         VALUES ($1, $2, $3, $4, $5, $6, 'outpatient', 'tertiary', 'resettled-retiree', 6000, current_date, now(), 'settled', 0, 0, 0, 0, $7, $8, 'demo-2026.1', 'demo-2026.1', $9)`,
        [
          id,
          rawVisits[i],
          HOSPITAL_CODE,
          v.person_id,
          v.filing_id,
          GZ,
          JSON.stringify(sample.totals),
          JSON.stringify(sample.lines),
          msgid(20260308000000, i),
        ],
      );
      await c.query(`UPDATE medical.visit SET state = 'settled' WHERE id = $1`, [rawVisits[i]]);
      await c.query(
        `INSERT INTO platform.outbox (event_id, type, subject, audience, to_city, envelope, sent_at) VALUES ($1, 'bench.raw', $2, 'addressed', $3, $4, now())`,
        [randomUUID(), id, GZ, JSON.stringify(sample.envelope)],
      );
      await c.query(
        `INSERT INTO platform.audit_log (at, actor, action, resource, outcome, detail) VALUES (now(), 'partner:bench', 'medical.settle', $1, 'success', '{}')`,
        [`medical-settlement:${id}`],
      );
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    } finally {
      c.release();
    }
    rawMs.push(performance.now() - t1);
  });
  cpuAt.push(readCpu());
  await fsDb.query(`DELETE FROM platform.outbox WHERE type = 'bench.raw'`);

  // M2: clearing of synthetic claims at Guangzhou (insured side), 1 M then 2 M.
  const gzDb = run.db[GZ]!;
  const repo = new ClearingRepository();
  const inbound = new StatementInbound(repo);
  const chunkSize = statementChunkItems();
  const clearing: MedicalResult['clearing'] = [];
  for (const [k, n] of s.clearing.entries()) {
    const year = 2020 + k;
    const period = `${year}-01`;
    // Each size on its own data: the previous size's claims, statements and staging go first.
    await gzDb.query(
      `TRUNCATE medical.statement_item, medical.statement, medical.statement_chunk, medical.statement_inbound, medical.settlement_copy`,
    );
    const tg = performance.now();
    await gzDb.query(
      `INSERT INTO medical.settlement_copy (settlement_id, treating_city, person_id, hospital_code, settled_on, reversed_on, fund_fen, acct_fen, total_fen, totals)
       SELECT gen_random_uuid(), $1, gen_random_uuid(), 'HBENCH', date '${period}-01' + (i % 31), CASE WHEN i % 50 = 0 THEN date '${period}-01' + (i % 31) + (i % 7) END,
              (i % 9000) * 10, i % 700, (i % 9000) * 10 + (i % 700) + 5000, '{}'::jsonb
       FROM generate_series(1, $2) AS i`,
      [FS, n],
    );
    await gzDb.query(`VACUUM ANALYZE medical.settlement_copy`);
    // What Foshan would send for these claims (built before the clock starts): the header and the chunks.
    const statementId = randomUUID();
    const sent = await (async () => {
      const em = { query: async (sql: string, params?: unknown[]) => (await gzDb.query(sql, params)).rows };
      const items: StatementLine[] = statementItems(await repo.insuredClaims(em, FS, `${period}-01`, `${year}-02-01`), period).map(
        ({ contest: _contest, ...line }) => line,
      );
      const chunks = chunkItems(items, chunkSize).map((c, index): MedicalStatementChunk => ({ statementId, index, items: c }));
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
      return { header, chunks };
    })();
    progress(`  M2: ${n} claims generated, ${sent.header.itemCount} items in ${sent.chunks.length} chunks, in ${since(tg)}`);
    // Each piece in a transaction of its own on a client of Guangzhou's database, as the node's inbox runs the handlers.
    const client = await gzDb.connect();
    const em = { query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows };
    const inTransaction = async <T>(fn: () => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        const r = await fn();
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    };
    const ta = performance.now();
    let tc = ta;
    const { header } = sent;
    // Each chunk is let go once staged (as a received event is), so the completion holds only what it reads back.
    const queue = sent.chunks.splice(0);
    try {
      if ((await inTransaction(() => inbound.header(em, FS, header))) !== 'staged')
        throw new Error('the header alone recorded the statement');
      while (queue.length) {
        const chunk = queue.shift()!;
        const last = queue.length === 0;
        if (last) tc = performance.now();
        const outcome = await inTransaction(() => inbound.chunk(em, FS, chunk));
        if (outcome !== (last ? 'recorded' : 'staged')) throw new Error(`chunk ${chunk.index}: ${outcome}`);
      }
    } finally {
      client.release();
    }
    const stagingSeconds = (tc - ta) / 1000;
    const completionSeconds = (performance.now() - tc) / 1000;
    const apiSeconds = stagingSeconds + completionSeconds;
    const recorded = (
      await gzDb.query<{ proof: { ok: boolean }; items: number }>(
        `SELECT proof, (SELECT count(*)::int FROM medical.statement_item WHERE statement_id = $1) AS items FROM medical.statement WHERE id = $1`,
        [statementId],
      )
    ).rows[0]!;
    const items = recorded.items;
    const proofOk = recorded.proof.ok;
    const tr = performance.now();
    const c = await gzDb.connect();
    try {
      await c.query('BEGIN');
      const sid = randomUUID();
      await c.query(
        `INSERT INTO medical.statement (id, treating_city, insured_city, period, role, advance_fen) VALUES ($1, $2, $3, $4, 'treating', 0)`,
        [sid, FS, GZ, period],
      );
      await c.query(
        `INSERT INTO medical.statement_item (statement_id, settlement_id, kind, fund_fen, account_fen, total_fen)
         SELECT $1, settlement_id, 'claim', fund_fen, acct_fen, total_fen FROM medical.settlement_copy
          WHERE treating_city = $2 AND settled_on >= $3 AND settled_on < $4 AND (reversed_on IS NULL OR reversed_on >= $4)`,
        [sid, FS, `${period}-01`, `${year}-02-01`],
      );
      await c.query(
        `SELECT count(*), sum(fund_fen), sum(account_fen), sum(total_fen) FROM medical.statement_item WHERE statement_id = $1`,
        [sid],
      );
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    clearing.push({
      n,
      stagingSeconds,
      completionSeconds,
      apiSeconds,
      rawSeconds: (performance.now() - tr) / 1000,
      items,
      chunks: header.chunkCount,
      proofOk,
    });
    progress(
      `  M2: ${n} claims cleared in ${apiSeconds.toFixed(1)} s (staging ${stagingSeconds.toFixed(1)} s, completion ${completionSeconds.toFixed(1)} s; raw ${clearing.at(-1)!.rawSeconds.toFixed(1)} s)`,
    );
  }
  const [apiStart, apiEnd, rawStart, rawEnd] = cpuAt;
  return {
    settle: {
      api: { ...percentiles(apiMs), perSecond: s.claims / api.seconds, capped: api.capped },
      raw: { ...percentiles(rawMs), perSecond: s.claims / raw.seconds, capped: raw.capped },
    },
    clearing,
    settings: s,
    ...(apiStart && apiEnd && rawStart && rawEnd
      ? { settleCpu: { api: cpuPer(apiStart, apiEnd, s.claims), raw: cpuPer(rawStart, rawEnd, s.claims) } }
      : {}),
  };
};

export const medicalSection = (r: MedicalResult): BenchSection => {
  const [one, two] = r.clearing;
  return {
    title: 'M — 异地就医直接结算: settlement at a fixed rate, monthly clearing',
    lines: [
      `M1: ${r.settings.claims} outpatient settlements (2207, three fee lines: 甲, 乙, 丙) for ${r.settings.persons} Guangzhou-insured persons at Foshan's node, offered at ${r.settings.rate} claims/s (open loop, at most 64 in flight), next to raw pg doing the same writes at the same rate on the same database.`,
      '',
      ...markdownTable(
        ['who', 'claims', 'achieved /s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'capped'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        (
          [
            ['API (HTTP, auth, calculation, locks, outbox, audit)', r.settle.api],
            ['raw pg (same writes)', r.settle.raw],
          ] as const
        ).map(([who, x]) => [
          who,
          String(r.settings.claims),
          fmt(x.perSecond, 0),
          fmt(x.p50),
          fmt(x.p95),
          fmt(x.p99),
          fmt(x.max),
          String(x.capped),
        ]),
      ),
      ...(r.settleCpu
        ? [
            '',
            `CPU per settlement, from /proc: through the API, the two city processes and PostgreSQL from the first claim until both outboxes are sent and the audit rows chained (Guangzhou's copy included); raw pg, PostgreSQL over its run. Compare it between runs: it moves far less than latency with the shared machine's speed.`,
            '',
            ...markdownTable(
              ['who', 'city processes ms', 'PostgreSQL ms', 'total ms'],
              ['l', 'r', 'r', 'r'],
              [
                [
                  'API',
                  fmt(r.settleCpu.api.city ?? 0, 2),
                  fmt(r.settleCpu.api.postgres ?? 0, 2),
                  fmt((r.settleCpu.api.city ?? 0) + (r.settleCpu.api.postgres ?? 0), 2),
                ],
                ['raw pg', '–', fmt(r.settleCpu.raw.postgres ?? 0, 2), fmt(r.settleCpu.raw.postgres ?? 0, 2)],
              ],
            ),
          ]
        : []),
      '',
      `M2: the insured city receiving a monthly statement as its handlers do: the header and every chunk of MEDICAL_STATEMENT_CHUNK_ITEMS items staged, each in its own transaction; the last chunk's transaction assembles the items from the staged chunks, checks count and SM3 digest, reads the claims, proves and writes the statement. Next to raw pg writing the same items with one INSERT … SELECT.`,
      '',
      ...markdownTable(
        ['claims', 'items', 'chunks', 'proof', 'staging s', 'last chunk s', 'service s', 'raw pg s', 'service ÷ raw'],
        ['r', 'r', 'r', 'l', 'r', 'r', 'r', 'r', 'r'],
        r.clearing.map((c) => [
          String(c.n),
          String(c.items),
          String(c.chunks),
          c.proofOk ? 'ok' : 'FAILED',
          fmt(c.stagingSeconds),
          fmt(c.completionSeconds),
          fmt(c.apiSeconds),
          fmt(c.rawSeconds),
          fmt(ratio(c.apiSeconds, c.rawSeconds), 2),
        ]),
      ),
    ],
    targets: [
      { name: `M1 settlement p99 at ${r.settings.rate} claims/s`, measured: r.settle.api.p99, kind: 'max', bound: 50, unit: 'ms' },
      ...(one ? [{ name: `M2 clearing of ${one.n} claims`, measured: one.apiSeconds, kind: 'max' as const, bound: 60, unit: 's' }] : []),
      ...(one && two
        ? [
            {
              name: `M2 clearing of ${two.n} ÷ ${one.n} claims`,
              measured: ratio(two.apiSeconds, one.apiSeconds),
              kind: 'max' as const,
              bound: 2.2,
              unit: '×',
            },
          ]
        : []),
    ],
  };
};
