/**
 * What a case operation returns: the case view, its version (the ETag) and how the operation ended.
 * Plain data: `http/case-result.interceptor.ts` maps the outcome to a status code.
 */
export type CaseOutcome = 'created' | 'replayed' | 'done' | 'accepted';

export class CaseResult<T> {
  constructor(
    readonly outcome: CaseOutcome,
    readonly view: T,
    readonly version?: number,
  ) {}
}

/** Parses an expected version (If-Match: `"7"`, `W/"7"` or `7`). Undefined when absent; NaN when unparseable. */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
};
