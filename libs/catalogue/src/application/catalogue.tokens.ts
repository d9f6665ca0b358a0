/** The loaded CatalogueSet (every version under the seed directory). */
export const CATALOGUE_SET = Symbol('guangfo:catalogue-set');
/** The WorkingDayCalendar used for deadlines. */
export const WORKING_DAY_CALENDAR = Symbol('guangfo:working-day-calendar');
