import { z } from 'zod';
import { civilDateSchema } from './common.schema.js';

/** The State Council notice a year's arrangement comes from. */
export const holidayNoticeSchema = z.strictObject({
  title: z.string().min(4).max(200),
  /** 文号, e.g. 国办发明电〔2024〕12号; omitted when not known. */
  number: z.string().min(3).max(64).optional(),
  date: civilDateSchema,
});

const festivalSchema = z.strictObject({
  name: z.string().min(1).max(32),
  /** Days off (放假), each listed. */
  holidays: z.array(civilDateSchema).min(1).max(20),
  /** Weekend days worked instead (调休上班). */
  workdays: z.array(civilDateSchema).max(5).default([]),
});

const weekday = (d: string): number => new Date(`${d}T00:00:00Z`).getUTCDay();

/**
 * One year of the official calendar (`seeds/calendar/<year>.yaml`): the notice and, festival by
 * festival, the days off and the make-up working days, all within the year, none listed twice, and
 * every make-up working day a Saturday or Sunday.
 */
export const calendarYearSchema = z
  .strictObject({
    year: z.number().int().min(2000).max(2099),
    notice: holidayNoticeSchema,
    festivals: z.array(festivalSchema).min(1).max(20),
  })
  .superRefine((y, ctx) => {
    const seen = new Map<string, string>();
    y.festivals.forEach((f, i) => {
      for (const key of ['holidays', 'workdays'] as const) {
        f[key].forEach((d, j) => {
          const path = ['festivals', i, key, j];
          if (Number(d.slice(0, 4)) !== y.year) ctx.addIssue({ code: 'custom', path, message: `${d} is not in ${y.year}` });
          if (seen.has(d)) ctx.addIssue({ code: 'custom', path, message: `${d} is already listed (${seen.get(d)})` });
          seen.set(d, `${f.name} ${key}`);
          if (key === 'workdays' && weekday(d) !== 0 && weekday(d) !== 6)
            ctx.addIssue({ code: 'custom', path, message: `${d} is a weekday: a make-up working day is a Saturday or Sunday` });
        });
      }
    });
  });
export type CalendarYearFile = z.infer<typeof calendarYearSchema>;
