/** The WorkingDayCalendar the affairs domain counts deadlines on (pass the catalogue's own). */
export const AFFAIRS_CALENDAR = Symbol('guangfo:affairs-calendar');
/** AffairsModuleOptions as resolved. */
export const AFFAIRS_OPTIONS = Symbol('guangfo:affairs-options');
