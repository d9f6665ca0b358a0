import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Worker } from 'node:worker_threads';
import express from 'express';
import { type BenchSection, fmt, markdownTable, percentile, ratio, type Target } from './common.js';
import type { LoadRequest, LoadResult } from './http-load.worker.js';
import { FS, type HttpSandboxRun } from './sandbox-run.js';

/**
 * P1: the catalogue page `GET /api/v1/catalogue/items?limit=20` through the full pipeline of a
 * sandbox node (Foshan: correlation, logging, rate limits, input guard, validation pipe, the
 * catalogue service, JSON serialisation) against a bare Express 5 app in the same thread serving
 * the same bytes (fetched once from the node) with the same content type. One load client in a
 * worker thread, the same keep-alive connection count for both, rounds alternating ABBA so drift
 * in the machine's load falls on both sides.
 */
export const CATALOGUE_PATH = '/api/v1/catalogue/items?limit=20';

export interface CatalogueOptions {
  connections: number;
  rounds: number;
  roundSeconds: number;
}

interface Side {
  requests: number;
  errors: number;
  errorKinds: Record<string, number>;
  seconds: number;
  perRound: number[];
  latencies: number[];
}

export interface CatalogueResult extends CatalogueOptions {
  bytes: number;
  node: Side;
  bare: Side;
}

const rps = (s: Side) => s.requests / s.seconds;

export const benchCatalogue = async (run: HttpSandboxRun, o: CatalogueOptions): Promise<CatalogueResult> => {
  const nodeUrl = `http://127.0.0.1:${run.ports[FS]}${CATALOGUE_PATH}`;
  const first = await fetch(nodeUrl);
  if (!first.ok) throw new Error(`catalogue page: ${first.status}`);
  const contentType = first.headers.get('content-type') ?? 'application/json';
  const body = Buffer.from(await first.arrayBuffer());

  const bare = express();
  bare.disable('x-powered-by');
  bare.get('/api/v1/catalogue/items', (_req, res) => {
    res.type(contentType).send(body);
  });
  const server: Server = await new Promise((resolve) => {
    const s = bare.listen(0, '127.0.0.1', () => resolve(s));
  });
  const bareUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${CATALOGUE_PATH}`;

  const worker = new Worker(new URL('./http-load.worker.js', import.meta.url));
  const load = (req: LoadRequest): Promise<LoadResult> =>
    new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        worker.off('message', onMessage);
        reject(err);
      };
      const onMessage = (m: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
        worker.off('error', onError);
        if (m.ok) resolve(m.result);
        else reject(new Error(m.error));
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage(req);
    });
  try {
    const side = (): Side => ({ requests: 0, errors: 0, errorKinds: {}, seconds: 0, perRound: [], latencies: [] });
    const result: CatalogueResult = { ...o, bytes: body.length, node: side(), bare: side() };
    // Warm-up of both (JIT, connections): not counted.
    const warmMs = Math.max(300, Math.min(2000, (o.roundSeconds * 1000) / 2));
    await load({ url: nodeUrl, connections: o.connections, durationMs: warmMs });
    await load({ url: bareUrl, connections: o.connections, durationMs: warmMs });
    for (let round = 0; round < o.rounds; round++) {
      const order: ['node' | 'bare', string][] =
        round % 2 === 0
          ? [
              ['node', nodeUrl],
              ['bare', bareUrl],
            ]
          : [
              ['bare', bareUrl],
              ['node', nodeUrl],
            ];
      for (const [which, url] of order) {
        const r = await load({ url, connections: o.connections, durationMs: o.roundSeconds * 1000 });
        const s = result[which];
        s.requests += r.requests;
        s.errors += r.errors;
        for (const [k, n] of Object.entries(r.errorKinds)) s.errorKinds[k] = (s.errorKinds[k] ?? 0) + n;
        s.seconds += r.seconds;
        s.perRound.push(r.requests / r.seconds);
        s.latencies.push(...r.latencies);
      }
    }
    if (result.node.errors || result.bare.errors)
      throw new Error(
        `catalogue load: ${result.node.errors} errors from the node ${JSON.stringify(result.node.errorKinds)}, ${result.bare.errors} from bare Express ${JSON.stringify(result.bare.errorKinds)}`,
      );
    return result;
  } finally {
    worker.postMessage('close');
    await worker.terminate();
    await new Promise((r) => server.close(r));
  }
};

export const catalogueSection = (r: CatalogueResult): BenchSection => {
  const row = (name: string, s: Side) => [
    name,
    String(s.requests),
    fmt(rps(s), 0),
    `${fmt(Math.min(...s.perRound), 0)}–${fmt(Math.max(...s.perRound), 0)}`,
    fmt(percentile(s.latencies, 50), 2),
    fmt(percentile(s.latencies, 99), 2),
  ];
  const p1 = ratio(rps(r.node), rps(r.bare));
  const lines = [
    `GET ${CATALOGUE_PATH} (${r.bytes} bytes), ${r.connections} keep-alive connections, ${r.rounds} rounds of ${r.roundSeconds} s per side, alternating; client in a worker thread.`,
    '',
    ...markdownTable(
      ['server', 'requests', 'req/s', 'req/s per round', 'p50 ms', 'p99 ms'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      [row('city node (full pipeline)', r.node), row('bare Express, same bytes', r.bare)],
    ),
    '',
    `P1 ratio, node ÷ bare Express: **${fmt(p1, 3)}**`,
  ];
  const targets: Target[] = [
    { name: `P1 catalogue page req/s ÷ bare Express (${r.connections} connections)`, measured: p1, kind: 'min', bound: 0.7, unit: '×' },
  ];
  return { title: 'P1 — catalogue page vs bare Express (same bytes)', lines, targets };
};
