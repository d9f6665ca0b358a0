import { Inject, Injectable } from '@nestjs/common';
import { type CalendarYearLoaded, catalogueError, officialYearOf, parseCalendarYear, type WorkingDayCalendar } from '@guangfo/catalogue';
import { actorOf, AuditService, type Principal } from '@guangfo/platform';
import { AFFAIRS_CALENDAR } from './affairs.tokens.js';
import { type DeadlineRecomputeResult, DeadlineRecomputeService } from './deadline-recompute.service.js';

/**
 * Loading a State Council holiday notice (operator action): the year file is checked against the
 * calendar schema and the path's year, the calendar counts on it at once (audited), and the due
 * dates of open cases and remediations are recounted before the answer.
 */
@Injectable()
export class CalendarAdminService {
  constructor(
    @Inject(AFFAIRS_CALENDAR) private readonly calendar: WorkingDayCalendar,
    private readonly recompute: DeadlineRecomputeService,
    private readonly audit: AuditService,
  ) {}

  async loadYear(p: Principal, year: number, body: unknown): Promise<CalendarYearLoaded & { recomputed: DeadlineRecomputeResult }> {
    const { value, issues } = parseCalendarYear(body, 'body');
    if (!value) {
      const fields = issues.map((i) => ({ field: i.field ?? '(body)', rule: 'calendarYear', message: i.message }));
      throw catalogueError('CATALOGUE_CALENDAR_INVALID', {
        detail: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
        fieldErrors: fields,
      });
    }
    if (value.year !== year)
      throw catalogueError('CATALOGUE_CALENDAR_INVALID', {
        detail: `the body is for ${value.year}, the path for ${year}`,
        fieldErrors: [{ field: 'year', rule: 'matchesPath', message: `must be ${year}` }],
      });
    const change = this.calendar.load(year, officialYearOf(value));
    await this.audit.record({
      actor: actorOf(p),
      action: 'calendar.year-loaded',
      resource: `calendar:${year}`,
      outcome: 'success',
      detail: { previous: change.previous, version: change.identity.version, hash: change.identity.hash, notice: value.notice.title },
    });
    const recomputed = await this.recompute.recompute(
      `${value.notice.title} loaded (${year} was ${change.previous ?? 'not counted'}; calendar ${change.identity.version}): due dates recounted`,
    );
    return { ...change, recomputed };
  }
}
