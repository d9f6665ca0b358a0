import { monthIndex, type YearMonth } from './months.js';

/**
 * 基本医疗保险关系转移接续 (医保办发〔2021〕43号): the old place handles the transfer within 10
 * working days, the new place within 5. A gap of 3 months or less may be paid up, with benefits
 * back-dated; after a longer gap the new place may set a waiting period of up to 6 months.
 */
export const MEDICAL_OLD_PLACE_WORKING_DAYS = 10;
export const MEDICAL_NEW_PLACE_WORKING_DAYS = 5;
export const MEDICAL_GAP_PAY_UP_MONTHS = 3;
export const MEDICAL_MAX_WAITING_MONTHS = 6;

export type GapTreatment =
  | { kind: 'continuous' }
  | { kind: 'pay-up'; gapMonths: number; backDated: true }
  | { kind: 'waiting-period'; gapMonths: number; maxWaitingMonths: number };

/** The months between the last month paid at the old place and the first at the new one. */
export const medicalGap = (lastPaidOld: YearMonth, firstPaidNew: YearMonth): GapTreatment => {
  const gapMonths = Math.max(0, monthIndex(firstPaidNew) - monthIndex(lastPaidOld) - 1);
  if (gapMonths === 0) return { kind: 'continuous' };
  if (gapMonths <= MEDICAL_GAP_PAY_UP_MONTHS) return { kind: 'pay-up', gapMonths, backDated: true };
  return { kind: 'waiting-period', gapMonths, maxWaitingMonths: MEDICAL_MAX_WAITING_MONTHS };
};

/** The two due dates: the old place releases within 10 working days of the application, the new place continues within 5 of the release. */
export const medicalTransferDeadlines = (
  calendar: { addWorkingDays(start: string, n: number): string },
  t: { fromCity: string; toCity: string; entries: readonly { step: string; on: string }[] },
  today: string,
): { step: 'released' | 'continued'; city: string; dueOn: string; doneOn: string | null; late: boolean }[] => {
  const on = (step: string) => t.entries.find((e) => e.step === step)?.on ?? null;
  const out: { step: 'released' | 'continued'; city: string; dueOn: string; doneOn: string | null; late: boolean }[] = [];
  const applied = on('applied');
  if (!applied) return out;
  const releasedDue = calendar.addWorkingDays(applied, MEDICAL_OLD_PLACE_WORKING_DAYS);
  const released = on('released');
  out.push({ step: 'released', city: t.fromCity, dueOn: releasedDue, doneOn: released, late: (released ?? today) > releasedDue });
  if (!released) return out;
  const continuedDue = calendar.addWorkingDays(released, MEDICAL_NEW_PLACE_WORKING_DAYS);
  const continued = on('continued');
  out.push({ step: 'continued', city: t.toCity, dueOn: continuedDue, doneOn: continued, late: (continued ?? today) > continuedDue });
  return out;
};
