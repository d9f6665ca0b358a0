import { Body, Controller, HttpCode, Param, ParseIntPipe, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CalendarYearLoaded } from '@guangfo/catalogue';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { CalendarAdminService } from '../application/calendar-admin.service.js';
import type { DeadlineRecomputeResult } from '../application/deadline-recompute.service.js';
import { CalendarYearLoadedDto } from './dto/case-view.dto.js';

/**
 * Loading a State Council holiday notice (operator action): the body is the year file (same schema
 * as `seeds/calendar/<year>.yaml`). The calendar counts on it at once; the due dates of open cases
 * this city holds and of open remediations are recounted before the answer. Save the same file
 * under CALENDAR_DIR so a restart keeps it, and load it on every city's node.
 */
@ApiTags('cases')
@Controller('calendar')
export class CalendarAdminController {
  constructor(private readonly calendarAdmin: CalendarAdminService) {}

  @Put('years/:year')
  @HttpCode(200)
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: 'Load the State Council holiday notice of a year',
    description:
      'Replaces the provisional (or previous) arrangement of the year. Each open case whose due date moves gets a deadline-recomputed timeline entry (sent to the other city); open remediations are recounted.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['year', 'notice', 'festivals'],
      example: {
        year: 2027,
        notice: { title: '国务院办公厅关于2027年部分节假日安排的通知', date: '2026-11-01' },
        festivals: [{ name: '元旦', holidays: ['2027-01-01'], workdays: [] }],
      },
    },
  })
  @ApiOkResponse({ type: CalendarYearLoadedDto })
  @ApiBadRequestResponse({ description: 'Invalid arrangement (problem+json, code CATALOGUE_CALENDAR_INVALID, with field errors)' })
  load(
    @CurrentPrincipal() p: Principal,
    @Param('year', new ParseIntPipe()) year: number,
    @Body() body: unknown,
  ): Promise<CalendarYearLoaded & { recomputed: DeadlineRecomputeResult }> {
    return this.calendarAdmin.loadYear(p, year, body);
  }
}
