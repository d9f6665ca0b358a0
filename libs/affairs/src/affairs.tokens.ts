/** The WorkingDayCalendar the affairs domain counts deadlines on (pass the catalogue's own). */
export const AFFAIRS_CALENDAR = Symbol('guangfo:affairs-calendar');
/** The PiiCipher that encrypts applicants' ID numbers at rest. */
export const AFFAIRS_PII_CIPHER = Symbol('guangfo:affairs-pii-cipher');
/** AffairsModuleOptions as resolved. */
export const AFFAIRS_OPTIONS = Symbol('guangfo:affairs-options');
