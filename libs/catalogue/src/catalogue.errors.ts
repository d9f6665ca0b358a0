import { DomainError, type ErrorDescriptor, type FieldError } from '@guangfo/platform';

/** Stable error codes of the catalogue, mapped to HTTP in one exhaustive switch. */
export const CATALOGUE_ERROR_CODES = [
  'CATALOGUE_ITEM_NOT_FOUND',
  'CATALOGUE_VERSION_NOT_FOUND',
  'CATALOGUE_INVALID_QUERY',
  'CATALOGUE_INVALID_CURSOR',
  'CATALOGUE_NO_LEGAL_LIMIT',
  'CATALOGUE_CALENDAR_NOT_COVERED',
  'CATALOGUE_CALENDAR_INVALID',
] as const;
export type CatalogueErrorCode = (typeof CATALOGUE_ERROR_CODES)[number];

export const describeCatalogueError = (code: CatalogueErrorCode): ErrorDescriptor => {
  switch (code) {
    case 'CATALOGUE_ITEM_NOT_FOUND': return { status: 404, titleZh: '事项不存在', titleEn: 'No such catalogue item' };
    case 'CATALOGUE_VERSION_NOT_FOUND': return { status: 404, titleZh: '目录版本不存在', titleEn: 'No such catalogue version' };
    case 'CATALOGUE_INVALID_QUERY': return { status: 400, titleZh: '查询参数无效', titleEn: 'Invalid catalogue query' };
    case 'CATALOGUE_INVALID_CURSOR': return { status: 400, titleZh: '分页游标无效', titleEn: 'Invalid cursor' };
    case 'CATALOGUE_NO_LEGAL_LIMIT': return { status: 400, titleZh: '该事项无法定时限', titleEn: 'Item has no statutory time limit' };
    case 'CATALOGUE_CALENDAR_NOT_COVERED': return { status: 422, titleZh: '工作日历未覆盖该年份', titleEn: 'The official calendar does not cover that year' };
    case 'CATALOGUE_CALENDAR_INVALID': return { status: 400, titleZh: '节假日安排数据无效', titleEn: 'Invalid holiday arrangement' };
  }
};

/** A catalogue error: a DomainError, rendered by the platform as problem+json with its code. */
export class CatalogueError extends DomainError {
  constructor(code: CatalogueErrorCode, message: string, fieldErrors?: FieldError[]) {
    super(code, describeCatalogueError(code), message, fieldErrors);
    this.name = 'CatalogueError';
  }

  get status(): number {
    return this.descriptor.status;
  }

  /** Kept for callers that convert explicitly; a CatalogueError is already an HTTP-mappable error. */
  toHttp(): DomainError {
    return this;
  }
}

/** The error for a catalogue error code. */
export function catalogueHttpError(code: CatalogueErrorCode, message: string, fieldErrors?: FieldError[]): CatalogueError {
  return new CatalogueError(code, message, fieldErrors);
}

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
    super(`Invalid catalogue seed data (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  - ${formatSeedIssue(i)}`).join('\n')}`);
    this.name = 'CatalogueSeedError';
  }
}
