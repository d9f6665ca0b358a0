import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@guangfo/platform';
import { WORKING_DAY_CALENDAR } from './catalogue.tokens.js';
import { CalendarDto } from './dto/calendar.dto.js';
import type { HolidayNotice, WorkingDayCalendar } from './working-day.calendar.js';

export interface CalendarView {
  /** Version and hash of the official years (announced to the other cities). */
  identity: { version: string; hash: string };
  official: { year: number; notice: HolidayNotice | null; holidays: number; workdays: number }[];
  /** Years without a notice are counted on the statutory holidays of the 放假办法 and marked provisional. */
  provisional: 'statutory-holidays';
}

/** What the working-day calendar holds (loading a year is the affairs domain's admin action, PUT /calendar/years/:year). */
@ApiTags('catalogue')
@Controller('calendar')
export class CalendarController {
  constructor(@Inject(WORKING_DAY_CALENDAR) private readonly calendar: WorkingDayCalendar) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The working-day calendar: official years (with their notices) and its identity' })
  @ApiOkResponse({ type: CalendarDto })
  view(): CalendarView {
    return {
      identity: this.calendar.identity(),
      official: this.calendar.coveredYears().map((year) => {
        const y = this.calendar.officialYear(year)!;
        return { year, notice: y.notice ?? null, holidays: y.holidays.length, workdays: y.workdays.length };
      }),
      provisional: 'statutory-holidays',
    };
  }
}
