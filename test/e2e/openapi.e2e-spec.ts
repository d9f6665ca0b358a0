import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { Sandbox } from '../../apps/sandbox/src/sandbox.js';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';

const GZ = '440100';
const FS = '440600';

type Media = { schema?: Record<string, unknown>; example?: unknown; examples?: Record<string, { value: { code?: string } }> };
type Response = { description?: string; content?: Record<string, Media>; headers?: Record<string, unknown> };
type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, Response>;
};
type Schema = {
  type?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema & { $ref?: string };
  $ref?: string;
  allOf?: Schema[];
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('the OpenAPI document of each city node', () => {
  let dir: string;
  let sandbox: Sandbox;
  const ports: Record<string, number> = {};
  const docs: Record<string, Doc> = {};
  const url = (city: string) => `http://127.0.0.1:${ports[city]}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guangfo-openapi-'));
    ports[GZ] = await freePort();
    ports[FS] = await freePort();
    sandbox = new Sandbox({ dataDir: dir, ports, logLevel: 'silent' });
    await sandbox.start();
    for (const city of [GZ, FS]) docs[city] = (await request(url(city)).get('/docs-json').expect(200)).body as Doc;
    if (process.env.OPENAPI_DUMP) writeFileSync(process.env.OPENAPI_DUMP, JSON.stringify(docs[GZ], null, 2));
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const operations = (doc: Doc) =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((m) => ({ id: `${m.toUpperCase()} ${path}`, path, method: m, op: item[m] })),
    );

  it.each([GZ, FS])('%s: is a valid OpenAPI document for an independent validator', async (city) => {
    const result = await new Validator().validate(structuredClone(docs[city]) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it.each([GZ, FS])('%s: declares every error response as problem+json with the problem schema and a stable code', (city) => {
    const wrong: string[] = [];
    let errorResponses = 0;
    for (const { id, op } of operations(docs[city])) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        errorResponses++;
        const types = Object.keys(r.content ?? {});
        const media = r.content?.['application/problem+json'];
        const codes = Object.values(media?.examples ?? {}).map((e) => e.value.code);
        if (
          types.join() !== 'application/problem+json' ||
          media?.schema?.$ref !== '#/components/schemas/Problem' ||
          codes.length === 0 ||
          !codes.every((c) => /^[A-Z][A-Z0-9_]+$/.test(c ?? ''))
        ) {
          wrong.push(`${id} ${status}: ${types.join() || 'no content'}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(errorResponses).toBeGreaterThan(100);
  });

  it('declares each parameter once, examples on every request body and main response, and Location on 201', () => {
    const doc = docs[GZ];
    const problems: string[] = [];
    for (const { id, op, path, method } of operations(doc)) {
      const keys = (op.parameters ?? []).map((p) => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`);
      if (new Set(keys).size !== keys.length) problems.push(`${id}: a parameter declared twice (${keys.join(', ')})`);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        if (type === 'application/json' && media.example === undefined) problems.push(`${id}: request body without example`);
      }
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) >= 200 && Number(status) < 300) {
          for (const [type, media] of Object.entries(r.content ?? {}))
            if (type === 'application/json' && media.example === undefined) problems.push(`${id} ${status}: response without example`);
        }
        const itemPath = Object.keys(doc.paths).find(
          (p) => p.startsWith(`${path}/{`) && /^\{[^/]+\}$/.test(p.slice(path.length + 1)) && doc.paths[p].get,
        );
        if (status === '201' && method === 'post' && itemPath && !r.headers?.Location) problems.push(`${id}: 201 without Location`);
      }
    }
    expect(problems).toEqual([]);
    expect(Object.keys(docs[GZ].paths['/api/v1/auth/token'].post.responses)).toContain('404');
  });

  it('types each field as it is sent: nested objects as schemas, strings as strings', () => {
    const schemas = docs[GZ].components.schemas;
    const summary = schemas.CaseSummaryDto.properties!;
    expect(summary.holderCity.type).toBe('string');
    expect(summary.hall.type).toBe('string');
    expect(summary.availableActions.items?.$ref).toBe('#/components/schemas/AvailableActionDto');
    const detail = schemas.CaseDetailDto.allOf
      ? Object.assign({}, ...schemas.CaseDetailDto.allOf.map((s) => s.properties ?? {}))
      : schemas.CaseDetailDto.properties!;
    for (const field of ['materials', 'notes', 'requests']) expect(detail[field].items?.$ref).toMatch(/^#\/components\/schemas\//);
    // Across every schema: a declared type agrees with its example.
    const mismatches: string[] = [];
    const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v);
    for (const [name, schema] of Object.entries(schemas)) {
      for (const [prop, s] of Object.entries(schema.properties ?? {})) {
        if (s.example === undefined || s.example === null || !s.type) continue;
        const declared = s.type === 'integer' ? 'number' : s.type;
        if (declared !== typeOf(s.example))
          mismatches.push(`${name}.${prop}: type ${s.type}, example ${JSON.stringify(s.example).slice(0, 60)}`);
        if (
          s.type === 'array' &&
          Array.isArray(s.example) &&
          s.example.some((e) => typeof e === 'object' && e !== null) &&
          s.items?.type === 'string'
        )
          mismatches.push(`${name}.${prop}: string[] holding objects`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('sets the documented Location on a 201, pointing at a readable resource', async () => {
    const key = 'DEMO-gz-hospital-key-0001';
    const example = docs[GZ].paths['/api/v1/webhooks/subscriptions'].post.requestBody!.content['application/json'].example;
    const created = await request(url(GZ))
      .post('/api/v1/webhooks/subscriptions')
      .set('x-api-key', key)
      .send(example as object);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/webhooks/subscriptions/${created.body.id}`);
    await request(url(GZ)).get(created.headers.location).set('x-api-key', key).expect(200);

    const clerk = (await request(url(GZ)).post('/api/v1/auth/token').send({ username: 'gz-clerk' }).expect(200)).body.accessToken as string;
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    const file = await request(url(GZ))
      .post('/api/v1/files')
      .set('authorization', `Bearer ${clerk}`)
      .attach('file', pdf, { filename: 'scan.pdf', contentType: 'application/pdf' });
    expect(file.status).toBe(201);
    expect(file.headers.location).toBe(`/api/v1/files/${file.body.id}`);
  });

  // Swagger keys component schemas by class name: two DTO classes with one name become one schema,
  // and one of the two endpoints is documented (and its generated client typed) with the other's shape.
  it('has one class per name across the libraries (no schema silently replaced)', () => {
    const classes = new Map<string, string[]>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts'))
          for (const m of readFileSync(path, 'utf8').matchAll(/^export class (\w+)/gm))
            classes.set(m[1]!, [...(classes.get(m[1]!) ?? []), path]);
      }
    };
    walk('libs');
    expect([...classes].filter(([, paths]) => paths.length > 1)).toEqual([]);
  });
});
