import { platformError } from '@guangfo/platform';

/**
 * Parses an expected version (If-Match: `"7"`, `W/"7"` or `7`): undefined when absent, NaN when
 * unparseable. The same reading as the affairs domain's `parseIfMatch` (libs/affairs), kept here
 * so social insurance does not depend on another domain.
 */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
};

/**
 * If-Match carries the version the clerk acted on (the ETag of the GET): 428 PRECONDITION_REQUIRED
 * without it, 412 PRECONDITION_FAILED when it is not the current version — as affairs does.
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
