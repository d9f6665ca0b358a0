import type { NextFunction, Request, Response } from 'express';
import { PLATFORM_CODE_FOR_STATUS, PLATFORM_ERRORS, type PlatformErrorCode } from '../errors/platform-errors.js';
import { PROBLEM_CONTENT_TYPE, problemTypeUri } from '../errors/problem.js';

type Json = Record<string, unknown>;
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Json> };
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Json;
  example?: unknown;
}
interface Operation {
  parameters?: Parameter[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: Json; example?: unknown }> };
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: Json; example?: unknown }>; headers?: Record<string, Json> }
  >;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const UNLIMITED = new Set(['/health/live', '/health/ready', '/metrics']);

/** RFC 9457 problem details as this API renders them (see errors/problem.ts). */
export const PROBLEM_SCHEMA: Json = {
  type: 'object',
  required: ['type', 'title', 'status', 'code', 'titleZh', 'titleEn'],
  properties: {
    type: { type: 'string', format: 'uri', example: problemTypeUri('VALIDATION_FAILED') },
    title: { type: 'string', example: '请求参数校验未通过 / Request validation failed' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string', example: 'One or more fields are invalid.' },
    instance: { type: 'string', example: '/api/v1/cases' },
    code: {
      type: 'string',
      pattern: '^[A-Z][A-Z0-9_]+$',
      example: 'VALIDATION_FAILED',
      description: 'Stable machine-readable code; the error responses of each operation name theirs',
    },
    titleZh: { type: 'string', example: '请求参数校验未通过' },
    titleEn: { type: 'string', example: 'Request validation failed' },
    errors: {
      type: 'array',
      description: 'Field errors (VALIDATION_FAILED)',
      items: {
        type: 'object',
        required: ['field', 'rule', 'message'],
        properties: {
          field: { type: 'string', example: 'applicant.name' },
          rule: { type: 'string', example: 'isString' },
          message: { type: 'string', example: 'name must be a string' },
        },
      },
    },
    correlationId: { type: 'string', example: '01JDZ6W3Q4M5N6P7R8S9T0V1W2' },
    retryAfterSeconds: { type: 'integer', example: 30, description: 'TOO_MANY_REQUESTS: also in the Retry-After header' },
  },
};

/** The code an error response without named codes is shown with (a 502 from this API is a peer city's). */
const FALLBACK_CODE: Partial<Record<number, PlatformErrorCode>> = { ...PLATFORM_CODE_FOR_STATUS, 502: 'PEER_UNAVAILABLE' };

const problemExample = (status: number, code: string, path: string): Json => {
  const platform = PLATFORM_ERRORS.has(code) ? PLATFORM_ERRORS.describe(code) : undefined;
  const titles = platform ?? { titleZh: code, titleEn: code };
  return {
    type: problemTypeUri(code),
    title: `${titles.titleZh} / ${titles.titleEn}`,
    status,
    code,
    titleZh: titles.titleZh,
    titleEn: titles.titleEn,
    instance: path,
  };
};

const STANDARD: Record<string, { description: string; when: (op: Operation, path: string) => boolean }> = {
  400: {
    description: 'Invalid input (VALIDATION_FAILED with field errors, MALFORMED_JSON, BODY_TOO_DEEP)',
    when: (op) => Boolean(op.requestBody || op.parameters?.length),
  },
  401: { description: 'No valid credentials (UNAUTHENTICATED)', when: (op) => Boolean(op.security?.length) },
  403: {
    description: 'Role, city or scope not allowed (FORBIDDEN_ROLE, FORBIDDEN_CITY, FORBIDDEN_SCOPE)',
    when: (op) => Boolean(op.security?.length),
  },
  413: { description: 'Body too large (PAYLOAD_TOO_LARGE)', when: (op) => Boolean(op.requestBody) },
  429: { description: 'Rate limit met (TOO_MANY_REQUESTS); wait Retry-After seconds', when: (_op, path) => !UNLIMITED.has(path) },
};

/** A media-type example built from the schema's property examples. */
const exampleOf = (doc: Doc, schema: Json | undefined, depth = 0): unknown => {
  if (!schema || depth > 8) return undefined;
  const ref = schema.$ref as string | undefined;
  if (ref) return exampleOf(doc, doc.components?.schemas?.[ref.split('/').pop()!], depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (Array.isArray(schema.allOf) && schema.allOf.length) return exampleOf(doc, schema.allOf[0] as Json, depth + 1);
  if (schema.type === 'array') {
    const item = exampleOf(doc, schema.items as Json | undefined, depth + 1);
    return item === undefined ? [] : [item];
  }
  if (schema.type === 'object' || schema.properties) {
    const props = Object.entries((schema.properties ?? {}) as Record<string, Json>)
      .map(([k, v]) => [k, exampleOf(doc, v, depth + 1)] as const)
      .filter(([, v]) => v !== undefined);
    return Object.fromEntries(props);
  }
  return undefined;
};

const itemPathOf = (doc: Doc, path: string): string | undefined =>
  Object.keys(doc.paths).find((p) => p.startsWith(`${path}/{`) && /^\{[^/]+\}$/.test(p.slice(path.length + 1)) && doc.paths[p].get);

/**
 * Makes the generated document say what the API does, in one place for every domain: errors as
 * problem+json with their codes, each header once, the standard errors (400/401/403/413/429),
 * Location on a 201 that creates an addressable resource, and examples on bodies and responses.
 */
export const finishOpenApiDocument = <T>(input: T): T => {
  const doc = input as unknown as Doc;
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas.Problem = PROBLEM_SCHEMA;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      // Each parameter once (Nest adds one per decorator; header names are case-insensitive).
      if (op.parameters) {
        const seen = new Map<string, Parameter>();
        for (const p of op.parameters) {
          const key = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
          const prior = seen.get(key);
          if (!prior) seen.set(key, p);
          else
            seen.set(key, {
              ...prior,
              ...p,
              ...(prior.description ? { description: prior.description } : {}),
              required: Boolean(prior.required && p.required) || p.in === 'path',
            });
        }
        op.parameters = [...seen.values()];
      }
      op.responses ??= {};
      for (const [status, def] of Object.entries(STANDARD)) {
        if (!op.responses[status] && def.when(op, path)) op.responses[status] = { description: def.description };
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const code = Number(status);
        if (code >= 400) {
          const named = [...new Set((response.description ?? '').match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [])];
          const codes = named.length ? named : [FALLBACK_CODE[code] ?? 'INTERNAL'];
          response.content = {
            [PROBLEM_CONTENT_TYPE]: {
              schema: { $ref: '#/components/schemas/Problem' },
              examples: Object.fromEntries(codes.map((c) => [c, { value: problemExample(code, c, path) }])),
            } as Json,
          };
          if (code === 429)
            response.headers = { 'Retry-After': { description: 'Seconds until the window reopens', schema: { type: 'integer' } } };
        } else {
          for (const media of Object.values(response.content ?? {})) {
            if (media.example === undefined) {
              const ex = exampleOf(doc, media.schema);
              if (ex !== undefined) media.example = ex;
            }
          }
        }
        if (code === 201 && method === 'post' && itemPathOf(doc, path)) {
          response.headers = {
            ...(response.headers ?? {}),
            Location: { description: 'URL of the created resource', schema: { type: 'string', example: `${itemPathOf(doc, path)}` } },
          };
        }
      }
      for (const media of Object.values(op.requestBody?.content ?? {})) {
        if (media.example === undefined) {
          const ex = exampleOf(doc, media.schema);
          if (ex !== undefined) media.example = ex;
        }
      }
    }
  }
  return input;
};

/**
 * Sets Location on a 201 whose body has an `id`, when the document has the matching
 * `GET <path>/{id}` (the same rule that documents Location).
 */
export const locationMiddleware = (input: unknown) => {
  const doc = input as Doc;
  const routes = Object.keys(doc.paths)
    .filter((p) => doc.paths[p].post && itemPathOf(doc, p))
    .map((p) => new RegExp(`^${p.replace(/\{[^/]+\}/g, '[^/]+')}$`));
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'POST' && routes.some((r) => r.test(req.path))) {
      const json = res.json.bind(res);
      res.json = (body?: unknown) => {
        const id = (body as { id?: unknown } | null)?.id;
        if (res.statusCode === 201 && typeof id === 'string' && !res.headersSent)
          res.setHeader('Location', `${req.path}/${encodeURIComponent(id)}`);
        return json(body);
      };
    }
    next();
  };
};
