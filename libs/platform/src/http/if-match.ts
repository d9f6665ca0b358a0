/**
 * Parses an expected version (If-Match: `"7"`, `W/"7"` or `7`). Undefined when absent; NaN when unparseable.
 * Endpoints answer 428 PRECONDITION_REQUIRED without it and 412 PRECONDITION_FAILED when it is not the current version.
 */
export const parseIfMatch = (header: string | undefined): number | undefined => {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m ? Number(m[1]) : Number.NaN;
};
