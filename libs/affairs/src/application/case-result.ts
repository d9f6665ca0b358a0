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

/** The platform's If-Match parser (re-exported here for the affairs barrel's users). */
export { parseIfMatch } from '@guangfo/platform';
