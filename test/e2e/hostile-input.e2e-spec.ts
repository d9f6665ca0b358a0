import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parse } from 'yaml';
import { isValidResidentId } from '@guangfo/kernel';
import { Sandbox } from '../../apps/sandbox/src/sandbox.js';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';

/**
 * Generated hostile input against every operation of the node's own OpenAPI document: missing fields,
 * wrong types, null, arrays, deep JSON, NUL bytes and lone surrogates, huge strings, bad and foreign ids,
 * as several principals (anonymous, residents, clerks, supervisor, admin, partner keys) on both cities.
 * Asserts: never a 5xx; every error is problem+json with a stable code; the nodes stay ready; no response
 * body and no log line holds a citizen ID number other than the requester's own.
 */

const GZ = '440100';
const FS = '440600';
const SEED = 20261202;
const RUNS_PER_OPERATION = 36;
const CONCURRENCY = 8;

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema; example?: unknown };
type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema?: Schema; example?: unknown }> } };
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

interface Principal {
  label: string;
  city: string;
  headers: Record<string, string>;
  /** The requester's own ID number: the only one it may ever see. */
  ownId?: string;
}

interface Finding {
  what: string;
  request: string;
  status: number;
  body: string;
}

const users = parse(readFileSync(resolve('seeds/demo/users.yaml'), 'utf8')) as {
  users: { username: string; residentId?: string }[];
  partners: { id: string; city: string; apiKey: string }[];
};

/** A raw JSON text nested `depth` levels deep (JSON.stringify of such a value would itself recurse). */
const deepJson = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const deepValue = (depth: number): unknown => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

const OTHER_IDS = [
  '440106199001010013', // Guangzhou resident
  '44060419920505002X', // Foshan resident
  '11010519491231002X', // a stranger
];

/** Ids of real resources, seeded before the run (a case, a credential), so requests reach the services too. */
const realIds: string[] = [];

/** Hostile scalar and structured values for any one field. */
const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom<unknown>(...(realIds.length ? realIds : ['none'])),
    fc.constantFrom<unknown>(
      null,
      [],
      [null],
      {},
      [[]],
      [{}],
      '',
      ' ',
      0,
      -1,
      1.5,
      1e308,
      true,
      false,
      'a\u0000b',
      '\u0000',
      '\uD800',
      'x\uDFFFy',
      '\u0007bell',
      '\u001B[31m',
      'line\nbreak',
      'a'.repeat(100_000),
      '😀'.repeat(1_000),
      "' OR '1'='1",
      '../../etc/passwd',
      '<script>alert(1)</script>',
      '00000000-0000-0000-0000-000000000000',
      'HOUSEHOLD_REGISTER-440600-000123',
      'RESIDENCE_PERMIT-440100-999999',
      '440600',
      '440100',
      '999999',
      'FS-CC-01',
      'GZ-TH-01',
      'XK00201000',
      'NONE-NEVER',
      ...OTHER_IDS,
      { __proto__: { polluted: true } },
      { constructor: { prototype: { polluted: true } } },
    ),
    fc.string({ unit: 'binary', maxLength: 24 }),
    fc.jsonValue({ maxDepth: 3 }),
    fc.integer(),
    fc.constant(deepValue(60)),
  );

/** Hostile values for a path segment or a query parameter (sent percent-encoded). */
const hostileText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...(realIds.length ? realIds : ['none'])),
    fc.constantFrom(
      '\u0000',
      'a\u0000',
      '\uD800',
      '\u001F',
      '%',
      '%00',
      '%ZZ',
      '..',
      '.',
      ' ',
      'a'.repeat(4_000),
      '-1',
      '0',
      '1e999',
      'NaN',
      'null',
      'undefined',
      'true',
      '[]',
      '{}',
      "'; DROP TABLE x; --",
      '00000000-0000-0000-0000-000000000000',
      'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      'HOUSEHOLD_REGISTER-440600-000123',
      'GZ440100-2026-000001',
      'FS440600-2026-000001',
      '440600',
      '440100',
      'FS-CC-01',
      'GZ-TH-01',
      ...OTHER_IDS,
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
  );

