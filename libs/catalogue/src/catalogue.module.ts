import { Module, type DynamicModule } from '@nestjs/common';
import { CalendarController } from './http/calendar.controller.js';
import { CatalogueController } from './http/catalogue.controller.js';
import { defaultSeedDir, loadCatalogueSet } from './infrastructure/catalogue.loader.js';
import { CatalogueService } from './application/catalogue.service.js';
import { CATALOGUE_SET, WORKING_DAY_CALENDAR } from './application/catalogue.tokens.js';
import { defaultCalendarDir, loadCalendar } from './infrastructure/calendar.loader.js';
import type { WorkingDayCalendar } from './domain/working-day.calendar.js';

export interface CatalogueModuleOptions {
  /** Directory holding index.yaml and the version directories. Default: `<cwd>/seeds/catalogue`. */
  seedDir?: string;
  /** Directory of the calendar's year files. Default: `<cwd>/seeds/calendar`. */
  calendarDir?: string;
  /** Working-day calendar (instead of loading calendarDir). */
  calendar?: WorkingDayCalendar;
  /** Mount CatalogueController (default true); false for processes that only need CatalogueService. */
  http?: boolean;
}

/**
 * Loads and validates the seed catalogue at boot (invalid seed data stops start-up with a
 * CatalogueSeedError naming file, item and field) and exports CatalogueService and the calendar.
 * Not global: a module that injects them lists this (one forRoot result, shared) in its `imports`.
 */
@Module({})
export class CatalogueModule {
  static forRoot(options: CatalogueModuleOptions = {}): DynamicModule {
    return {
      module: CatalogueModule,
      controllers: options.http === false ? [] : [CatalogueController, CalendarController],
      providers: [
        { provide: CATALOGUE_SET, useFactory: () => loadCatalogueSet(options.seedDir ?? defaultSeedDir()) },
        { provide: WORKING_DAY_CALENDAR, useFactory: () => options.calendar ?? loadCalendar(options.calendarDir ?? defaultCalendarDir()) },
        CatalogueService,
      ],
      exports: [CatalogueService, WORKING_DAY_CALENDAR],
    };
  }
}
