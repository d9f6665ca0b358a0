import { Inject, Injectable } from '@nestjs/common';
import type { WorkingDayCalendar } from '@guangfo/catalogue';
import { Clock, toShanghaiDate } from '@guangfo/kernel';
import { AFFAIRS_CALENDAR } from './affairs.tokens.js';
import type { CaseEntryKind } from './case.types.js';
import type { CaseAggregate } from '../domain/case.aggregate.js';
import { type CaseDeadline, computeCaseDeadline, SUPPLEMENT_NOTICE_WORKING_DAYS } from '../domain/case-deadline.js';

export const NEAR_DUE_WORKING_DAYS = 3;

/** Deadlines of cases on the official calendar, "now" from the injectable clock. */
@Injectable()
export class CaseDeadlines {
  constructor(
    @Inject(AFFAIRS_CALENDAR) readonly calendar: WorkingDayCalendar,
    readonly clock: Clock,
  ) {}

  of(c: CaseAggregate, points: readonly { kind: CaseEntryKind; at: string }[], now: Date | string = this.clock.now()): CaseDeadline {
    return computeCaseDeadline(
      this.calendar,
      { timeLimits: c.filing.timeLimits, mode: c.filing.mode, timeline: points, state: c.state, now },
      { nearDueDays: NEAR_DUE_WORKING_DAYS },
    );
  }

  today(): string {
    return toShanghaiDate(this.clock.now());
  }

  /** 行政许可法 art. 32(4): the last day a 补正 notice may go out for a case received at `receivedAt`. */
  supplementNoticeDueOn(receivedAt: Date | string): string | undefined {
    try {
      return this.calendar.addWorkingDays(toShanghaiDate(receivedAt), SUPPLEMENT_NOTICE_WORKING_DAYS);
    } catch {
      return undefined;
    }
  }

  /** The n-th working day after today, or null past the calendar's coverage. */
  workingDaysFromToday(n: number): string | null {
    try {
      return this.calendar.addWorkingDays(this.today(), n);
    } catch {
      return null;
    }
  }
}