const encodeSegment = (s: string): string => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80'; // a lone surrogate cannot be UTF-8 encoded: send the invalid bytes instead
  }
};

/** One request over node:http (fetch refuses a body on GET, which a hostile client may well send). */
const send = (
  target: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; type: string; text: string }> =>
  new Promise((resolveSend, reject) => {
    const req = httpRequest(target, { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolveSend({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

const decodeURIComponentSafe = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const problemCode = /^[A-Z][A-Z0-9_]{2,63}$/;
const idPattern = /\d{17}[\dX]/g;

describe('hostile input against every documented operation (embedded sandbox)', () => {
  let dir: string;
  let sandbox: Sandbox;
  const ports: Record<string, number> = {};
  const url = (city: string) => `http://127.0.0.1:${ports[city]}`;
  const logLines: string[] = [];
  const principals: Principal[] = [];
  let doc: OpenApi;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guangfo-hostile-'));
    ports[GZ] = await freePort();
    ports[FS] = await freePort();
    const capture = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    sandbox = new Sandbox({ dataDir: dir, ports, logLevel: 'info', logDestination: capture });
    await sandbox.start();

    principals.push({ label: 'anonymous', city: GZ, headers: {} });
    for (const username of ['gz-resident', 'fs-resident', 'gz-clerk', 'fs-clerk', 'gz-supervisor', 'gz-admin', 'fs-admin']) {
      const city = username.startsWith('gz') ? GZ : FS;
      const r = await fetch(`${url(city)}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
      expect(r.status).toBe(200);
      const { accessToken } = (await r.json()) as { accessToken: string };
      principals.push({
        label: username,
        city,
        headers: { authorization: `Bearer ${accessToken}` },
        ownId: users.users.find((u) => u.username === username)?.residentId,
      });
    }
    for (const p of users.partners) principals.push({ label: p.id, city: p.city, headers: { 'x-api-key': p.apiKey } });
    principals.push({ label: 'bad-token', city: FS, headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' } });

    doc = (await (await fetch(`${url(GZ)}/docs-json`)).json()) as OpenApi;

    // Real resources to aim at: a case filed at a Foshan window for Guangzhou, a credential issued in Guangzhou.
    const post = async (label: string, path: string, body: unknown): Promise<{ id?: string }> => {
      const p = principals.find((x) => x.label === label)!;
      const r = await fetch(`${url(p.city)}/api/v1${path}`, {
        method: 'POST',
        headers: { ...p.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(201);
      return (await r.json()) as { id?: string };
    };
    const pdf = (name: string, c: string) => ({
      fileName: `${name}.pdf`,
      mediaType: 'application/pdf',
      sizeBytes: 48_213,
      sha256: c.repeat(64),
    });
    const filed = await post('fs-clerk', '/cases', {
      itemCode: 'XK00201000',
      mode: 'proxy',
      administeringCity: GZ,
      applicant: { name: '李小红', idNumber: '44060419920505002X', sub: 'fs-resident', identityCheck: 'id-card-reader' },
      materials: ['household-register', 'id-card', 'residence-permit', 'home', 'contributions'].map((materialId, i) => ({
        materialId,
        file: pdf(materialId, 'abcde'[i]),
      })),
    });
    // The issuer is the body of the clerk's hall (广州市公安局 for GZ-TH-01), which may issue residence permits.
    const issued = await post('gz-clerk', '/credentials', {
      ...(plausible({ $ref: '#/components/schemas/IssueCredentialDto' }) as object),
      typeCode: 'RESIDENCE_PERMIT',
      issuer: undefined,
    });
    realIds.push(filed.id!, issued.id!);
  }, 180_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const resolveRef = (s: Schema | undefined): Schema => {
    if (!s) return {};
    if (s.$ref) return resolveRef(doc.components?.schemas?.[s.$ref.split('/').pop()!]);
    if (s.allOf?.length) return resolveRef(s.allOf[0]);
    return s;
  };

  /** A plausible value for a schema (its example, else built from its type), so mutations reach deep validation. */
  const plausible = (schema: Schema | undefined, depth = 0): unknown => {
    const s = resolveRef(schema);
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    if (depth > 6) return null;
    if (s.oneOf?.length) return plausible(s.oneOf[0], depth + 1);
    if (s.anyOf?.length) return plausible(s.anyOf[0], depth + 1);
    if (s.type === 'array') return [plausible(s.items, depth + 1)];
    if (s.type === 'object' || s.properties)
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, plausible(v, depth + 1)]));
    if (s.type === 'integer' || s.type === 'number') return 1;
    if (s.type === 'boolean') return true;
    return 'x';
  };

  /** Every path into a plausible body (objects and arrays), for targeted mutation. */
  const fieldPaths = (v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] => {
    if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        const p = [...prefix, Array.isArray(v) ? Number(k) : k];
        out.push(p);
        fieldPaths(child, p, out);
      }
    }
    return out;
  };

  const mutate = (body: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown => {
    const copy = structuredClone(body) as Record<string | number, unknown>;
    let at: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
    const last = path[path.length - 1];
    if (remove) delete at[last];
    else at[last] = value;
    return copy;
  };

  /** A parameter's example value (the document's, else a plausible one from its schema). */
  const exampleOf = (q: Parameter): unknown => q.example ?? plausible(q.schema);
  /** `path` with each path parameter filled by `value(its example)`. */
  const fillPath = (path: string, op: Operation, value: (v: unknown) => unknown = (v) => v): string =>
    path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const q = (op.parameters ?? []).find((x) => x.in === 'path' && x.name === name);
      return encodeURIComponent(String(q ? value(exampleOf(q)) : 'x'));
    });
  /** The operations of these methods in the node's own OpenAPI document. */
  const operationsOf = (methods: string[]) =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => methods.includes(method))
        .map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
  /** One request sent as every principal, to its own city: each answer, named, with a line describing a 5xx. */
  const asEveryone = async (method: string, target: string, query: string, body: string | undefined, shown = body ?? '') => {
    const answers: { label: string; status: number; text: string; finding?: string }[] = [];
    for (const p of principals) {
      const headers: Record<string, string> = { ...p.headers, ...(body ? { 'content-type': 'application/json' } : {}) };
      const r = await send(`${url(p.city)}${target}${query ? `?${query}` : ''}`, method, headers, body ? Buffer.from(body) : undefined);
      answers.push({
        label: p.label,
        status: r.status,
        text: r.text,
        ...(r.status >= 500
          ? { finding: `${p.label} ${method} ${target}?${query} ${shown.slice(0, 240)}: ${r.status} ${r.text.slice(0, 160)}` }
          : {}),
      });
    }
    return answers;
  };

  interface Attempt {
    principal: number;
    foreign: boolean;
    pathValues: string[];
    query: [string, string | undefined][];
    headerValues: string[];
    body:
      | { kind: 'plausible' }
      | { kind: 'raw'; text: string }
      | { kind: 'value'; value: unknown }
      | { kind: 'field'; pathIndex: number; value: unknown; remove: boolean };
  }

  const attemptArb = (
    pathParams: Parameter[],
    queryParams: Parameter[],
    headerParams: Parameter[],
    principalCount: number,
  ): fc.Arbitrary<Attempt> =>
    fc.record({
      principal: fc.nat({ max: principalCount - 1 }),
      // Mostly the principal's own city (so requests get past the city check), sometimes the other one.
      foreign: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      pathValues: fc.tuple(...pathParams.map(() => hostileText()), fc.constant('')).map((t) => t.slice(0, pathParams.length) as string[]),
      query: fc
        .tuple(
          ...queryParams.map((q) => fc.tuple(fc.constant(q.name), fc.option(hostileText(), { nil: undefined }))),
          fc.constant(['', undefined] as [string, undefined]),
        )
        .map((t) => t.slice(0, queryParams.length) as [string, string | undefined][]),
      headerValues: fc
        .tuple(
          ...headerParams.map(() =>
            fc.oneof(
              fc.constantFrom('', 'x', '"*"', 'W/"1"', '"1"', 'a'.repeat(200)),
              fc.string({ unit: 'grapheme-ascii', maxLength: 30 }),
            ),
          ),
          fc.constant(''),
        )
        .map((t) => t.slice(0, headerParams.length) as string[]),
      body: fc.oneof(
        fc.constant({ kind: 'plausible' as const }),
        fc.constantFrom(
          { kind: 'raw' as const, text: deepJson(5_000) },
          { kind: 'raw' as const, text: `[${'['.repeat(3_000)}${']'.repeat(3_000)}]` },
          { kind: 'raw' as const, text: '{"a":' },
          { kind: 'raw' as const, text: '"\\u0000"' },
          { kind: 'raw' as const, text: '{"x":"\\ud800"}' },
        ),
        fc.record({ kind: fc.constant('value' as const), value: hostileValue() }),
        fc.record({ kind: fc.constant('field' as const), pathIndex: fc.nat(), value: hostileValue(), remove: fc.boolean() }),
        fc.record({ kind: fc.constant('field' as const), pathIndex: fc.nat(), value: hostileValue(), remove: fc.boolean() }),
      ),
    });

  /** The attacks that used to answer 500, each now a 400 problem naming the field. */
  describe('each former 500 is now a 4xx problem', () => {
    const as = (label: string) => principals.find((p) => p.label === label)!;
    const call = async (label: string, method: string, path: string, body?: unknown, raw?: string) => {
      const p = as(label);
      const headers: Record<string, string> = { ...p.headers };
      let payload: Buffer | undefined;
      if (raw !== undefined || body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = Buffer.from(raw ?? JSON.stringify(body), 'utf8');
      }
      const r = await send(`${url(p.city)}/api/v1${path}`, method, headers, payload);
      return { ...r, body: JSON.parse(r.text) as { code: string; status: number; errors?: { field: string; rule: string }[] } };
    };
    const expectFieldProblem = (r: Awaited<ReturnType<typeof call>>, field: string, code = 'VALIDATION_FAILED') => {
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body.code).toBe(code);
      if (field) expect(r.body.errors?.map((e) => e.field)).toContain(field);
    };
    const example = (schema: string): Record<string, unknown> =>
      plausible({ $ref: `#/components/schemas/${schema}` }) as Record<string, unknown>;
    const without = (o: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
    const someCase = '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c';

    it('JSON nested 5,000 deep, unauthenticated, on the token and deadline routes → 400 BODY_TOO_DEEP', async () => {
      expectFieldProblem(await call('anonymous', 'POST', '/auth/token', undefined, deepJson(5_000)), '', 'BODY_TOO_DEEP');
      expectFieldProblem(
        await call('anonymous', 'POST', '/catalogue/items/XK00201000/deadline', undefined, deepJson(5_000)),
        '',
        'BODY_TOO_DEEP',
      );
      expectFieldProblem(
        await call('gz-clerk', 'POST', '/cases', undefined, `[${'['.repeat(5_000)}${']'.repeat(5_000)}]`),
        '',
        'BODY_TOO_DEEP',
      );
    });

    it('a missing, null or array-valued nested object → 400 naming it', async () => {
      const filing = example('FileCaseDto');
      // A clerk's window filing needs its applicant (residents filing online send none: it is their token's identity).
      for (const body of [without(filing, 'applicant'), { ...filing, applicant: null }]) {
        const r = await call('fs-clerk', 'POST', '/cases', body);
        expect({ status: r.status, code: r.body.code, fields: r.body.errors?.map((e) => e.field) }).toEqual({
          status: 422,
          code: 'CASE_APPLICANT_INVALID',
          fields: ['applicant'],
        });
      }
      expectFieldProblem(await call('gz-clerk', 'POST', '/cases', { ...filing, applicant: [] }), 'applicant');
      expectFieldProblem(await call('gz-clerk', 'POST', '/cases', { ...filing, materials: [[]] }), 'materials');
      const issue = example('IssueCredentialDto');
      expectFieldProblem(await call('gz-clerk', 'POST', '/credentials', without(issue, 'holder')), 'holder');
      expectFieldProblem(await call('gz-clerk', 'POST', '/credentials', { ...issue, holder: [] }), 'holder');
      expectFieldProblem(await call('gz-clerk', 'POST', '/credentials', { ...issue, holder: 'x' }), 'holder');
      expectFieldProblem(
        await call('gz-resident', 'POST', '/presentations', without(example('CreatePresentationDto'), 'verifier')),
        'verifier',
      );
    });

    it('NUL bytes in a query, a path parameter and text fields → 400 naming the field, before any database', async () => {
      expectFieldProblem(await call('gz-clerk', 'GET', '/cases?hall=%00'), 'hall');
      expectFieldProblem(await call('gz-admin', 'POST', '/credentials/issuer-keys/%00/retire', {}), 'path');
      const filing = example('FileCaseDto');
      expectFieldProblem(await call('gz-clerk', 'POST', '/cases', { ...filing, note: 'a\u0000b' }), 'note');
      expectFieldProblem(
        await call('gz-clerk', 'POST', '/cases', { ...filing, applicant: { ...(filing.applicant as object), name: '王\u0000五' } }),
        'applicant.name',
      );
      const materials = [
        { materialId: 'id-card', file: { fileName: 'id\u0000.jpg', mediaType: 'image/jpeg', sizeBytes: 10, sha256: 'a'.repeat(64) } },
      ];
      expectFieldProblem(await call('gz-clerk', 'POST', '/cases', { ...filing, materials }), 'materials.0.file.fileName');
      expectFieldProblem(await call('gz-clerk', 'POST', `/cases/${someCase}/accept`, { note: '\u0000' }), 'note');
      expectFieldProblem(await call('gz-resident', 'POST', `/cases/${someCase}/evaluate`, { rating: 5, comment: '很好\u0000' }), 'comment');
      expectFieldProblem(
        await call('demo-hospital-gz', 'POST', '/verifications', { presentationToken: 'x', purpose: 'p\u0000' }),
        'purpose',
      );
      expectFieldProblem(await call('gz-clerk', 'POST', '/cases', { ...filing, note: 'lone \uD800 surrogate' }), 'note');
    });
  });

  it('a forged cursor that is well formed (a 13th month, 30 February, an epoch or sequence beyond bigint, an id that is no UUID) → 4xx on every list, mostly its invalid-cursor 400, never a 500', async () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
    const U = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    // Every field name a list's cursor carries, each with a value its old shape check let through: one bad field at a time.
    const good: Record<string, string> = {
      d: '2026-01-05',
      b: '2026-01-05',
      p: '2026-01',
      k: '1767225600000000',
      s: '2026-01-05T01:00:00.000Z',
      t: '2026-01-05T01:00:00.000000Z',
      c: '2026-01-05T01:00:00.000Z',
      at: '2026-01-05T01:00:00.000Z',
      seq: '12',
      i: U,
      id: U,
      v: 'x',
      a: 'XK00201000',
    };
    const bad: Record<string, string> = {
      d: '2026-02-30',
      b: '2026-13-01',
      p: '2026-13',
      k: '99999999999999999999',
      s: '2026-02-30T01:00:00.000Z',
      t: '2026-02-31T01:00:00.000000Z',
      c: '2026-02-31T01:00:00.000Z',
      at: '2026-02-31T01:00:00.000Z',
      seq: '9999999999999999999',
      i: '-'.repeat(36),
      id: '-'.repeat(36),
      a: 'a\u0000',
    };
    const forged = Object.keys(bad).map((k) => enc({ ...good, [k]: bad[k] }));
    const lists = operationsOf(['get']).filter(({ op }) => (op.parameters ?? []).some((q) => q.in === 'query' && q.name === 'cursor'));
    expect(lists.length).toBeGreaterThan(10);
    const findings: string[] = [];
    /** Lists some principal may read (answered 200 to a cursor that was well formed for it) and those that refused a forged one. */
    const reached = new Set<string>();
    const refused = new Set<string>();
    for (const { path, method, op } of lists) {
      const query = (op.parameters ?? [])
        .filter((q) => q.in === 'query' && q.required && q.name !== 'cursor')
        .map((q) => `${q.name}=${encodeURIComponent(String(exampleOf(q)))}`);
      for (const cursor of forged)
        for (const a of await asEveryone(
          method,
          fillPath(path, op),
          [...query, `cursor=${cursor}`].join('&'),
          undefined,
          Buffer.from(cursor, 'base64url').toString(),
        )) {
          if (a.finding) findings.push(a.finding);
          if (a.status === 200) reached.add(path);
          if (a.status === 400 && /INVALID_CURSOR|VALIDATION_FAILED/.test(a.text)) refused.add(path);
        }
    }
    expect(findings).toEqual([]);
    // Every list a principal reached refused the forged value of a field it reads.
    expect(reached.size).toBeGreaterThan(10);
    expect([...reached].filter((path) => !refused.has(path))).toEqual([]);
  });

  it('a date, month or instant that is well formed but not on the calendar (30 February, a 13th month, hour 24) → 4xx in every body, query and path, never a 500', async () => {
    // Each value the schema's example writes as a date, month or date-time, replaced by an impossible one of the same form.
    const impossible = (v: unknown): unknown => {
      if (typeof v === 'string') {
        if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return '2026-02-30';
        if (/^\d{4}-\d{2}$/.test(v)) return '2026-13';
        if (/^\d{4}-\d{2}-\d{2}T/.test(v)) return '2026-02-30T24:00:00.000Z';
        return v;
      }
      if (Array.isArray(v)) return v.map(impossible);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, impossible(x)]));
      return v;
    };
    const findings: string[] = [];
    let tried = 0;
    for (const { path, method, op } of operationsOf(['get', 'post', 'put', 'patch', 'delete'])) {
      const target = fillPath(path, op, impossible);
      const query = (op.parameters ?? [])
        .filter((q) => q.in === 'query' && q.name !== 'cursor')
        .map((q) => [q.name, exampleOf(q)] as const)
        .filter(([, v]) => v !== undefined && typeof v !== 'object')
        .map(([k, v]) => `${k}=${encodeURIComponent(String(impossible(v)))}`)
        .join('&');
      const json = op.requestBody?.content['application/json'];
      const body = json ? JSON.stringify(impossible(json.example ?? plausible(json.schema))) : undefined;
      if (target === fillPath(path, op) && !/2026-(02-30|13)/.test(query) && !/2026-(02-30|13)/.test(body ?? '')) continue;
      tried += principals.length;
      for (const answer of await asEveryone(method, target, query, body)) if (answer.finding) findings.push(answer.finding);
    }
    expect(tried).toBeGreaterThan(50);
    expect(findings).toEqual([]);
  });

  it('numbers beyond what a column holds (2^31, 2^63, 1e300, -1, 0.5) in every body, query and path field the examples write as a number → 4xx or taken, never a 500', async () => {
    const findings: string[] = [];
    let tried = 0;
    for (const big of [2 ** 31, 2 ** 63, 1e300, -1, 0.5]) {
      const swap = (v: unknown): unknown => {
        if (typeof v === 'number') return big;
        if (Array.isArray(v)) return v.map(swap);
        if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
        return v;
      };
      for (const { path, method, op } of operationsOf(['post', 'put', 'patch', 'get'])) {
        const numericQuery = (op.parameters ?? []).filter((q) => q.in === 'query' && typeof exampleOf(q) === 'number');
        const json = op.requestBody?.content['application/json'];
        const base = json ? (json.example ?? plausible(json.schema)) : undefined;
        const body = base === undefined ? undefined : JSON.stringify(swap(base));
        if (!numericQuery.length && (body === undefined || body === JSON.stringify(base))) continue;
        const query = numericQuery.map((q) => `${q.name}=${big}`).join('&');
        tried += principals.length;
        for (const answer of await asEveryone(method, fillPath(path, op), query, body)) if (answer.finding) findings.push(answer.finding);
      }
    }
    expect(tried).toBeGreaterThan(100);
    expect(findings).toEqual([]);
  });

  it('a string longer than an index row holds (9 000 characters) in each body and query field in turn → 4xx or taken, never a 500', async () => {
    const long = '长'.repeat(3_000) + 'x'.repeat(6_000);
    const findings: string[] = [];
    let tried = 0;
    const get = (v: unknown, path: (string | number)[]) =>
      path.reduce<unknown>((at, k) => (at as Record<string | number, unknown> | undefined)?.[k], v);
    for (const { path, method, op } of operationsOf(['post', 'put', 'patch', 'get'])) {
      const json = op.requestBody?.content['application/json'];
      const base = json ? (json.example ?? plausible(json.schema)) : undefined;
      const variants: { query: string; body?: string }[] = [];
      for (const q of (op.parameters ?? []).filter((x) => x.in === 'query' && x.name !== 'cursor' && typeof exampleOf(x) === 'string'))
        variants.push({ query: `${q.name}=${encodeURIComponent(long)}`, body: base === undefined ? undefined : JSON.stringify(base) });
      if (base !== undefined)
        for (const field of fieldPaths(base).filter((f) => typeof get(base, f) === 'string'))
          variants.push({ query: '', body: JSON.stringify(mutate(base, field, long, false)) });
      for (const v of variants) {
        tried += principals.length;
        const shown = (v.body ?? v.query).replace(/长+x+/g, '<long>').replace(/(%E9%95%BF)+x+/g, '<long>');
        for (const answer of await asEveryone(method, fillPath(path, op), v.query, v.body, shown))
          if (answer.finding) findings.push(answer.finding);
      }
    }
    expect(tried).toBeGreaterThan(200);
    expect(findings).toEqual([]);
  }, 300_000);

  it('never answers 5xx, always answers errors as problem+json with a code, and leaks no other ID number', async () => {
    const findings: Finding[] = [];
    const idsSentInUrls = new Set<string>();
    let sent = 0;
    const operations = operationsOf(['get', 'post', 'put', 'patch', 'delete']);
    expect(operations.length).toBeGreaterThan(40);

    const runOne = async (method: string, path: string, op: Operation, a: Attempt, index: number): Promise<void> => {
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      let target = path;
      pathParams.forEach((p, i) => {
        target = target.replace(`{${p.name}}`, encodeSegment(a.pathValues[i]));
      });
      const qs = a.query
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeSegment(v!)}`)
        .join('&');
      const principal = principals[a.principal];
      const city = a.foreign ? (principal.city === GZ ? FS : GZ) : principal.city;
      const headers: Record<string, string> = { ...principal.headers, 'x-correlation-id': `hostile-${index}` };
      params
        .filter((p) => p.in === 'header')
        .forEach((p, i) => {
          if (a.headerValues[i]) headers[p.name] = a.headerValues[i];
        });

      let body: string | Buffer | undefined;
      const content = op.requestBody?.content ?? {};
      if (content['multipart/form-data']) {
        const form = new FormData();
        const name = a.body.kind === 'field' && typeof a.body.value === 'string' ? a.body.value.slice(0, 300) : 'scan.pdf';
        form.append(
          'file',
          new Blob([a.body.kind === 'plausible' ? '%PDF-1.4\n%\u00e2\u00e3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF' : '\u0000\u0001binary']),
          name,
        );
        if (a.body.kind === 'value' && typeof a.body.value === 'string') form.append('materialId', a.body.value.slice(0, 300));
        const encoded = new Request('http://multipart.invalid/', { method: 'POST', body: form });
        headers['content-type'] = encoded.headers.get('content-type')!;
        body = Buffer.from(await encoded.arrayBuffer());
      } else if (method !== 'GET' && method !== 'DELETE') {
        const schema = content['application/json']?.schema;
        const base = content['application/json']?.example ?? plausible(schema);
        headers['content-type'] = 'application/json';
        if (a.body.kind === 'raw') body = a.body.text;
        else if (a.body.kind === 'value') body = JSON.stringify(a.body.value) ?? 'null';
        else if (a.body.kind === 'field') {
          const paths = fieldPaths(base);
          body =
            JSON.stringify(
              paths.length ? mutate(base, paths[a.body.pathIndex % paths.length], a.body.value, a.body.remove) : a.body.value,
            ) ?? 'null';
        } else body = JSON.stringify(base) ?? 'null';
      } else if (a.body.kind === 'raw') {
        // A body on a GET must not matter either (the deep JSON of the report reached a GET).
        headers['content-type'] = 'application/json';
        body = a.body.text;
      }

      const described = `${method} ${target}${qs ? `?${qs.slice(0, 200)}` : ''} as ${principal.label} on ${city} (${a.body.kind})`;
      sent++;
      let res: { status: number; type: string; text: string };
      try {
        res = await send(
          `${url(city)}${target}${qs ? `?${qs}` : ''}`,
          method,
          headers,
          typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
        );
      } catch (err) {
        findings.push({ what: 'connection failed', request: described, status: 0, body: String(err) });
        return;
      }
      const text = res.text;
      if (res.status >= 500) findings.push({ what: '5xx', request: described, status: res.status, body: text.slice(0, 400) });
      if (res.status >= 400) {
        const type = res.type;
        let code: unknown;
        try {
          code = (JSON.parse(text) as { code?: unknown }).code;
        } catch {
          code = undefined;
        }
        if (!type.startsWith('application/problem+json') || typeof code !== 'string' || !problemCode.test(code)) {
          findings.push({
            what: 'error without problem+json code',
            request: described,
            status: res.status,
            body: `${type} ${text.slice(0, 300)}`,
          });
        }
      }
      // What the client itself sent may come back (e.g. the path in `instance`); anything else may not.
      const sentText = `${decodeURIComponentSafe(target)} ${decodeURIComponentSafe(qs)} ${typeof body === 'string' ? body : ''}`;
      for (const id of `${decodeURIComponentSafe(target)} ${decodeURIComponentSafe(qs)}`.match(idPattern) ?? []) idsSentInUrls.add(id);
      for (const id of text.match(idPattern) ?? []) {
        if (isValidResidentId(id) && id !== principal.ownId && !sentText.includes(id))
          findings.push({
            what: `ID number ${id} of someone else in the response`,
            request: described,
            status: res.status,
            body: text.slice(0, 300),
          });
      }
    };

    for (const [n, { path, method, op }] of operations.entries()) {
      const params = op.parameters ?? [];
      const arb = attemptArb(
        params.filter((p) => p.in === 'path'),
        params.filter((p) => p.in === 'query'),
        params.filter((p) => p.in === 'header'),
        principals.length,
      );
      const attempts = fc.sample(arb, { seed: SEED + n, numRuns: RUNS_PER_OPERATION });
      for (let i = 0; i < attempts.length; i += CONCURRENCY) {
        await Promise.all(attempts.slice(i, i + CONCURRENCY).map((a, j) => runOne(method, path, op, a, n * 1000 + i + j)));
      }
    }

    for (const city of [GZ, FS]) {
      const ready = await fetch(`${url(city)}/health/ready`);
      expect(ready.status).toBe(200);
    }

    // Log lines: no citizen ID number at all, apart from one a client itself put in a URL (logged as the request line).
    for (const line of logLines) {
      for (const id of line.match(idPattern) ?? []) {
        if (isValidResidentId(id) && !idsSentInUrls.has(id))
          findings.push({ what: `ID number ${id} in a log line`, request: '-', status: 0, body: line.slice(0, 300) });
      }
    }

    // Enough requests to mean something (no timing asserted: the machine is shared).
    expect(sent).toBeGreaterThan(2_000);
    expect(logLines.length).toBeGreaterThan(1_000); // the nodes' log lines really were captured
    const summary = [...new Set(findings.map((f) => `${f.what}: ${f.request.replace(/ as .*/, '')}`))];
    expect({ count: findings.length, summary: summary.slice(0, 40), first: findings.slice(0, 10) }).toEqual({
      count: 0,
      summary: [],
      first: [],
    });
  }, 240_000);
});
