import type { Commitment, CredentialType } from '../domain/catalogue.schema.js';
import type { CatalogueItem, Channel, Domain, HandlingMode, ItemKind, Material } from '../domain/item.schema.js';
import type { LocalizedName } from '../domain/common.schema.js';
import type { HolidayNotice, WorkingDayCalendar } from '../domain/working-day.calendar.js';

/** Where in the plan an item comes from. */
export interface PlanReference {
  commitment: string;
  /** e.g. 第八章 第二节 */
  location: string;
  sectionTitle: string;
  topic: string;
  quote: string;
}

export type ItemView = CatalogueItem & { plan: PlanReference[] };

export interface ItemPage {
  version: string;
  items: ItemView[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export type MaterialView = Omit<Material, 'replaceableBy'> & { replaceableBy: CredentialType[] };

export interface ItemMaterials {
  version: string;
  itemCode: string;
  materials: MaterialView[];
}

export interface RouteView {
  itemCode: string;
  itemName: LocalizedName;
  kind: ItemKind;
  domain: Domain;
  from: string;
  to: string;
  receivedBy: string;
  administeredBy: string;
  modes: HandlingMode[];
  channels: Channel[];
  /** Implementation codes of the receiving and the administering city. */
  receivingImplementation: string;
  administeringImplementation: string;
}

export interface RouteList {
  version: string;
  routes: RouteView[];
}

export type DeadlineBasis = 'legal' | 'committed';

export interface DeadlineView {
  version: string;
  itemCode: string;
  basis: DeadlineBasis;
  workingDays: number;
  /** Start date (Asia/Shanghai); not itself counted. */
  start: string;
  /** Last day of the limit (Asia/Shanghai). */
  deadline: string;
  /** Working days skipped because the clock was paused. */
  pausedWorkingDays: number;
  timeZone: string;
  /** True when the count crosses a year without a State Council notice (counted on the statutory holidays only). */
  provisional: boolean;
  /** The years counted provisionally. */
  provisionalYears: number[];
}

export interface VersionView {
  version: string;
  hash: string;
  effectiveFrom: string;
}

export type CommitmentView = Commitment & { location: string; items: string[] };

/** What the working-day calendar holds (GET /calendar). */
export interface CalendarView {
  /** Version and hash of the official years (announced to the other cities). */
  identity: { version: string; hash: string };
  official: { year: number; notice: HolidayNotice | null; holidays: number; workdays: number }[];
  /** Years without a notice are counted on the statutory holidays of the 放假办法 and marked provisional. */
  provisional: 'statutory-holidays';
}

export const calendarView = (calendar: WorkingDayCalendar): CalendarView => ({
  identity: calendar.identity(),
  official: calendar.coveredYears().map((year) => {
    const y = calendar.officialYear(year)!;
    return { year, notice: y.notice ?? null, holidays: y.holidays.length, workdays: y.workdays.length };
  }),
  provisional: 'statutory-holidays',
});
