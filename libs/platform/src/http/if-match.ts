import type { Response } from 'express';
import { platformError } from '../errors/platform-errors.js';

/**
 * Parses an expected version (If-Match: `"7"`, `W/"7"` or `7`). Undefined when absent; NaN when unparseable.
 * Endpoints answer 428 PRECONDITION_REQUIRED without it and 412 PRECONDITION_FAILED when it is not the current version.
 */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
};

/**
 * The one If-Match rule of a step on a versioned resource: If-Match carries the version the caller
 * acted on (the ETag of the GET): 428 PRECONDITION_REQUIRED without it, 412 PRECONDITION_FAILED
 * (with `currentVersion`) when it is not the current version or cannot be read.
 */
export function requireVersion(current: number, ifMatch: string | undefined, what: string): void {
  const v = parseIfMatch(ifMatch);
  if (v === undefined)
    throw platformError('PRECONDITION_REQUIRED', {
      detail: `send If-Match: "${current}" (the ${what} version you acted on; GET returns it as ETag)`,
    });
  if (v !== current)
    throw platformError('PRECONDITION_FAILED', {
      detail: `the ${what} is at version ${current}, not ${ifMatch}: reload it and act again`,
      extra: { currentVersion: current },
    });
}

/**
 * Answers a view of a versioned resource: `ETag: "<version>"`, the value If-Match must carry on its
 * next step. The version need not cover everything the view shows (notes, claims, ratings, marks
 * that depend on the clock), so such a view is never answered 304: If-None-Match is ignored, and
 * the view, which holds personal data, is `Cache-Control: private, no-store`.
 *
 * The version must never be newer than the rows the view shows, or a step sent with it would act on
 * data its caller never saw. A view reads them in one snapshot (a REPEATABLE READ transaction, as the
 * medical clearing statement), inside the step's transaction that holds the resource's row lock, or
 * the version first and the rows after (READ COMMITTED: a row newer than the version costs a 412).
 */
export const answerWithVersion = (res: Response, version: number): void => {
  res.setHeader('ETag', `"${version}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  // Express answers 304 to a matching If-None-Match when it sends the body.
  delete res.req.headers['if-none-match'];
  delete res.req.headers['if-modified-since'];
};
