import { defineErrors, type ErrorCodeOf } from '@guangfo/platform';

/** Stable error codes of the catalogue: status and titles, declared once. */
export const CATALOGUE_ERRORS = defineErrors({
  CATALOGUE_ITEM_NOT_FOUND: { status: 404, zh: '事项不存在', en: 'No such catalogue item' },
  CATALOGUE_VERSION_NOT_FOUND: { status: 404, zh: '目录版本不存在', en: 'No such catalogue version' },
  CATALOGUE_INVALID_QUERY: { status: 400, zh: '查询参数无效', en: 'Invalid catalogue query' },
  CATALOGUE_INVALID_CURSOR: { status: 400, zh: '分页游标无效', en: 'Invalid cursor' },
  CATALOGUE_NO_LEGAL_LIMIT: { status: 400, zh: '该事项无法定时限', en: 'Item has no statutory time limit' },
  CATALOGUE_CALENDAR_NOT_COVERED: { status: 422, zh: '工作日历未覆盖该年份', en: 'The official calendar does not cover that year' },
  CATALOGUE_CALENDAR_INVALID: { status: 400, zh: '节假日安排数据无效', en: 'Invalid holiday arrangement' },
});
export type CatalogueErrorCode = ErrorCodeOf<typeof CATALOGUE_ERRORS>;
/** `catalogueError('CATALOGUE_ITEM_NOT_FOUND', { detail, fieldErrors })`. */
export const catalogueError = CATALOGUE_ERRORS.error;

/** One problem found in the seed data, located by file, item and field. */
export interface SeedIssue {
  file: string;
  /** Item code (or `items[3]` when the code itself is missing), commitment id or credential code. */
  item?: string;
  /** Field path inside the item, e.g. `routes[1].modes[0]`. */
  field?: string;
  message: string;
}

export function formatSeedIssue(issue: SeedIssue): string {
  const where = [issue.file, issue.item && `item ${issue.item}`, issue.field && `field ${issue.field}`].filter(Boolean).join(': ');
  return `${where}: ${issue.message}`;
}

/** Thrown at load time: the seed data is invalid. Start-up must stop. */
export class CatalogueSeedError extends Error {
  constructor(readonly issues: readonly SeedIssue[]) {
    super(
      `Invalid catalogue seed data (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  - ${formatSeedIssue(i)}`).join('\n')}`,
    );
    this.name = 'CatalogueSeedError';
  }
}
