import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@guangfo/platform';
import { WORKING_DAY_CALENDAR } from '../application/catalogue.tokens.js';
import { CalendarDto } from './dto/calendar.dto.js';
import { type CalendarView, calendarView } from '../application/catalogue.views.js';
import type { WorkingDayCalendar } from '../domain/working-day.calendar.js';

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
    return calendarView(this.calendar);
  }
}
