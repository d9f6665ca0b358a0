import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { correlationMiddleware } from './correlation.middleware.js';
import { createNodeLogging } from './logging.js';

/** The request log: one line per finished request with method, URL, id, status and time; no headers; probes not logged. */
describe('request log', () => {
  const appLogging = (level: string) => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    const logging = createNodeLogging('440600', level, sink);
    const app = express();
    app.use(correlationMiddleware('440600'));
    app.use(logging.http);
    app.get('/ok', (_req, res) => void res.json({ ok: true }));
    app.get('/boom', (_req, res) => void res.status(503).end());
    app.get('/health/live', (_req, res) => void res.end());
    return { app, lines };
  };
  const settle = () => new Promise((r) => setTimeout(r, 20));

  it('writes one line per request, errors at error level, none for the probes and no headers', async () => {
    const { app, lines } = appLogging('info');
    await request(app).get('/ok?x=1').set('authorization', 'Bearer secret').set('x-correlation-id', 'corr-12345678').expect(200);
    await request(app).get('/boom').expect(503);
    await request(app).get('/health/live').expect(200);
    await settle();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      city: '440600',
      msg: 'request completed',
      req: { method: 'GET', url: '/ok?x=1', id: 'corr-12345678' },
      res: { statusCode: 200 },
    });
    expect(typeof lines[0]!.responseTime).toBe('number');
    expect(lines[1]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 503 } });
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('writes nothing below its level', async () => {
    const { app, lines } = appLogging('warn');
    await request(app).get('/ok').expect(200);
    await settle();
    expect(lines).toHaveLength(0);
  });
});
