/**
 * `Prefer: return=minimal` (RFC 7240 §4.2): the client needs no representation of the result, only
 * its status and headers. Preferences are comma-separated tokens, case-insensitive, with optional
 * parameters after `;`. An unknown or malformed preference is ignored (RFC 7240 §2).
 */
export const prefersMinimal = (header: string | undefined): boolean =>
  header !== undefined &&
  header.split(',').some((pref) => {
    const [token] = pref.split(';');
    return (
      token!
        .trim()
        .toLowerCase()
        .replace(/\s*=\s*/, '=') === 'return=minimal'
    );
  });

/** The response header that says a preference was applied. */
export const PREFERENCE_APPLIED = 'Preference-Applied';
