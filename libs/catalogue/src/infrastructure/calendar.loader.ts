import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { CatalogueSeedError, type SeedIssue } from '../catalogue.errors.js';
import { formatPath } from './catalogue.loader.js';
import { calendarYearSchema, type CalendarYearFile } from '../domain/calendar.schema.js';
import { provisionalArrangement } from '../domain/holiday-rules.js';
import { type OfficialYear, WorkingDayCalendar } from '../domain/working-day.calendar.js';

/** The calendar directory used when none is configured: `<cwd>/seeds/calendar`. */
export function defaultCalendarDir(): string {
  return resolve(process.cwd(), 'seeds', 'calendar');
}

/** The arrangement of one validated year file. */
export function officialYearOf(file: CalendarYearFile): OfficialYear {
  return {
    holidays: file.festivals.flatMap((f) => f.holidays).sort(),
    workdays: file.festivals.flatMap((f) => f.workdays).sort(),
    notice: { title: file.notice.title, ...(file.notice.number ? { number: file.notice.number } : {}), date: file.notice.date },
  };
}

/** Validates one year (a parsed file or an admin request body); issues name the field. */
export function parseCalendarYear(raw: unknown, source: string): { value?: CalendarYearFile; issues: SeedIssue[] } {
  const result = calendarYearSchema.safeParse(raw);
  if (result.success) return { value: result.data, issues: [] };
  return { issues: result.error.issues.map((i) => ({ file: source, field: formatPath(i.path) || undefined, message: i.message })) };
}

/**
 * Loads every `<year>.yaml` under `dir` (validated; the file name must be its year) into a
 * WorkingDayCalendar whose other years are provisional (holiday-rules.ts). Throws
 * CatalogueSeedError listing every problem.
 */
export function loadCalendar(dir: string = defaultCalendarDir()): WorkingDayCalendar {
  const issues: SeedIssue[] = [];
  const years: Record<number, OfficialYear> = {};
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  if (!existsSync(dir)) issues.push({ file: display(dir), message: 'calendar directory not found' });
  for (const name of files) {
    const file = join(dir, name);
    const raw = readYaml(file, issues);
    if (raw === undefined) continue;
    const { value, issues: found } = parseCalendarYear(raw, display(file));
    issues.push(...found);
    if (!value) continue;
    if (name.replace(/\.ya?ml$/, '') !== String(value.year)) {
      issues.push({ file: display(file), field: 'year', message: `is ${value.year} but the file is ${name}` });
      continue;
    }
    years[value.year] = officialYearOf(value);
  }
  if (issues.length > 0) throw new CatalogueSeedError(issues);
  return new WorkingDayCalendar(years, { provisional: provisionalArrangement });
}

function readYaml(file: string, issues: SeedIssue[]): unknown {
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length === 0) return doc.toJS();
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    issues.push({
      file: display(file),
      message: `YAML error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${e.message.split('\n')[0]}`,
    });
  }
  return undefined;
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * The official calendar from the seed files in `seeds/calendar` (one YAML file per year), with years
 * without a notice provisional. `extra` adds or replaces years.
 */
export const loadOfficialCalendar = (extra: Readonly<Record<number, OfficialYear>> = {}): WorkingDayCalendar => {
  const calendar = loadCalendar();
  for (const [year, arrangement] of Object.entries(extra)) calendar.load(Number(year), arrangement);
  return calendar;
};
