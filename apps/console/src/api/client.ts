import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** The signed-in session: the access token lives in memory only (never localStorage or sessionStorage). */
let accessToken: string | undefined;
export const setAccessToken = (t: string | undefined): void => {
  accessToken = t;
};

const auth: Middleware = {
  onRequest({ request }) {
    if (accessToken) request.headers.set('authorization', `Bearer ${accessToken}`);
    return request;
  },
};

/** The typed client of the same-origin public API (/api/v1), generated from the OpenAPI document. */
export const api = createClient<paths>({
  baseUrl: '',
  // Never from the HTTP cache: a case's ETag is its version, and a rating (outside the timeline) changes the case without
  // changing the version, so a revalidated GET would answer 304 with the old body.
  fetch: (req: Request) => fetch(new Request(req, { cache: 'no-store' })),
});
api.use(auth);

/** An RFC 9457 problem as the API sends it, with the project's bilingual titles and field errors. */
export interface Problem {
  status: number;
  code?: string;
  title?: string;
  titleZh?: string;
  titleEn?: string;
  detail?: string;
  errors?: { field?: string; path?: string; message?: string; code?: string }[];
  [k: string]: unknown;
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code ?? `HTTP ${problem.status}`);
  }
  /** The field errors keyed by field path (e.g. `applicant.idNumber`). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const f = e.field ?? e.path;
      if (f) out[f] = e.message ?? e.code ?? '';
    }
    return out;
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiProblem. */
export const ok = async <T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> => {
  const { data, error, response } = await p;
  if (!response.ok) {
    const body = (error && typeof error === 'object' ? error : {}) as Problem;
    throw new ApiProblem({ ...body, status: response.status });
  }
  return data as T;
};
