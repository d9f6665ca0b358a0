import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { idleSocketReset } from './common.js';

/**
 * The HTTP load client of P1, in a worker thread (its own event loop, so the client does not
 * share the servers' thread): `connections` keep-alive connections, each sending its next GET as
 * soon as the previous response has been read, for `durationMs`. Loopback only.
 */
export interface LoadRequest {
  url: string;
  connections: number;
  durationMs: number;
}
export interface LoadResult {
  requests: number;
  errors: number;
  /** What each error was: a status code, or the socket error's code. */
  errorKinds: Record<string, number>;
  bytes: number;
  seconds: number;
  latencies: number[];
}

const agents = new Map<string, http.Agent>();
const agentFor = (url: URL, connections: number): http.Agent => {
  const key = `${url.host}/${connections}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: connections });
    agents.set(key, agent);
  }
  return agent;
};

// The node's sockets sit idle while the other server's rounds run (two in a row: 6 s with the defaults, past the server's 5 s
// keep-alive timeout), so the first request on one can meet the server's close: sent once more (common.ts idleSocketReset).
const get = (url: URL, agent: http.Agent, retried = false): Promise<{ status: number; bytes: number }> =>
  new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && idleSocketReset(req, err)) get(url, agent, true).then(resolve, reject);
      else reject(err);
    });
  });

const load = async ({ url, connections, durationMs }: LoadRequest): Promise<LoadResult> => {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') throw new Error(`load client: loopback only, not ${target.hostname}`);
  const agent = agentFor(target, connections);
  const result: LoadResult = { requests: 0, errors: 0, errorKinds: {}, bytes: 0, seconds: 0, latencies: [] };
  const failed = (kind: string) => {
    result.errors += 1;
    result.errorKinds[kind] = (result.errorKinds[kind] ?? 0) + 1;
  };
  const t0 = performance.now();
  const end = t0 + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          const r = await get(target, agent);
          if (r.status !== 200) failed(String(r.status));
          result.bytes += r.bytes;
        } catch (err) {
          failed((err as NodeJS.ErrnoException).code ?? (err as Error).message);
        }
        result.requests += 1;
        result.latencies.push(performance.now() - s);
      }
    }),
  );
  result.seconds = (performance.now() - t0) / 1000;
  return result;
};

parentPort?.on('message', (msg: LoadRequest | 'close') => {
  if (msg === 'close') {
    for (const a of agents.values()) a.destroy();
    parentPort?.close();
    return;
  }
  load(msg).then(
    (r) => parentPort?.postMessage({ ok: true, result: r }),
    (err: unknown) => parentPort?.postMessage({ ok: false, error: (err as Error).message }),
  );
});
